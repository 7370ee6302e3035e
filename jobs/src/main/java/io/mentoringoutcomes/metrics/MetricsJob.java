package io.mentoringoutcomes.metrics;

import io.mentoringoutcomes.config.MetricsConfig;
import io.mentoringoutcomes.spark.Checkpoints;
import io.mentoringoutcomes.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome tables: reads silver, builds the cohort frame once, writes staging.* (the lead's
 * publish step promotes staging to gold). Thin on purpose: every figure comes from a tested
 * transform. The CLI command is wired elsewhere.
 */
public final class MetricsJob {

    private MetricsJob() {}

    /** One staging table to write: its name, its data (built lazily) and its column comments. */
    public record TableWriter(String table, Supplier<Dataset<Row>> data, Map<String, String> comments) {}

    /**
     * Computes every staging table, then applies disclosure control against {@code lastRelease} (last
     * night's gold as published), reporting each table's time and Spark jobs to {@code progress}.
     */
    public static List<String> run(
            Warehouse wh,
            LocalDate asOf,
            MetricsConfig cfg,
            io.mentoringoutcomes.disclosure.DisclosureControl.LastRelease lastRelease,
            Consumer<String> progress) {
        // Each silver table is read once, here: every table of the night reads the same snapshot,
        // and no Delta log is resolved twice.
        HealthMetrics.Inputs silver = silverInputs(wh);
        Dataset<Row> employees = silver.employees();
        Dataset<Row> matches = silver.matches();
        Dataset<Row> meetings = silver.meetings();
        Dataset<Row> programs = silver.programs();
        Dataset<Row> participants = required(wh, "silver.participants");
        Optional<Dataset<Row>> jobEvents = wh.readIfExists("silver.hris_job_events");

        // Every table below reads the cohort frame: build it once, and cut its lineage. A plain
        // cache() keeps the whole cohort plan (hundreds of nodes) inside every table's plan, copied
        // once per self-join, so each table re-analysed, re-optimised and (AQE) re-planned it after
        // every stage; a checkpoint turns it into a one-node scan of materialized rows: a local one
        // (memory, spilling to local disk) on a local master, a reliable one on a cluster (Checkpoints).
        org.apache.spark.SparkContext sc = wh.spark().sparkContext();
        String checkpoints = wh.root() + "/_checkpoints/metrics";
        boolean ownCheckpointDir = !sc.isLocal() && Checkpoints.ensureDirectory(sc, checkpoints);
        long built = System.nanoTime();
        Dataset<Row> cohort =
                Checkpoints.cut(CohortMatcher.build(matches, meetings, participants, employees, jobEvents, asOf));
        // The intention-to-treat rows are a retention sensitivity only: every other table reads the primary design.
        Dataset<Row> primary =
                cohort.filter(org.apache.spark.sql.functions.col("method").notEqual(CohortMatcher.MATCHED_ITT));
        progress.accept(String.format(
                java.util.Locale.ROOT,
                "%-32s %6.1f s",
                "cohort frame (checkpointed)",
                (System.nanoTime() - built) / 1e9));
        try {
            List<TableWriter> writers = new ArrayList<>();
            // Built inside its writer: the estimators checkpoint intermediate frames eagerly, and that
            // work belongs to the table's job group and time.
            writers.add(new TableWriter(
                    "staging.retention_summary",
                    () -> RetentionSummary.summary(cohort, cfg.retentionHorizonsMonths(), cfg.minGroupSize(), asOf),
                    OutcomeDocs.RETENTION_SUMMARY));
            writers.add(new TableWriter(
                    "staging.retention_curve",
                    () -> RetentionSummary.curve(cohort, cfg.minGroupSize(), asOf),
                    OutcomeDocs.RETENTION_CURVE));
            writers.add(new TableWriter(
                    "staging.matching_balance",
                    () -> MatchingBalance.balance(
                            primary, cfg.minGroupSize(), asOf, CohortBuilder.covariateSource(jobEvents.isPresent())),
                    OutcomeDocs.MATCHING_BALANCE));
            writers.add(new TableWriter(
                    "staging.program_roi",
                    // Avoided departures from the cumulative incidence of voluntary exit (involuntary exits compete).
                    () -> RoiCalculator.roi(
                            primary,
                            AvoidedDepartures.perMentee(primary, cfg.roiHorizonMonths(), cfg.minGroupSize()),
                            programs,
                            matches,
                            meetings,
                            employees,
                            dominanceEvidence(wh, primary, matches, meetings, employees, cfg, asOf),
                            cfg,
                            asOf),
                    OutcomeDocs.PROGRAM_ROI));
            jobEvents.ifPresent(events -> writers.add(new TableWriter(
                    "staging.promotion_summary",
                    () -> PromotionSummary.summary(
                            primary, events, cfg.promotionHorizonsMonths(), cfg.minGroupSize(), asOf),
                    OutcomeDocs.PROMOTION_SUMMARY)));

            // Turnover, satisfaction (the engagement DiD reads the cohort frame) and engagement health.
            HealthMetrics.tables(silver, primary, asOf, cfg.minGroupSize(), Pseudonymizer.forWarehouse(wh))
                    .forEach((name, data) -> writers.add(new TableWriter("staging." + name, data, Map.of())));

            // Program names, kinds and dates: no one is counted, so every program is listed.
            writers.add(new TableWriter(
                    "staging." + ProgramDimension.TABLE, () -> ProgramDimension.dimension(programs, asOf), Map.of()));

            List<String> written = new ArrayList<>();
            for (TableWriter w : writers) {
                long t0 = System.nanoTime();
                String group = "metrics:" + w.table();
                sc.setJobGroup(group, w.table(), false);
                java.util.Set<Integer> heldBefore = persistedRdds(sc);
                try {
                    Dataset<Row> data = TableDocs.withComments(w.data().get(), w.comments());
                    int planNodes = planNodes(data.queryExecution().analyzed());
                    wh.overwrite(w.table(), data);
                    int[] jobs = sc.statusTracker().getJobIdsForGroup(group);
                    int stages = 0;
                    for (int id : jobs) {
                        stages += sc.statusTracker()
                                .getJobInfo(id)
                                .map(j -> j.stageIds().length)
                                .getOrElse(() -> 0);
                    }
                    progress.accept(String.format(
                            java.util.Locale.ROOT,
                            "%-32s %6.1f s, %3d Spark jobs, %4d stages, %5d plan nodes",
                            w.table(),
                            (System.nanoTime() - t0) / 1e9,
                            jobs.length,
                            stages,
                            planNodes));
                } finally {
                    sc.clearJobGroup();
                    // The table's own local checkpoints (persisted blocks) are done with once
                    // it is written: free them now rather than when the GC gets to them, which at
                    // 200k employees is memory the next table needs.
                    persistedRdds(sc).stream()
                            .filter(id -> !heldBefore.contains(id))
                            .forEach(id -> sc.getPersistentRDDs()
                                    .get(id)
                                    .filter(rdd -> rdd.isCheckpointed())
                                    .foreach(rdd -> rdd.unpersist(false)));
                }
                written.add(w.table());
            }
            written.add(writeCatalogue(wh, written, asOf, progress));
            // Disclosure control over the whole release, before the audit sees it.
            List<String> released = new ArrayList<>(io.mentoringoutcomes.disclosure.DisclosureControl.apply(
                    wh, written, cfg.minGroupSize(), lastRelease, progress));
            // The headline figures' history, from tonight's controlled tables and the published history.
            String history = "staging." + HeadlineHistory.TABLE;
            wh.overwrite(
                    history,
                    HeadlineHistory.history(
                            lastRelease.read("gold." + HeadlineHistory.TABLE),
                            HeadlineHistory.tonight(
                                    wh.read("staging.retention_summary"),
                                    wh.read("staging.program_roi"),
                                    cfg.replacementCostRatio(),
                                    asOf),
                            asOf));
            released.add(history);
            return released;
        } finally {
            Checkpoints.release(cohort);
            if (ownCheckpointDir) {
                // The intermediate frames' reliable checkpoints of this night (a local master wrote none).
                deleteQuietly(wh, sc.getCheckpointDir().get());
            }
        }
    }

