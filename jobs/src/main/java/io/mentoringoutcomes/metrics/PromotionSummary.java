package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.spark.Checkpoints;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.promotion_summary}: cumulative incidence of a first promotion within the horizons
 * (12 and 24 months by default), per program, cohort and method, from the same cohort frame and
 * weights as retention.
 *
 * <p>Leaving competes with promotion: someone who has left can no longer be promoted, and exit
 * hazards differ by arm. So the share promoted is the Aalen-Johansen cumulative incidence with any
 * separation (voluntary or not) as the competing event, not 1 − Kaplan-Meier, which treats
 * leavers as if they could still be promoted and overstates. Becoming a mentee (comparators) and
 * the as-of date censor. Standard errors are the person-clustered robust ones of
 * {@link RobustVariance}; the CI is the log(−log F) transform, which stays inside (0, 1); the
 * difference's CI is normal on the per-person difference of influences.
 */
public final class PromotionSummary {

    private PromotionSummary() {}

    /**
     * Recasts the cohort frame's event and time_days as time to first promotion after index, and
     * adds promotion_status (1 promoted, 2 separated before any promotion, 0 censored).
     */
    public static Dataset<Row> promotionFollowUp(Dataset<Row> cohort, Dataset<Row> jobEvents) {
        Dataset<Row> promotions =
                jobEvents.filter(col("event_type").equalTo("promotion")).select(col("employee_id"), col("event_date"));
        List<String> keys = List.of("program_id", "cohort", "method", "employee_id", "index_date");
        Column end = date_add(col("index_date"), col("time_days").cast("int"));
        Dataset<Row> first = cohort.join(promotions, CohortMatcher.seq("employee_id"))
                .filter(col("event_date")
                        .gt(col("index_date"))
                        .and(col("event_date").leq(end)))
                .groupBy(KaplanMeier.cols(keys).toArray(new Column[0]))
                .agg(min("event_date").as("_first_promotion"));
        return cohort.join(first, CohortMatcher.seq(keys.toArray(new String[0])), "left")
                .withColumn(
                        "event", when(col("_first_promotion").isNotNull(), 1).otherwise(0))
                // 1 promoted first, 2 left first (the competing event), 0 censored.
                .withColumn(
                        "promotion_status",
                        when(col("_first_promotion").isNotNull(), 1)
                                .when(col("separated").equalTo(1), 2)
                                .otherwise(0))
                .withColumn(
                        "time_days",
                        when(
                                        col("_first_promotion").isNotNull(),
                                        datediff(col("_first_promotion"), col("index_date"))
                                                .cast("double"))
                                .otherwise(col("time_days")))
                .drop("_first_promotion");
    }

    public static Dataset<Row> summary(
            Dataset<Row> cohort,
            Dataset<Row> jobEvents,
            List<Integer> horizonsMonths,
            int minGroupSize,
            LocalDate asOf) {
        // Materialised once: the estimator reads the follow-up four times (grid, per-time sums, rows, counts).
        Dataset<Row> raw = RetentionSummary.estimates(
                        Checkpoints.cut(promotionFollowUp(cohort, jobEvents)),
                        "promotion_status",
                        RobustVariance.Estimand.CUMULATIVE_INCIDENCE,
                        horizonsMonths)
                .withColumnRenamed("_estimate", "promotion_rate")
                .withColumn("ci_low", cumulativeIncidenceLow(col("promotion_rate"), col("_se_s")))
                .withColumn("ci_high", cumulativeIncidenceHigh(col("promotion_rate"), col("_se_s")));
        Column isContrast = col("cohort").notEqual("comparison").and(col("_n0").geq(minGroupSize));
        Column diff = col("promotion_rate").minus(col("_r0"));
        Column seDiff = col("_se_diff");
        Column nullD = lit(null).cast("double");
        Dataset<Row> out = RetentionSummary.withComparison(raw, "promotion_rate")
                .withColumnRenamed("_s0", "_r0")
                .withColumn("difference", when(isContrast, diff).otherwise(nullD))
                .withColumn(
                        "difference_ci_low",
                        when(isContrast, diff.minus(seDiff.multiply(KaplanMeier.Z_95)))
                                .otherwise(nullD))
                .withColumn(
                        "difference_ci_high",
                        when(isContrast, diff.plus(seDiff.multiply(KaplanMeier.Z_95)))
                                .otherwise(nullD))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        out = Suppression.apply(
                out,
                "n_employees",
                minGroupSize,
                List.of(
                        "n_events",
                        "promotion_rate",
                        "ci_low",
                        "ci_high",
                        "difference",
                        "difference_ci_low",
                        "difference_ci_high"));
        return out.select(
                "program_id",
                "cohort",
                "method",
                "horizon_months",
                "n_employees",
                "n_events",
                "promotion_rate",
                "ci_low",
                "ci_high",
                "difference",
                "difference_ci_low",
                "difference_ci_high",
                "suppressed",
                "as_of");
    }

    /**
     * log(−log F) interval for a cumulative incidence F with standard error se: the log-log
     * transform of the survival curve applied to F (se of log F = se / F). [0, 0] at F = 0.
     */
    static Column cumulativeIncidenceLow(Column f, Column se) {
        return when(f.leq(0.0), lit(0.0)).otherwise(KaplanMeier.logLogLow(f, se.divide(f)));
    }

    static Column cumulativeIncidenceHigh(Column f, Column se) {
        return when(f.leq(0.0), lit(0.0)).otherwise(KaplanMeier.logLogHigh(f, se.divide(f)));
    }
}
