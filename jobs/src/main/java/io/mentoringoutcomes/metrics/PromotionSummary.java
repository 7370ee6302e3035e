package io.mentoringoutcomes.metrics;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.promotion_summary}: cumulative incidence of a first promotion (1 − KM) within the
 * horizons (12 and 24 months by default), per program, cohort and method, from the same cohort
 * frame and weights as retention.
 *
 * <p>Follow-up ends where the retention follow-up ends (any separation, as-of, a comparator
 * becoming a mentee), so leaving censors promotion. Leaving is really a competing risk: 1 − KM
 * somewhat overstates the share promoted (Aalen-Johansen would not); it does so on both sides.
 */
public final class PromotionSummary {

    private PromotionSummary() {}

    /** Recasts the cohort frame's event and time_days as time to first promotion after index. */
    public static Dataset<Row> promotionFollowUp(Dataset<Row> cohort, Dataset<Row> jobEvents) {
        Dataset<Row> promotions = jobEvents.filter(col("event_type").equalTo("promotion"))
                .select(col("employee_id"), col("event_date"));
        List<String> keys = List.of("program_id", "cohort", "method", "employee_id", "index_date");
        Column end = date_add(col("index_date"), col("time_days").cast("int"));
        Dataset<Row> first = cohort.join(promotions, CohortMatcher.seq("employee_id"))
                .filter(col("event_date").gt(col("index_date")).and(col("event_date").leq(end)))
                .groupBy(KaplanMeier.cols(keys).toArray(new Column[0]))
                .agg(min("event_date").as("_first_promotion"));
        return cohort.join(first, CohortMatcher.seq(keys.toArray(new String[0])), "left")
                .withColumn("event", when(col("_first_promotion").isNotNull(), 1).otherwise(0))
                .withColumn("time_days", when(col("_first_promotion").isNotNull(),
                        datediff(col("_first_promotion"), col("index_date")).cast("double")).otherwise(col("time_days")))
                .drop("_first_promotion");
    }

    public static Dataset<Row> summary(Dataset<Row> cohort, Dataset<Row> jobEvents, List<Integer> horizonsMonths,
                                       int minGroupSize, LocalDate asOf) {
        Dataset<Row> raw = RetentionSummary.unsuppressed(promotionFollowUp(cohort, jobEvents), horizonsMonths)
                .withColumn("promotion_rate", lit(1.0).minus(col("retention")))
                .withColumn("ci_low", lit(1.0).minus(col("retention_ci_high")))
                .withColumn("ci_high", lit(1.0).minus(col("retention_ci_low")));
        Column isContrast = col("cohort").notEqual("comparison").and(col("_n0").geq(minGroupSize));
        Column diff = col("promotion_rate").minus(col("_r0"));
        Column seDiff = sqrt(col("_se_s").multiply(col("_se_s")).plus(col("_se0").multiply(col("_se0"))));
        Column nullD = lit(null).cast("double");
        Dataset<Row> out = RetentionSummary.withComparison(raw, "promotion_rate").withColumnRenamed("_s0", "_r0")
                .withColumn("difference", when(isContrast, diff).otherwise(nullD))
                .withColumn("difference_ci_low", when(isContrast, diff.minus(seDiff.multiply(KaplanMeier.Z_95))).otherwise(nullD))
                .withColumn("difference_ci_high", when(isContrast, diff.plus(seDiff.multiply(KaplanMeier.Z_95))).otherwise(nullD))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        out = Suppression.apply(out, "n_employees", minGroupSize, List.of("n_events", "promotion_rate", "ci_low",
                "ci_high", "difference", "difference_ci_low", "difference_ci_high"));
        return out.select("program_id", "cohort", "method", "horizon_months", "n_employees", "n_events",
                "promotion_rate", "ci_low", "ci_high", "difference", "difference_ci_low", "difference_ci_high",
                "suppressed", "as_of");
    }
}