    /**
     * The p% rule's evidence for program_roi ({@link RoiCalculator#dominanceEvidence}), written to the
     * restricted {@code evidence.dominance} (never gold, never served) and read back: the ROI judges
     * dominance on it, and the output audit judges the published rows on the same figures.
     */
    static Dataset<Row> dominanceEvidence(
            Warehouse wh,
            Dataset<Row> primary,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            MetricsConfig cfg,
            LocalDate asOf) {
        String table = io.mentoringoutcomes.disclosure.DisclosureAudit.DOMINANCE_EVIDENCE;
        wh.overwrite(table, RoiCalculator.dominanceEvidence(primary, matches, meetings, employees, cfg, asOf));
        return wh.read(table);
    }

    /** The silver tables the health metrics read; a missing required one is named with the warehouse. */
    static HealthMetrics.Inputs silverInputs(Warehouse wh) {
        return new HealthMetrics.Inputs(
                required(wh, "silver.programs"),
                required(wh, "silver.matches"),
                required(wh, "silver.meetings"),
                required(wh, "silver.hris_employees"),
                wh.readIfExists("silver.surveys"),
                wh.readIfExists("silver.goals"));
    }

    private static Dataset<Row> required(Warehouse wh, String table) {
        return wh.readIfExists(table)
                .orElseThrow(() -> new IllegalStateException(
                        table + " is required for the metrics and does not exist under " + wh.root()));
    }

