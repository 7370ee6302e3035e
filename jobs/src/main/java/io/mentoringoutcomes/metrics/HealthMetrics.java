package io.mentoringoutcomes.metrics;

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

    /**
     * The silver tables the health metrics read; surveys and goals are optional feeds. {@link
     * MetricsJob#silverInputs} reads them, so these transforms never touch the warehouse.
     */
    public record Inputs(
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            Optional<Dataset<Row>> surveys,
            Optional<Dataset<Row>> goals) {}

    /**
     * @param cohorts the cohort frame (program_id, cohort, method, employee_id, index_date, weight, ...)
     * @return staging tables by name, in a stable order; lazily evaluated
     */
    public static Map<String, Dataset<Row>> compute(
            Inputs in, Dataset<Row> cohorts, LocalDate asOf, int minGroupSize, Pseudonymizer pseudonymizer) {
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        tables(in, cohorts, asOf, minGroupSize, pseudonymizer).forEach((name, table) -> out.put(name, table.get()));
        return out;
    }

    /**
     * As {@link #compute}, each table built only when asked for: satisfaction_summary materialises
     * an intermediate frame as it is built, work that belongs to the moment (and job group) its
     * table is written.
     */
    public static Map<String, Supplier<Dataset<Row>>> tables(
            Inputs in, Dataset<Row> cohorts, LocalDate asOf, int minGroupSize, Pseudonymizer pseudonymizer) {
        Map<String, Supplier<Dataset<Row>>> out = new LinkedHashMap<>();
        out.put(TURNOVER_RATE, () -> TurnoverRate.compute(in.employees(), in.matches(), asOf, minGroupSize));
        out.put(
                SATISFACTION_SUMMARY,
                () -> SatisfactionSummary.compute(
                        cohorts, in.surveys(), in.meetings(), in.matches(), asOf, minGroupSize));
        out.put(
                ENGAGEMENT_SUMMARY,
                () -> EngagementSummary.summary(
                        in.programs(), in.matches(), in.meetings(), in.goals(), asOf, minGroupSize));
        out.put(
                MATCH_HEALTH,
                () -> EngagementSummary.matchHealth(
                        in.programs(),
                        in.matches(),
                        in.meetings(),
                        in.goals(),
                        asOf,
                        minGroupSize,
                        pseudonymizer::column));
        return out;
    }
}
