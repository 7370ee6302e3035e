package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Voluntary departures avoided per matched mentee by a horizon: the comparison's cumulative
 * incidence of voluntary exit minus the mentees' (Aalen-Johansen, involuntary exits competing),
 * per program, with the person-clustered robust 95% CI of {@link RobustVariance}.
 *
 * <p>Why not 1 − Kaplan-Meier: it treats involuntary exits as censoring, i.e. as if those people
 * could still have left voluntarily later, which overstates voluntary departures in both arms, and
 * by more in the arm with more involuntary exits. A departure that would have been involuntary is
 * not one mentoring avoids.
 */
public final class AvoidedDepartures {

    private AvoidedDepartures() {}

    /**
     * Input: the cohort frame (event = voluntary exit, separated = any exit). Output per program:
     * program_id, cohort ('mentee'), method ('matched'), horizon_months, n_employees, difference
     * (avoided voluntary departures per mentee), difference_ci_low, difference_ci_high,
     * voluntary_exit_incidence (mentees'), comparison_voluntary_exit_incidence. Figures are null
     * when either arm has fewer than minGroupSize employees.
     */
    public static Dataset<Row> perMentee(Dataset<Row> cohort, int horizonMonths, int minGroupSize) {
        Dataset<Row> matched = cohort.filter(col("method").equalTo("matched"))
                .withColumn(
                        "exit_status",
                        when(col("event").equalTo(1), 1)
                                .when(col("separated").equalTo(1), 2)
                                .otherwise(0));
        Dataset<Row> raw = RetentionSummary.withComparison(
                RetentionSummary.estimates(
                        matched, "exit_status", RobustVariance.Estimand.CUMULATIVE_INCIDENCE, List.of(horizonMonths)),
                "_estimate");
        Column enough = col("n_employees").geq(minGroupSize).and(col("_n0").geq(minGroupSize));
        Column avoided = col("_s0").minus(col("_estimate"));
        Column half = col("_se_diff").multiply(KaplanMeier.Z_95);
        Column nullD = lit(null).cast("double");
        return raw.filter(col("cohort").equalTo("mentee"))
                .select(
                        col("program_id"),
                        col("cohort"),
                        col("method"),
                        col("horizon_months"),
                        col("n_employees"),
                        when(enough, avoided).otherwise(nullD).as("difference"),
                        when(enough, avoided.minus(half)).otherwise(nullD).as("difference_ci_low"),
                        when(enough, avoided.plus(half)).otherwise(nullD).as("difference_ci_high"),
                        when(enough, col("_estimate")).otherwise(nullD).as("voluntary_exit_incidence"),
                        when(enough, col("_s0")).otherwise(nullD).as("comparison_voluntary_exit_incidence"));
    }
}