    private static void deleteQuietly(Warehouse wh, String dir) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(dir);
        try {
            path.getFileSystem(wh.hadoopConf()).delete(path, true);
        } catch (java.io.IOException e) {
            org.slf4j.LoggerFactory.getLogger(MetricsJob.class)
                    .warn("cannot delete checkpoints {}: {}", dir, e.toString());
        }
    }

    private static java.util.Set<Integer> persistedRdds(org.apache.spark.SparkContext sc) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        scala.collection.JavaConverters.mapAsJavaMap(sc.getPersistentRDDs())
                .keySet()
                .forEach(id -> ids.add((Integer) id));
        return ids;
    }

    /**
     * Stages {@code metric_catalogue}: the figures of tonight's gold counts tables (admin and reference
     * tables hold none), as staged, so a table absent tonight (promotion_summary without job events) is
     * not catalogued.
     */
    static String writeCatalogue(Warehouse wh, List<String> written, LocalDate asOf, Consumer<String> progress) {
        io.mentoringoutcomes.disclosure.ReleaseRules rules = io.mentoringoutcomes.disclosure.ReleaseRules.standard();
        Map<String, org.apache.spark.sql.types.StructType> schemas = new java.util.LinkedHashMap<>();
        Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        for (String table : written) {
            String noun = table.substring(table.indexOf('.') + 1);
            rules.table(noun)
                    .filter(t -> t.audience() == io.mentoringoutcomes.disclosure.ReleaseRules.Audience.gold
                            && !t.isReference())
                    .ifPresent(t -> {
                        schemas.put(noun, wh.read(table).schema());
                        keys.put(noun, t.keys());
                    });
        }
        MetricCatalogue.Declarations decl = MetricCatalogue.standard();
        List<String> undeclared = MetricCatalogue.undeclared(schemas, keys, decl);
        if (!undeclared.isEmpty()) {
            progress.accept("WARNING metric_catalogue: figures not declared in schemas/metrics.yaml (catalogued"
                    + " without label, unit, direction or scale): " + undeclared);
        }
        String table = "staging." + MetricCatalogue.TABLE;
        wh.overwrite(table, MetricCatalogue.catalogue(wh.spark(), schemas, keys, decl, asOf));
        return table;
    }

    /** Nodes of a logical plan, subqueries included: a rough measure of how much Spark must plan. */
    static int planNodes(org.apache.spark.sql.catalyst.plans.logical.LogicalPlan plan) {
        int n = 1;
        scala.collection.Iterator<org.apache.spark.sql.catalyst.plans.logical.LogicalPlan> it =
                plan.children().iterator();
        while (it.hasNext()) {
            n += planNodes(it.next());
        }
        return n;
    }
}
