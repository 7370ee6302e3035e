package io.mentoringoutcomes.metrics;

import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The outcome tables: reads silver, builds the cohort frame once, writes staging.* (the lead's
 * publish step promotes staging to gold). Thin on purpose: every figure comes from a tested
 * transform. The CLI command is wired elsewhere.
 */
public final class MetricsJob {

    private MetricsJob() {}

    /** One staging table to write: its name, its data (built lazily) and its column comments. */
    public record TableWriter(String table, Supplier<Dataset<Row>> data, Map<String, String> comments) {}

    public static List<String> run(Warehouse wh, LocalDate asOf, MetricsConfig cfg) {
        Dataset<Row> employees = wh.read("silver.hris_employees");
        Dataset<Row> matches = wh.read("silver.matches");
        Dataset<Row> meetings = wh.read("silver.meetings");
        Dataset<Row> participants = wh.read("silver.participants");
        Dataset<Row> programs = wh.read("silver.programs");
        Optional<Dataset<Row>> jobEvents = wh.readIfExists("silver.hris_job_events");

        // Every table below reads the cohort frame: build it once.
        Dataset<Row> cohort = CohortMatcher.build(matches, meetings, participants, employees, asOf).cache();
        try {
            Dataset<Row> retention = RetentionSummary.summary(cohort, cfg.retentionHorizonsMonths(), cfg.minGroupSize(), asOf);
            List<TableWriter> writers = new ArrayList<>();
            writers.add(new TableWriter("staging.retention_summary", () -> retention, OutcomeDocs.RETENTION_SUMMARY));
            writers.add(new TableWriter("staging.retention_curve",
                    () -> RetentionSummary.curve(cohort, cfg.minGroupSize(), asOf), OutcomeDocs.RETENTION_CURVE));
            writers.add(new TableWriter("staging.matching_balance",
                    () -> MatchingBalance.balance(cohort, cfg.minGroupSize(), asOf), OutcomeDocs.MATCHING_BALANCE));
            writers.add(new TableWriter("staging.program_roi",
                    // Reads the retention summary back from staging (written just before) instead of recomputing it.
                    () -> RoiCalculator.roi(cohort, wh.read("staging.retention_summary"), programs, matches, meetings, employees, cfg, asOf),
                    OutcomeDocs.PROGRAM_ROI));
            jobEvents.ifPresent(events -> writers.add(new TableWriter("staging.promotion_summary",
                    () -> PromotionSummary.summary(cohort, events, cfg.promotionHorizonsMonths(), cfg.minGroupSize(), asOf),
                    OutcomeDocs.PROMOTION_SUMMARY)));

            // Turnover, satisfaction (the engagement DiD reads the cohort frame) and engagement health.
            HealthMetrics.compute(wh, cohort, asOf, cfg.minGroupSize(), Pseudonymizer.forWarehouse(wh))
                    .forEach((name, data) -> writers.add(new TableWriter("staging." + name, () -> data, Map.of())));

            List<String> written = new ArrayList<>();
            for (TableWriter w : writers) {
                wh.overwrite(w.table(), TableDocs.withComments(w.data().get(), w.comments()));
                written.add(w.table());
            }
            return written;
        } finally {
            cohort.unpersist();
        }
    }
}
