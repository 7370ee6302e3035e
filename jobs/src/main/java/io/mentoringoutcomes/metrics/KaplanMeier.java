package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Weighted Kaplan-Meier survival curves, computed in Spark (one row per group and distinct time),
 * with Greenwood's variance and the log-log confidence interval as R's
 * {@code survfit(conf.type = "log-log")} reports them.
 *
 * <p>With weights, the numbers at risk and of events are weighted sums and Greenwood's sum uses
 * them, as R's survfit with {@code weights=} does; integer weights therefore give exactly the
 * curve of replicated rows. For ATT matching weights this treats the weights as frequencies, which
 * is wrong in both directions (too wide where weights are below 1, too narrow above) and ignores
 * people in several cells and in both arms: the published summaries therefore use
 * {@link RobustVariance}'s person-clustered infinitesimal-jackknife variance; Greenwood's remains for
 * the month-by-month curve's band.
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
        Column w = col("_w");
        Column exactW = col("_w_exact");
        Dataset<Row> perTime = df.withColumn("_w", col("weight").cast("double"))
                .withColumn("_w_exact", ExactSums.exact(w))
                .groupBy(groupBy.toArray(new Column[0]))
                // Exact sums of the weights: the same figures in any row order (ExactSums), each
                // weight converted once for its three sums.
                .agg(
                        ExactSums.sumOfExact(ExactSums.part(exactW, w, col("event")))
                                .as("n_events"),
                        ExactSums.sumOfExact(ExactSums.part(exactW, w, lit(1).minus(col("event"))))
                                .as("n_censored"),
                        ExactSums.sumOfExact(exactW).as("_w_total"),
                        count(lit(1)).as("_rows"));

        Column[] partition = cols(groupCols).toArray(new Column[0]);
        // Everyone whose time is >= t is at risk at t: censorings at t count as at risk, as usual.
        WindowSpec fromEnd = Window.partitionBy(partition)
                .orderBy(col("time_days").desc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec fromStart = Window.partitionBy(partition)
                .orderBy(col("time_days").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());

        Dataset<Row> atRisk = perTime.withColumn("n_at_risk", sum("_w_total").over(fromEnd))
                .withColumn("n_subjects_at_risk", sum("_rows").over(fromEnd));

        // The product of (1 - d/n) as a sum of logs; a factor of 0 (everyone left) is tracked apart.
        Column allFail = col("n_at_risk").minus(col("n_events")).leq(EPS);
        Column logFactor = when(allFail, lit(0.0))
                .otherwise(log(lit(1.0).minus(col("n_events").divide(col("n_at_risk")))));
        Column greenwoodTerm = when(
                        col("n_events").gt(0).and(allFail.unary_$bang()),
                        col("n_events")
                                .divide(col("n_at_risk")
                                        .multiply(col("n_at_risk").minus(col("n_events")))))
                .otherwise(lit(0.0));

        Dataset<Row> cum = atRisk.withColumn("_log_s", sum(logFactor).over(fromStart))
                .withColumn("_hit_zero", max(when(allFail, 1).otherwise(0)).over(fromStart))
                .withColumn("_greenwood", sum(greenwoodTerm).over(fromStart))
                .withColumn(
                        "survival", when(col("_hit_zero").equalTo(1), lit(0.0)).otherwise(exp(col("_log_s"))))
                .withColumn(
                        "std_err",
                        when(col("_hit_zero").equalTo(1), lit(null).cast("double"))
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
        Dataset<Row> groups =
                curve.select(cols(groupCols).toArray(new Column[0])).distinct();
        return atGrid(curve, groupCols, groups.crossJoin(horizons));
    }

    /**
     * Evaluates the curve on a grid holding the group columns, {@code _horizon_days} and label
     * columns (each group its own times). Returns the grid's columns but _horizon_days, plus
     * survival, std_err, ci_low, ci_high; nulls beyond the group's last observed time.
     */
    static Dataset<Row> atGrid(Dataset<Row> curve, List<String> groupCols, Dataset<Row> grid) {
        // One sort instead of a range join: the grid's points are merged into each group's curve
        // ordered by time, a curve row before a grid point at the same time (the step is
        // right-continuous: the value at t includes the events at t), and every grid point takes
        // the last curve row at or before it. A range join pairs every grid point with every earlier
        // curve row (months x distinct times per group), which grows with the square of the data.
        List<String> gridCols = List.of(grid.columns());
        Column[] g = cols(groupCols).toArray(new Column[0]);
        List<Column> curveSide = new ArrayList<>(cols(groupCols));
        curveSide.add(col("time_days").as("_t"));
        curveSide.add(lit(0).as("_is_grid"));
        curveSide.add(struct(col("survival"), col("std_err"), col("ci_low"), col("ci_high"))
                .as("_step"));
        List<Column> gridSide = new ArrayList<>();
        for (String c : gridCols) {
            gridSide.add(col(c));
        }
        gridSide.add(col("_horizon_days").as("_t"));
        gridSide.add(lit(1).as("_is_grid"));
        Dataset<Row> merged = grid.select(gridSide.toArray(new Column[0]))
                .unionByName(curve.select(curveSide.toArray(new Column[0])), true);

        WindowSpec upTo = Window.partitionBy(g)
                .orderBy(col("_t").asc(), col("_is_grid").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec whole = Window.partitionBy(g);
        Column curveTime = when(col("_is_grid").equalTo(0), col("_t"));
        Dataset<Row> stepped = merged.withColumn("_at", last(col("_step"), true).over(upTo))
                .withColumn("_last_time", max(curveTime).over(whole))
                // Grid points of a group without any curve row are dropped, as an inner join would.
                .filter(col("_is_grid").equalTo(1).and(col("_last_time").isNotNull()));

        Column beyond = col("_horizon_days").gt(col("_last_time"));
        // No row at or before the horizon means no event yet: S = 1 with zero variance.
        Column none = col("_at").isNull();
        Column nullDouble = lit(null).cast("double");
        List<Column> out = new ArrayList<>(cols(groupCols));
        for (String c : gridCols) {
            if (!groupCols.contains(c) && !c.equals("_horizon_days")) {
                out.add(col(c));
            }
        }
        out.add(when(beyond, nullDouble)
                .when(none, lit(1.0))
                .otherwise(col("_at.survival"))
                .as("survival"));
        out.add(when(beyond, nullDouble)
                .when(none, lit(0.0))
                .otherwise(col("_at.std_err"))
                .as("std_err"));
        out.add(when(beyond, nullDouble)
                .when(none, lit(1.0))
                .otherwise(col("_at.ci_low"))
                .as("ci_low"));
        out.add(when(beyond, nullDouble)
                .when(none, lit(1.0))
                .otherwise(col("_at.ci_high"))
                .as("ci_high"));
        return stepped.select(out.toArray(new Column[0]));
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
