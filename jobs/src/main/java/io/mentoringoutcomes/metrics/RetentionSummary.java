package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.spark.Checkpoints;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Retention by cohort from the cohort frame: weighted Kaplan-Meier at horizons
 * ({@code gold.retention_summary}) and month by month ({@code gold.retention_curve}).
 *
 * <p>The summary's standard errors are the robust (infinitesimal-jackknife) variance clustered on
 * the employee ({@link RobustVariance}), as R's {@code survfit(..., id = employee_id, robust =
 * TRUE)}: matching weights are not frequencies and one person can be in several cells and in both
 * arms. The retention CI is log-log on that se; difference = cohort − comparison of the same
 * program and method, on mentee rows and on mentor rows (mentors only have the naive method, so
 * theirs is a naive contrast), null on comparison rows; its 95% CI is normal with the se of the
 * per-person difference of influences, so the covariance of people in both arms is included.
 * The month-by-month curve uses the same robust variance for the weighted (matched) methods, so
 * the curve at a horizon month is the summary's figure and interval; the unweighted naive curves
 * keep Greenwood's, which is right for weight-1 rows of distinct people (and the per-month,
 * per-person influence multiplies rows by months, worth it only where weights need it).
 *
 * <p>n_employees / n_events are unweighted counts of distinct employees (events by the horizon).
 */
public final class RetentionSummary {

    static final List<String> GROUP = List.of("program_id", "cohort", "method");

    private RetentionSummary() {}

