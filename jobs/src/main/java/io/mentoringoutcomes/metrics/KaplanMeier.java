package io.mentoringoutcomes.metrics;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * Weighted Kaplan-Meier survival curves, computed in Spark (one row per group and distinct time),
 * with Greenwood's variance and the log-log confidence interval as R's
 * {@code survfit(conf.type = "log-log")} reports them.
 *
 * <p>With weights, the numbers at risk and of events are weighted sums and Greenwood's sum uses
 * them, as R's survfit with {@code weights=} does; integer weights therefore give exactly the
 * curve of replicated rows. For ATT matching weights this treats the weights as frequencies; a
 * robust (sandwich) variance would be somewhat wider, so the intervals are a little optimistic.
 */
public final class KaplanMeier {

    /** Days per month: the average Gregorian month, so 12 months are exactly a year of 365.25 days. */
    public static final double DAYS_PER_MONTH = 30.4375;
    /** Two-sided 95% normal quantile, 1.959964. */
    public static final double Z_95 = new NormalDistribution().inverseCumulativeProbability(0.975);
    /** Survival values within this distance of 0 are treated as 0 (weighted sums are floating point). */
    private static final double EPS = 1e-9;

    private KaplanMeier() {}

    /**
     * The curve. Input: {@code groupCols}, {@code time_days} (double), {@code event} (int 0/1),
     * {@code weight} (double). Output per group and distinct time: time_days, n_at_risk,
     * n_events, n_censored (weighted), n_subjects_at_risk (unweighted rows at risk, for
     * suppression), survival, std_err (Greenwood standard error of log S, as R's std.err),
     * ci_low, ci_high (log-log 95%).
     */
    public static Dataset<Row> curve(Dataset<Row> df, List<String> groupCols) {
        List<Column> groupBy = new ArrayList<>(cols(groupCols));
        groupBy.add(col("time_days"));
        Dataset<Row> perTime = df
                .withColumn("_w", col("weight").cast("double"))
                .groupBy(groupBy.toArray(new Column[0]))
                .agg(sum(col("_w").multiply(col("event"))).as("n_events"),
                        sum(col("_w").multiply(lit(1).minus(col("event")))).as("n_censored"),
                        sum("_w").as("_w_total"),
                        count(lit(1)).as("_rows"));

        Column[] partition = cols(groupCols).toArray(new Column[0]);
        // Everyone whose time is >= t is at risk at t: censorings at t count as at risk, as usual.
        WindowSpec fromEnd = Window.partitionBy(partition).orderBy(col("time_days").desc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec fromStart = Window.partitionBy(partition).orderBy(col("time_days").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());

        Dataset<Row> atRisk = perTime
                .withColumn("n_at_risk", sum("_w_total").over(fromEnd))
                .withColumn("n_subjects_at_risk", sum("_rows").over(fromEnd));

        // The product of (1 - d/n) as a sum of logs; a factor of 0 (everyone left) is tracked apart.
        Column allFail = col("n_at_risk").minus(col("n_events")).leq(EPS);
        Column logFactor = when(allFail, lit(0.0)).otherwise(log(lit(1.0).minus(col("n_events").divide(col("n_at_risk")))));
        Column greenwoodTerm = when(col("n_events").gt(0).and(allFail.unary_$bang()),
                col("n_events").divide(col("n_at_risk").multiply(col("n_at_risk").minus(col("n_events")))))
                .otherwise(lit(0.0));

        Dataset<Row> cum = atRisk
                .withColumn("_log_s", sum(logFactor).over(fromStart))
                .withColumn("_hit_zero", max(when(allFail, 1).otherwise(0)).over(fromStart))
                .withColumn("_greenwood", sum(greenwoodTerm).over(fromStart))
                .withColumn("survival", when(col("_hit_zero").equalTo(1), lit(0.0)).otherwise(exp(col("_log_s"))))
                .withColumn("std_err", when(col("_hit_zero").equalTo(1), lit(null).cast("double"))
                        .otherwise(sqrt(col("_greenwood"))));

        List<Column> out = new ArrayList<>(cols(groupCols));
        out.add(col("time_days"));
        out.add(col("n_at_risk"));
        out.add(col("n_events"));
        out.add(col("n_censored"));
        out.add(col("n_subjects_at_risk"));
        out.add(col("survival"));
        out.add(col("std_err"));
        out.add(logLogLow(col("survival"), col("std_err")).as("ci_low"));
        out.add(logLogHigh(col("survival"), col("std_err")).as("ci_high"));
        return cum.select(out.toArray(new Column[0]));
    }

    /**
     * Log-log interval: lower = S^exp(-z se / log S), upper = S^exp(z se / log S), with se the
     * standard error of log S. log S < 0, so exp(-z se/log S) > 1 and pulls S down. Before any
     * event (S = 1) the interval is [1, 1]; at S = 0 it is undefined (null), as in R.
     */
    static Column logLogLow(Column s, Column se) {
        return when(s.geq(1.0), lit(1.0))
                .when(s.leq(0.0).or(se.isNull()), lit(null).cast("double"))
                .otherwise(pow(s, exp(lit(-Z_95).multiply(se).divide(log(s)))));
    }

    static Column logLogHigh(Column s, Column se) {
        return when(s.geq(1.0), lit(1.0))
                .when(s.leq(0.0).or(se.isNull()), lit(null).cast("double"))
                .otherwise(pow(s, exp(lit(Z_95).multiply(se).divide(log(s)))));
    }

    /**
     * The step function evaluated at each horizon (months x 30.4375 days): one row per group and
     * horizon with horizon_months, survival, std_err, ci_low, ci_high. A horizon beyond the group's
     * last observed time is not estimable and gives nulls (R's summary.survfit drops such times).
     */
    public static Dataset<Row> at(Dataset<Row> curve, List<String> groupCols, List<Integer> horizonsMonths) {
        List<Row> rows = new ArrayList<>();
        for (Integer h : horizonsMonths) {
            rows.add(RowFactory.create(h, h * DAYS_PER_MONTH));
        }
        StructType schema = new StructType()
                .add("horizon_months", DataTypes.IntegerType)
                .add("_horizon_days", DataTypes.DoubleType);
        Dataset<Row> horizons = curve.sparkSession().createDataFrame(rows, schema);
        return atDays(curve, groupCols, horizons);
    }

    /**
     * Evaluates the curve at the times in {@code horizons} (a small frame with {@code _horizon_days}
     * and any label columns), cross-joined to every group.
     */
    static Dataset<Row> atDays(Dataset<Row> curve, List<String> groupCols, Dataset<Row> horizons) {
        Dataset<Row> groups = curve.select(cols(groupCols).toArray(new Column[0])).distinct();
        return atGrid(curve, groupCols, groups.crossJoin(horizons));
    }

    /**
     * Evaluates the curve on a grid holding the group columns, {@code _horizon_days} and label
     * columns (each group its own times). Returns the grid's columns but _horizon_days, plus
     * survival, std_err, ci_low, ci_high; nulls beyond the group's last observed time.
     */
    static Dataset<Row> atGrid(Dataset<Row> curve, List<String> groupCols, Dataset<Row> grid) {
        Column[] g = cols(groupCols).toArray(new Column[0]);
        Dataset<Row> last = curve.groupBy(g).agg(max("time_days").as("_last_time"));
        Dataset<Row> withLast = grid.join(last, scala.collection.JavaConverters.asScalaBuffer(groupCols).toList());

        Dataset<Row> renamed = curve;
        for (String c : groupCols) {
            renamed = renamed.withColumnRenamed(c, "_c_" + c);
        }
        renamed = renamed.withColumnRenamed("time_days", "_t");
        Column joinCond = col("_horizon_days").geq(col("_t"));
        for (String c : groupCols) {
            joinCond = joinCond.and(col(c).eqNullSafe(col("_c_" + c)));
        }

        List<Column> keys = new ArrayList<>();
        for (String c : withLast.columns()) {
            keys.add(col(c));
        }
        Dataset<Row> stepped = withLast.join(renamed, joinCond, "left")
                .groupBy(keys.toArray(new Column[0]))
                .agg(max_by(struct(col("survival"), col("std_err"), col("ci_low"), col("ci_high")), col("_t")).as("_at"));

        Column beyond = col("_horizon_days").gt(col("_last_time"));
        // No row at or before the horizon means no event yet: S = 1 with zero variance.
        Column none = col("_at").isNull();
        Column nullDouble = lit(null).cast("double");
        return stepped
                .withColumn("survival", when(beyond, nullDouble).when(none, lit(1.0)).otherwise(col("_at.survival")))
                .withColumn("std_err", when(beyond, nullDouble).when(none, lit(0.0)).otherwise(col("_at.std_err")))
                .withColumn("ci_low", when(beyond, nullDouble).when(none, lit(1.0)).otherwise(col("_at.ci_low")))
                .withColumn("ci_high", when(beyond, nullDouble).when(none, lit(1.0)).otherwise(col("_at.ci_high")))
                .drop("_at", "_last_time", "_horizon_days");
    }

    /** Standard error of S itself (delta method on Greenwood's log-scale error): S x se(log S). */
    public static Column survivalStdErr(Column survival, Column stdErrLog) {
        return coalesce(survival.multiply(stdErrLog), when(survival.leq(0.0), lit(0.0)));
    }

    static List<Column> cols(List<String> names) {
        List<Column> out = new ArrayList<>();
        for (String n : names) {
            out.add(col(n));
        }
        return out;
    }
}
