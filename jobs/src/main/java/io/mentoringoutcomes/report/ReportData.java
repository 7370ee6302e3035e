package io.mentoringoutcomes.report;

import io.mentoringoutcomes.pipeline.PipelineRuns;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.publish.PublishedNights;
import io.mentoringoutcomes.quality.OpsTables;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/**
 * Everything the report shows, collected from the (small, aggregated) gold tables and the ops
 * tables into plain Java values, so rendering needs no Spark and is testable on its own.
 *
 * @param gold         table noun (program_roi, ...) → rows as column → value (dates as ISO strings)
 * @param programNames program_id → display name (from silver.programs when present)
 * @param dqChecks     ops.dq_results rows of the run (dataset, check, constraint, level, status, message)
 * @param quarantine   rows quarantined in the run by stage, dataset, rule, level (n)
 * @param warnings     things a reader must know before trusting the figures
 */
public record ReportData(LocalDate asOf, String runId, String source, Instant generatedAt, int minGroupSize,
                         Map<String, List<Map<String, Object>>> gold, Map<String, Long> goldVersions,
                         Map<String, String> programNames, List<Map<String, Object>> dqChecks,
                         List<Map<String, Object>> quarantine, boolean dqAvailable, List<String> warnings) {

    /** Gold tables the report reads (match_health is per match: not for a summary). */
    static final List<String> TABLES = List.of("program_roi", "retention_summary", "retention_curve", "matching_balance",
            "promotion_summary", "turnover_rate", "satisfaction_summary", "engagement_summary");

    public List<Map<String, Object>> rows(String table) {
        return gold.getOrDefault(table, List.of());
    }

    /** Collects the report's inputs; see {@link ReportWriter#write} for {@code latestRequested}. */
    public static ReportData load(GoldSource source, int minGroupSize, boolean latestRequested) {
        Warehouse wh = source.warehouse();
        Map<String, List<Map<String, Object>>> gold = new LinkedHashMap<>();
        Map<String, Long> versions = new LinkedHashMap<>();
        for (String noun : TABLES) {
            String table = "gold." + noun;
            if (!source.has(table)) {
                continue;
            }
            Dataset<Row> df = source.read(table);
            if (noun.equals("retention_curve")) {
                df = df.filter(col("method").equalTo("matched"));
            }
            gold.put(noun, collect(df));
            versions.put(table, source.version(table));
        }
        if (gold.isEmpty()) {
            throw new IllegalStateException("no gold tables under " + wh.root() + " (" + source.describe() + "): run the pipeline first");
        }

        Optional<PublishedNights.PublishedNight> night = source.night().or(() -> PublishedNights.latest(wh));
        LocalDate asOf = night.map(PublishedNights.PublishedNight::asOf).orElseGet(() -> asOfFromRows(gold));
        String runId = night.map(PublishedNights.PublishedNight::runId).orElse(null);

        List<String> warnings = new ArrayList<>();
        if (latestRequested && night.isPresent() && wh.exists(PipelineRuns.TABLE)) {
            List<Row> last = wh.read(PipelineRuns.TABLE).orderBy(col("finished_at").desc()).limit(1)
                    .select("run_id", "as_of", "stage", "status").collectAsList();
            if (!last.isEmpty() && !"succeeded".equals(last.get(0).getString(3))) {
                Row r = last.get(0);
                warnings.add("The latest run " + r.getString(0) + " (as of " + r.getDate(1) + ") stopped at its "
                        + r.getString(2) + " stage (" + r.getString(3) + "): the figures below are those of the last "
                        + "successful publish, run " + runId + ".");
            }
        }
        if (night.isEmpty()) {
            warnings.add("No successful publish is recorded in ops.pipeline_runs: the gold tables are shown as they are, "
                    + "without a data-quality status.");
        }

        Map<String, String> names = new LinkedHashMap<>();
        if (wh.exists("silver.programs")) {
            for (Row r : wh.read("silver.programs").select("program_id", "name").collectAsList()) {
                names.put(r.getString(0), r.getString(1));
            }
        }

        List<Map<String, Object>> checks = List.of();
        List<Map<String, Object>> quarantine = List.of();
        boolean dqAvailable = false;
        if (runId != null && wh.exists(OpsTables.DQ_RESULTS)) {
            checks = collect(ofRun(wh.read(OpsTables.DQ_RESULTS), runId, asOf)
                    .select("dataset", "check", "constraint", "level", "status", "metric_value", "message")
                    .orderBy("dataset", "check", "constraint"));
            dqAvailable = !checks.isEmpty();
        }
        if (runId != null && wh.exists(OpsTables.QUARANTINE)) {
            quarantine = collect(ofRun(wh.read(OpsTables.QUARANTINE), runId, asOf)
                    .groupBy("stage", "dataset", "rule", "level").agg(count(lit(1)).as("n"))
                    .orderBy(col("n").desc(), col("dataset"), col("rule")));
        }
        return new ReportData(asOf, runId, source.describe(), Instant.now(), minGroupSize, gold, versions, names,
                checks, quarantine, dqAvailable, warnings);
    }

    /** The run's rows; a stage re-run under another run id still belongs to the night (batch). */
    private static Dataset<Row> ofRun(Dataset<Row> ops, String runId, LocalDate asOf) {
        Dataset<Row> byRun = ops.filter(col("run_id").equalTo(runId));
        if (!byRun.isEmpty()) {
            return byRun;
        }
        return asOf == null ? byRun : ops.filter(col("batch_id").equalTo(asOf.toString()));
    }

    private static LocalDate asOfFromRows(Map<String, List<Map<String, Object>>> gold) {
        for (List<Map<String, Object>> rows : gold.values()) {
            for (Map<String, Object> r : rows) {
                Object v = r.get("as_of");
                if (v != null) {
                    return LocalDate.parse(v.toString());
                }
            }
        }
        return null;
    }

    static List<Map<String, Object>> collect(Dataset<Row> df) {
        String[] names = df.columns();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                Object v = r.isNullAt(i) ? null : r.get(i);
                if (v instanceof java.sql.Date d) {
                    v = d.toLocalDate().toString();
                } else if (v instanceof java.sql.Timestamp t) {
                    v = t.toInstant().toString();
                }
                m.put(names[i], v);
            }
            out.add(m);
        }
        return out;
    }
}