    public static Dataset<Row> summary(
            Dataset<Row> cohort, List<Integer> horizonsMonths, int minGroupSize, LocalDate asOf) {
        Dataset<Row> raw = unsuppressed(cohort, horizonsMonths);
        Dataset<Row> joined = withComparison(raw, "retention");
        Column isContrast = col("cohort").notEqual("comparison").and(col("_n0").geq(minGroupSize));
        Column diff = col("retention").minus(col("_s0"));
        Column nullD = lit(null).cast("double");
        Dataset<Row> out = joined.withColumn(
                        "difference", when(isContrast, diff).otherwise(nullD))
                .withColumn(
                        "difference_ci_low",
                        when(isContrast, diff.minus(col("_se_diff").multiply(KaplanMeier.Z_95)))
                                .otherwise(nullD))
                .withColumn(
                        "difference_ci_high",
                        when(isContrast, diff.plus(col("_se_diff").multiply(KaplanMeier.Z_95)))
                                .otherwise(nullD))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        out = Suppression.apply(
                out,
                "n_employees",
                minGroupSize,
                List.of(
                        "n_events",
                        "retention",
                        "retention_ci_low",
                        "retention_ci_high",
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
                "retention",
                "retention_ci_low",
                "retention_ci_high",
                "difference",
                "difference_ci_low",
                "difference_ci_high",
                "suppressed",
                "as_of");
    }

    /**
     * Per group and horizon: n_employees, n_events (by the horizon), retention, retention_ci_low,
     * retention_ci_high, _se_s (robust se of S) and _se_diff (robust se of the difference from the
     * comparison, null on comparison rows); no suppression.
     */
    static Dataset<Row> unsuppressed(Dataset<Row> cohort, List<Integer> horizonsMonths) {
        Dataset<Row> est = estimates(cohort, "event", RobustVariance.Estimand.SURVIVAL, horizonsMonths);
        Column s = col("_estimate");
        Column seLog = col("_se_s").divide(s);
        return est.withColumn("retention_ci_low", KaplanMeier.logLogLow(s, seLog))
                .withColumn("retention_ci_high", KaplanMeier.logLogHigh(s, seLog))
                .withColumnRenamed("_estimate", "retention");
    }

    /**
     * The weighted estimate (KM survival, or Aalen-Johansen cumulative incidence of status 1) per
     * program, cohort, method and horizon with its robust se and the robust se of its difference
     * from the comparison. Output: the keys, n_employees, n_events (distinct employees with status
     * 1 by the horizon), _estimate, _se_s, _se_diff; _estimate null beyond the last observed time.
     */
    static Dataset<Row> estimates(
            Dataset<Row> frame, String statusCol, RobustVariance.Estimand estimand, List<Integer> horizonsMonths) {
        Dataset<Row> horizons = horizons(frame, horizonsMonths);
        Dataset<Row> grid = frame.select(KaplanMeier.cols(GROUP).toArray(new Column[0]))
                .distinct()
                .crossJoin(horizons);
        // Materialised once: the standard error and the three parts of the difference's read it, and
        // each would otherwise carry (and Spark re-plan and re-run) its whole plan, which holds the
        // per-time running sums twice.
        Dataset<Row> influence = Checkpoints.cut(RobustVariance.influence(frame, GROUP, statusCol, grid, estimand));
        List<String> keys = new ArrayList<>(GROUP);
        keys.add("horizon_months");
        Dataset<Row> se = RobustVariance.stdErr(influence, keys)
                .withColumnRenamed("estimate", "_estimate")
                .withColumnRenamed("std_err", "_se_s");
        Dataset<Row> seDiff = RobustVariance.differenceStdErr(
                        influence, List.of("program_id", "method", "horizon_months"), "cohort", "comparison")
                .withColumnRenamed("difference_std_err", "_se_diff");

        Column byHorizon = col(statusCol).equalTo(1).and(col("time_days").leq(col("_horizon_days")));
        Dataset<Row> counts = frame.crossJoin(horizons)
                .groupBy(col("program_id"), col("cohort"), col("method"), col("horizon_months"))
                .agg(
                        countDistinct("employee_id").as("n_employees"),
                        coalesce(countDistinct(when(byHorizon, col("employee_id"))), lit(0L))
                                .as("n_events"));
        scala.collection.immutable.Seq<String> on = CohortMatcher.seq(keys.toArray(new String[0]));
        return counts.join(se, on, "left").join(seDiff, on, "left");
    }

    /**
     * Adds _s0, _se0 and _n0: {@code valueColumn}, _se_s and n_employees of the comparison row of
     * the same program, method and horizon (null when there is none). A window over the one frame
     * rather than a join of the frame with its own comparison rows, which would compute it twice.
     */
    static Dataset<Row> withComparison(Dataset<Row> raw, String valueColumn) {
        org.apache.spark.sql.expressions.WindowSpec same =
                org.apache.spark.sql.expressions.Window.partitionBy("program_id", "method", "horizon_months");
        Column isComparison = col("cohort").equalTo("comparison");
        return raw.withColumn("_s0", max(when(isComparison, col(valueColumn))).over(same))
                .withColumn("_se0", max(when(isComparison, col("_se_s"))).over(same))
                .withColumn("_n0", max(when(isComparison, col("n_employees"))).over(same));
    }

    static Dataset<Row> horizons(Dataset<Row> like, List<Integer> horizonsMonths) {
        List<Row> rows = new ArrayList<>();
        for (Integer h : horizonsMonths) {
            rows.add(RowFactory.create(h, h * KaplanMeier.DAYS_PER_MONTH));
        }
        return like.sparkSession()
                .createDataFrame(
                        rows,
                        new StructType()
                                .add("horizon_months", DataTypes.IntegerType)
                                .add("_horizon_days", DataTypes.DoubleType));
    }

    /**
     * Survival at each whole month 0..last month observed, with unweighted counts per month bucket
     * [m, m+1): n_at_risk (distinct people) at the bucket's start, n_events, n_censored (rows). Rows with fewer than
     * minGroupSize at risk are suppressed, which hides the thin tail of a curve.
     */
    public static Dataset<Row> curve(Dataset<Row> cohort, int minGroupSize, LocalDate asOf) {
        Dataset<Row> km = KaplanMeier.curve(cohort, GROUP);
        Column[] g = KaplanMeier.cols(GROUP).toArray(new Column[0]);
        Dataset<Row> grid = cohort.groupBy(g)
                .agg(max("time_days").as("_max"))
                .withColumn(
                        "month",
                        explode(sequence(
                                lit(0),
                                floor(col("_max").divide(KaplanMeier.DAYS_PER_MONTH))
                                        .cast("int"))))
                .withColumn("_horizon_days", col("month").multiply(KaplanMeier.DAYS_PER_MONTH))
                .drop("_max");
        List<String> monthKeys = new ArrayList<>(GROUP);
        monthKeys.add("month");
        // Weighted methods: the estimate and the person-clustered robust se, as the summary computes them.
        Column weighted = col("method").isin(CohortMatcher.MATCHED, CohortMatcher.MATCHED_ITT);
        Dataset<Row> robust = RobustVariance.survivalStdErr(
                        cohort.filter(weighted), GROUP, "event", grid.filter(weighted))
                .withColumnRenamed("estimate", "_robust_s")
                .withColumnRenamed("std_err", "_robust_se");
        Column s = col("_robust_s");
        Column seLog = col("_robust_se").divide(s);
        Dataset<Row> survival = KaplanMeier.atGrid(km, GROUP, grid)
                .join(robust, CohortMatcher.seq(monthKeys.toArray(new String[0])), "left")
                .withColumn(
                        "ci_low",
                        when(weighted, KaplanMeier.logLogLow(s, seLog)).otherwise(col("ci_low")))
                .withColumn(
                        "ci_high",
                        when(weighted, KaplanMeier.logLogHigh(s, seLog)).otherwise(col("ci_high")))
                .withColumn("survival", when(weighted, s).otherwise(col("survival")))
                .drop("_robust_s", "_robust_se");

        Dataset<Row> buckets = cohort.withColumn(
                        "month",
                        floor(col("time_days").divide(KaplanMeier.DAYS_PER_MONTH))
                                .cast("int"))
                .groupBy(col("program_id"), col("cohort"), col("method"), col("month"))
                .agg(
                        sum(col("event")).cast("long").as("n_events"),
                        sum(lit(1).minus(col("event"))).cast("long").as("n_censored"));
        List<String> keys = monthKeys;
        Dataset<Row> joined = survival.join(buckets, CohortMatcher.seq(keys.toArray(new String[0])), "left")
                .na()
                .fill(0L, new String[] {"n_events", "n_censored"});
        org.apache.spark.sql.expressions.WindowSpec fromEnd = org.apache.spark.sql.expressions.Window.partitionBy(g)
                .orderBy(col("month").desc())
                .rowsBetween(
                        org.apache.spark.sql.expressions.Window.unboundedPreceding(),
                        org.apache.spark.sql.expressions.Window.currentRow());
        // People, not (person, cell) rows: a matched comparator can sit in several cells of one group,
        // so each person counts once, at risk until their last row ends.
        Dataset<Row> leaving = cohort.groupBy(col("program_id"), col("cohort"), col("method"), col("employee_id"))
                .agg(max("time_days").as("_last_days"))
                .withColumn(
                        "month",
                        floor(col("_last_days").divide(KaplanMeier.DAYS_PER_MONTH))
                                .cast("int"))
                .groupBy(col("program_id"), col("cohort"), col("method"), col("month"))
                .agg(countDistinct("employee_id").as("_people_leaving"));
        Dataset<Row> out = joined.join(leaving, CohortMatcher.seq(keys.toArray(new String[0])), "left")
                .na()
                .fill(0L, new String[] {"_people_leaving"})
                .withColumn("n_at_risk", sum(col("_people_leaving")).over(fromEnd))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        out = Suppression.apply(
                out, "n_at_risk", minGroupSize, List.of("n_events", "n_censored", "survival", "ci_low", "ci_high"));
        return out.select(
                "program_id",
                "cohort",
                "method",
                "month",
                "n_at_risk",
                "n_events",
                "n_censored",
                "survival",
                "ci_low",
                "ci_high",
                "suppressed",
                "as_of");
    }
}
