package io.mentoringoutcomes.metrics;

import io.mentoringoutcomes.spark.Warehouse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The health tables in one call, for MetricsJob to stage and publish:
 * turnover_rate, satisfaction_summary, engagement_summary and match_health, each with column
 * comments. Required silver inputs (programs, matches, meetings, hris_employees) must exist;
 * the optional ones (surveys, goals) only empty or null the figures that need them.
 */
public final class HealthMetrics {

    public static final String TURNOVER_RATE = "turnover_rate";
    public static final String SATISFACTION_SUMMARY = "satisfaction_summary";
    public static final String ENGAGEMENT_SUMMARY = "engagement_summary";
    public static final String MATCH_HEALTH = "match_health";

    private HealthMetrics() {}

    /** Uses the pseudonym key from the environment; fails when none is configured. */
    public static Map<String, Dataset<Row>> compute(
            Warehouse wh, Dataset<Row> cohorts, LocalDate asOf, int minGroupSize) {
        return compute(wh, cohorts, asOf, minGroupSize, Pseudonymizer.fromEnvironment());
    }

    /**
     * @param cohorts the cohort frame (program_id, cohort, method, employee_id, index_date, weight, ...)
     * @return staging tables by name, in a stable order; lazily evaluated
     */
    public static Map<String, Dataset<Row>> compute(
            Warehouse wh, Dataset<Row> cohorts, LocalDate asOf, int minGroupSize, Pseudonymizer pseudonymizer) {
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        tables(wh, cohorts, asOf, minGroupSize, pseudonymizer).forEach((name, table) -> out.put(name, table.get()));
        return out;
    }

    /**
     * As {@link #compute}, each table built only when asked for: satisfaction_summary materialises
     * an intermediate frame as it is built, work that belongs to the moment (and job group) its
     * table is written.
     */
    public static Map<String, Supplier<Dataset<Row>>> tables(
            Warehouse wh, Dataset<Row> cohorts, LocalDate asOf, int minGroupSize, Pseudonymizer pseudonymizer) {
        Dataset<Row> programs = required(wh, "silver.programs");
        Dataset<Row> matches = required(wh, "silver.matches");
        Dataset<Row> meetings = required(wh, "silver.meetings");
        Dataset<Row> employees = required(wh, "silver.hris_employees");
        Optional<Dataset<Row>> surveys = wh.readIfExists("silver.surveys");
        Optional<Dataset<Row>> goals = wh.readIfExists("silver.goals");

        Map<String, Supplier<Dataset<Row>>> out = new LinkedHashMap<>();
        out.put(TURNOVER_RATE, () -> TurnoverRate.compute(employees, matches, asOf, minGroupSize));
        out.put(
                SATISFACTION_SUMMARY,
                () -> SatisfactionSummary.compute(cohorts, surveys, meetings, matches, asOf, minGroupSize));
        out.put(
                ENGAGEMENT_SUMMARY,
                () -> EngagementSummary.summary(programs, matches, meetings, goals, asOf, minGroupSize));
        out.put(
                MATCH_HEALTH,
                () -> EngagementSummary.matchHealth(
                        programs, matches, meetings, goals, asOf, minGroupSize, pseudonymizer::column));
        return out;
    }

    private static Dataset<Row> required(Warehouse wh, String table) {
        return wh.readIfExists(table)
                .orElseThrow(() -> new IllegalStateException(
                        table + " is required for the health metrics and does not exist under " + wh.root()));
    }
}
