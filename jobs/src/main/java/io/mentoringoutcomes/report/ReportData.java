package io.mentoringoutcomes.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.publish.PublishedNights;
import io.mentoringoutcomes.quality.OpsTables;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.StageLog;
import io.mentoringoutcomes.spark.Warehouse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
public record ReportData(
        LocalDate asOf,
        String runId,
        String source,
        Instant generatedAt,
        int minGroupSize,
        Map<String, List<Map<String, Object>>> gold,
        Map<String, Long> goldVersions,
        Map<String, String> programNames,
        List<Map<String, Object>> dqChecks,
        List<Map<String, Object>> quarantine,
        boolean dqAvailable,
        List<String> warnings) {

    /** Gold tables the report reads (match_health is per match: not for a summary). */
    static final List<String> TABLES = List.of(
            "program_roi",
            "retention_summary",
            "retention_curve",
            "matching_balance",
            "promotion_summary",
            "turnover_rate",
            "satisfaction_summary",
            "engagement_summary");

    public List<Map<String, Object>> rows(String table) {
        return gold.getOrDefault(table, List.of());
    }

    /** Collects the report's inputs; see {@link ReportWriter#write} for {@code latestRequested}. */
    public static ReportData load(GoldSource source, int minGroupSize, boolean latestRequested) {
        Warehouse wh = source.warehouse();
        StageLog log = StageLog.start(ReportData.class, "report", "reading gold (" + source.describe() + ")");
        Optional<PublishedNights.PublishedNight> night = source.night().or(() -> PublishedNights.latest(wh));
        String runId = night.map(PublishedNights.PublishedNight::runId).orElse(null);
        LocalDate nightAsOf = night.map(PublishedNights.PublishedNight::asOf).orElse(null);

        // Each read is a tiny Spark job whose cost is mostly fixed (Delta snapshot, planning): run them side by side.
        Map<String, Future<List<Map<String, Object>>>> goldJobs = new LinkedHashMap<>();
        Future<List<Map<String, Object>>> programsJob;
        Future<List<Map<String, Object>>> checksJob;
        Future<List<Map<String, Object>>> quarantineJob;
        Future<List<Map<String, Object>>> lastRunJob;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (String noun : TABLES) {
                String table = "gold." + noun;
                goldJobs.put(noun, pool.submit(() -> {
                    if (!source.has(table)) {
                        return null;
                    }
                    Dataset<Row> df = source.read(table);
                    if (noun.equals("retention_curve")) {
                        df = df.filter(col("method").equalTo("matched"));
                    }
                    return collect(df);
                }));
            }
            programsJob = pool.submit(() -> wh.exists("silver.programs")
                    ? collect(wh.read("silver.programs").select("program_id", "name"))
                    : List.of());
            checksJob = pool.submit(() -> runId == null || !wh.exists(OpsTables.DQ_RESULTS)
                    ? List.of()
                    : ofRun(
                            collect(ofNight(wh.read(OpsTables.DQ_RESULTS), runId, nightAsOf)
                                    .select(
                                            "run_id",
                                            "dataset",
                                            "check",
                                            "constraint",
                                            "level",
                                            "status",
                                            "metric_value",
                                            "message")
                                    .orderBy("dataset", "check", "constraint")),
                            runId));
            quarantineJob = pool.submit(() -> runId == null || !wh.exists(OpsTables.QUARANTINE)
                    ? List.of()
                    : ofRun(
                            collect(ofNight(wh.read(OpsTables.QUARANTINE), runId, nightAsOf)
                                    .groupBy("run_id", "stage", "dataset", "rule", "level")
                                    .agg(count(lit(1)).as("n"))
                                    .orderBy(col("n").desc(), col("dataset"), col("rule"))),
                            runId));
            lastRunJob = pool.submit(() -> !latestRequested || night.isEmpty() || !wh.exists(PipelineRuns.TABLE)
                    ? List.of()
                    // A stage's final row, not the "started" row of a run still going (or killed).
                    : collect(wh.read(PipelineRuns.TABLE)
                            .filter(col("status").notEqual(PipelineRuns.STARTED))
                            .orderBy(col("finished_at").desc())
                            .limit(1)
                            .select("run_id", "as_of", "stage", "status")));

            Map<String, List<Map<String, Object>>> gold = new LinkedHashMap<>();
            Map<String, Long> versions = new LinkedHashMap<>();
            for (Map.Entry<String, Future<List<Map<String, Object>>>> e : goldJobs.entrySet()) {
                List<Map<String, Object>> rows = e.getValue().get();
                if (rows != null) {
                    gold.put(e.getKey(), rows);
                    versions.put("gold." + e.getKey(), source.version("gold." + e.getKey()));
                    log.info(String.format(
                            java.util.Locale.ROOT,
                            "gold.%-22s v%-3d %5d rows",
                            e.getKey(),
                            versions.get("gold." + e.getKey()),
                            rows.size()));
                }
            }
            if (gold.isEmpty()) {
                throw new IllegalStateException(
                        "no gold tables under " + wh.root() + " (" + source.describe() + "): run the pipeline first");
            }
            LocalDate asOf = nightAsOf != null ? nightAsOf : asOfFromRows(gold);

            List<String> warnings = new ArrayList<>();
            for (Map<String, Object> r : lastRunJob.get()) {
                if (!"succeeded".equals(r.get("status"))) {
                    warnings.add("The latest run " + r.get("run_id") + " (as of " + r.get("as_of") + ") stopped at its "
                            + r.get("stage") + " stage (" + r.get("status")
                            + "): the figures below are those of the last "
                            + "successful publish, run " + runId + ".");
                }
            }
            if (night.isEmpty()) {
                warnings.add(
                        "No successful publish is recorded in ops.pipeline_runs: the gold tables are shown as they are, "
                                + "without a data-quality status.");
            }
            Map<String, String> names = new LinkedHashMap<>();
            programsJob
                    .get()
                    .forEach(r -> names.put(String.valueOf(r.get("program_id")), String.valueOf(r.get("name"))));
            List<Map<String, Object>> checks = checksJob.get();
            List<Map<String, Object>> quarantine = quarantineJob.get();
            log.done("collected " + gold.size() + " gold tables, " + checks.size() + " quality checks, "
                    + quarantine.size() + " quarantine rules");
            return new ReportData(
                    asOf,
                    runId,
                    source.describe(),
                    Instant.now(),
                    minGroupSize,
                    gold,
                    versions,
                    names,
                    checks,
                    quarantine,
                    !checks.isEmpty(),
                    warnings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the report's tables", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The night's rows: the run's own, and the batch's (a stage re-run under another run id). */
    private static Dataset<Row> ofNight(Dataset<Row> ops, String runId, LocalDate asOf) {
        var byRun = col("run_id").equalTo(runId);
        return ops.filter(asOf == null ? byRun : byRun.or(col("batch_id").equalTo(asOf.toString())));
    }

    /** The run's rows when it has any, else the whole night's; without the run_id column. */
    private static List<Map<String, Object>> ofRun(List<Map<String, Object>> rows, String runId) {
        List<Map<String, Object>> own =
                rows.stream().filter(r -> runId.equals(r.get("run_id"))).toList();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : own.isEmpty() ? rows : own) {
            Map<String, Object> m = new LinkedHashMap<>(r);
            m.remove("run_id");
            out.add(m);
        }
        return out;
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
