package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Weighted Kaplan-Meier survival and Aalen-Johansen cumulative incidence at given times, with the
 * infinitesimal-jackknife (robust) variance clustered on the person, as R's
 * {@code survfit(..., weights = w, id = employee_id, robust = TRUE)} computes it.
 *
 * <p>Why: matching weights are not frequencies, one person can sit in several cells of an arm and
 * in both arms (a comparator who joins later). Greenwood's variance treats the weights as people
 * and the arms as independent; it is too wide where weights are below 1 and too narrow where they
 * are above. The IJ variance is sum over people of (sum over their rows of w_i x dEstimate/dw_i)²,
 * and the variance of a difference of arms is the same sum over the per-person difference of
 * influences, so the covariance of people in both arms is included.
 *
 * <p>How, in Spark: per group and distinct time the weighted numbers at risk n, of events d (any
 * cause) and d1 (the cause of interest), and the running sums below; each row takes the sums at
 * its own time and at the horizon (two joins, no per-person collection). With h = d/n, S the
 * all-cause KM, S⁻ its value just before, F = Σ S⁻ d1/n, C = Σ h/(n−d), E = Σ h F/(n−d),
 * G = Σ S⁻ d1/n², m = min(T, H), the derivative for a row with time T and status c is
 * <ul>
 *   <li>KM, S(H): S(H) × (−[c>0, T≤H] / (n−d)(T) + C(m));</li>
 *   <li>AJ, F(H): [c=1, T≤H] S⁻(T)/n(T) − G(m) − [c>0, T≤H] (F(H)−F(T)) / (n−d)(T) + F(H) C(m) − E(m).</li>
 * </ul>
 * Both are the exact derivatives of the product-limit forms; the tests compare them with R.
 */
public final class RobustVariance {

    /** Estimates whose risk set is emptied (n = d) at or before the horizon have no variance. */
    private static final double EPS = 1e-9;

    /** The estimand: survival (status 0/1) or cumulative incidence of status 1 with status 2 competing. */
    public enum Estimand {
        SURVIVAL,
        CUMULATIVE_INCIDENCE
    }

    private RobustVariance() {}

    /**
     * Per-person influence. Input {@code df}: {@code groupCols}, employee_id, time_days (double),
     * {@code statusCol} (int: 0 censored, 1 the event, 2 a competing event; survival treats any
     * status > 0 as the event), weight. {@code grid}: the group columns, _horizon_days and label
     * columns (e.g. horizon_months). Output per group, label and employee_id: {@code influence}
     * (Σ w_i × dEstimate/dw_i over the person's rows), plus {@code estimate}; null influence where
     * the estimate has no variance, no rows for horizons beyond the group's last time.
     */
    public static Dataset<Row> influence(
            Dataset<Row> df, List<String> groupCols, String statusCol, Dataset<Row> grid, Estimand estimand) {
        List<String> labels = labels(grid, groupCols);
        Dataset<Row> perTime = perTime(df, groupCols, statusCol);
        Dataset<Row> atH = atHorizon(perTime, groupCols, grid);

        List<String> timeKeys = new ArrayList<>(groupCols);
        timeKeys.add("time_days");
        Dataset<Row> rows = personRows(df, groupCols, statusCol)
                .join(
                        perTime.select(withAll(
                                groupCols,
                                col("time_days"),
                                col("_n").as("_n_t"),
                                col("_inv").as("_inv_t"),
                                col("_sm").as("_sm_t"),
                                col("_f").as("_f_t"),
                                col("_cc").as("_c_t"),
                                col("_e").as("_e_t"),
                                col("_g").as("_g_t"))),
                        CohortMatcher.seq(timeKeys.toArray(new String[0])))
                .join(atH, CohortMatcher.seq(groupCols.toArray(new String[0])));

        Column upTo = col("time_days").leq(col("_horizon_days"));
        Column cM = when(upTo, col("_c_t")).otherwise(col("_c_h"));
        Column eM = when(upTo, col("_e_t")).otherwise(col("_e_h"));
        Column gM = when(upTo, col("_g_t")).otherwise(col("_g_h"));
        Column anyEvent = upTo.and(col("_c").gt(0));
        Column derivative;
        if (estimand == Estimand.SURVIVAL) {
            derivative = col("_s_h")
                    .multiply(when(anyEvent, col("_inv_t").unary_$minus())
                            .otherwise(lit(0.0))
                            .plus(cM));
        } else {
            Column own = when(upTo.and(col("_c").equalTo(1)), col("_sm_t").divide(col("_n_t")))
                    .otherwise(lit(0.0));
            Column leaves = when(anyEvent, col("_f_h").minus(col("_f_t")).multiply(col("_inv_t")))
                    .otherwise(lit(0.0));
            derivative =
                    own.minus(gM).minus(leaves).plus(col("_f_h").multiply(cM)).minus(eM);
        }
        // Survival that reached 0 by the horizon has no defined variance (Greenwood's is null there too).
        Column defined = estimand == Estimand.SURVIVAL ? col("_zero_h").equalTo(0) : lit(true);
        List<String> keys = new ArrayList<>(groupCols);
        keys.addAll(labels);
        keys.add("employee_id");
        Column estimate = estimand == Estimand.SURVIVAL ? col("_s_h") : col("_f_h");
        return rows.withColumn("_u", when(defined, col("_w").multiply(derivative)))
                .withColumn("_est", estimate)
                .groupBy(KaplanMeier.cols(keys).toArray(new Column[0]))
                .agg(ExactSums.sum("_u").as("influence"), max("_est").as("estimate"));
    }

    /**
     * Survival and its person-clustered robust standard error at every grid point: what {@link
     * #stdErr}({@link #influence}(df, groupCols, statusCol, grid, SURVIVAL), groupCols + labels)
     * gives, without joining every row to every grid point (a curve's grid is every month, so that
     * product was rows × months: not finished after 24 minutes at 200,000 employees).
     *
     * <p>How: a person's influence at H is S(H) × (C(H) A(H) + B(H)), with A(H) the weight of their
     * rows still at risk after H and B(H) = Σ over their rows with T ≤ H of w (C(T) − [c>0]/(n−d)(T)).
     * So Σ_person influence² = S² (C² ΣA² + 2C ΣAB + ΣB²), and ΣA², ΣAB and ΣB² only change at
     * the times a person's own rows end: each person's steps add increments at those times, and the
     * group's running sums of the increments (exact, {@link ExactSums}) are read at each grid point
     * as the other running sums are. Output: the grid's columns but _horizon_days, estimate, std_err
     * (null where the survival has reached 0, as there).
     */
    public static Dataset<Row> survivalStdErr(
            Dataset<Row> df, List<String> groupCols, String statusCol, Dataset<Row> grid) {
        Dataset<Row> perTime = perTime(df, groupCols, statusCol);
        List<String> timeKeys = new ArrayList<>(groupCols);
        timeKeys.add("time_days");
        List<String> personKeys = new ArrayList<>(groupCols);
        personKeys.add("employee_id");
        List<String> personTimeKeys = new ArrayList<>(personKeys);
        personTimeKeys.add("time_days");

        // A row's own term once its time is reached: w (C(T) − [c>0] / (n−d)(T)).
        Dataset<Row> ends = personRows(df, groupCols, statusCol)
                .join(
                        perTime.select(withAll(groupCols, col("time_days"), col("_inv"), col("_cc"))),
                        CohortMatcher.seq(timeKeys.toArray(new String[0])))
                .withColumn(
                        "_beta",
                        col("_w")
                                .multiply(col("_cc")
                                        .minus(when(col("_c").gt(0), col("_inv"))
                                                .otherwise(lit(0.0)))))
                .groupBy(KaplanMeier.cols(personTimeKeys).toArray(new Column[0]))
                .agg(ExactSums.sum("_w").as("_dw"), ExactSums.sum("_beta").as("_db"));

        // Per person, after each of their times: A = weight still at risk, B = the ended rows' terms;
        // before it, A + dw and B − db. The increments of A², AB and B² at that time follow.
        Column[] person = KaplanMeier.cols(personKeys).toArray(new Column[0]);
        WindowSpec personSoFar = Window.partitionBy(person)
                .orderBy(col("time_days").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Column a = col("_a");
        Column b = col("_b");
        Column dw = col("_dw");
        Column db = col("_db");
        Dataset<Row> steps = ends.withColumn("_total_w", ExactSums.sumOver(dw, Window.partitionBy(person)))
                .withColumn("_a", col("_total_w").minus(ExactSums.sumOver(dw, personSoFar)))
                .withColumn("_b", ExactSums.sumOver(db, personSoFar))
                // a² − (a+dw)², ab − (a+dw)(b−db) and b² − (b−db)², factored.
                .withColumn("_daa", dw.multiply(a.multiply(2.0).plus(dw)).unary_$minus())
                .withColumn("_dab", a.multiply(db).minus(dw.multiply(b.minus(db))))
                .withColumn("_dbb", db.multiply(b.multiply(2.0).minus(db)));

        Dataset<Row> increments = steps.groupBy(KaplanMeier.cols(timeKeys).toArray(new Column[0]))
                .agg(
                        ExactSums.sum("_daa").as("_daa"),
                        ExactSums.sum("_dab").as("_dab"),
                        ExactSums.sum("_dbb").as("_dbb"));
        // Before anyone's time, every person's A is their whole weight and B is 0.
        Dataset<Row> initial = steps.groupBy(person)
                .agg(max("_total_w").as("_total_w"))
                .groupBy(KaplanMeier.cols(groupCols).toArray(new Column[0]))
                .agg(ExactSums.sum(col("_total_w").multiply(col("_total_w"))).as("_aa0"));
        WindowSpec fromStart = Window.partitionBy(KaplanMeier.cols(groupCols).toArray(new Column[0]))
                .orderBy(col("time_days").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Dataset<Row> running = perTime.join(increments, CohortMatcher.seq(timeKeys.toArray(new String[0])))
                .join(initial, CohortMatcher.seq(groupCols.toArray(new String[0])))
                .withColumn("_saa", col("_aa0").plus(ExactSums.sumOver(col("_daa"), fromStart)))
                .withColumn("_sab", ExactSums.sumOver(col("_dab"), fromStart))
                .withColumn("_sbb", ExactSums.sumOver(col("_dbb"), fromStart));

        List<String> keys = new ArrayList<>(groupCols);
        keys.addAll(labels(grid, groupCols));
        Dataset<Row> atH = atHorizon(running, groupCols, grid, List.of("_saa", "_sab", "_sbb"));
        Column c = col("_c_h");
        Column squares = c.multiply(c)
                .multiply(col("_saa_h"))
                .plus(c.multiply(col("_sab_h")).multiply(2.0))
                .plus(col("_sbb_h"));
        return atH.select(withAll(
                keys,
                col("_s_h").as("estimate"),
                when(col("_zero_h").equalTo(0), col("_s_h").multiply(sqrt(greatest(squares, lit(0.0)))))
                        .as("std_err")));
    }

    /**
     * Estimate and robust standard error per group and label, from {@link #influence}: se =
     * sqrt(Σ_person influence²). Output: the keys, estimate, std_err.
     */
    public static Dataset<Row> stdErr(Dataset<Row> influence, List<String> keys) {
        return influence
                .groupBy(KaplanMeier.cols(keys).toArray(new Column[0]))
                .agg(
                        max("estimate").as("estimate"),
                        sqrt(ExactSums.sum(col("influence").multiply(col("influence"))))
                                .as("std_err"));
    }

    /**
     * Robust standard error of (arm − reference arm) per {@code keys} (which exclude the arm
     * column) and arm: sqrt(Σ_person (u_arm − u_ref)²) = sqrt(V_arm + V_ref − 2 Σ u_arm u_ref), the
     * last sum over people in both arms. Output: keys, {@code armCol} (every arm but the reference),
     * difference_std_err; arms whose group has no reference rows are absent.
     */
    public static Dataset<Row> differenceStdErr(
            Dataset<Row> influence, List<String> keys, String armCol, String referenceArm) {
        Column[] k = KaplanMeier.cols(keys).toArray(new Column[0]);
        Column isRef = col(armCol).equalTo(referenceArm);
        Dataset<Row> v = influence
                .groupBy(withAll(keys, col(armCol)))
                .agg(ExactSums.sum(col("influence").multiply(col("influence"))).as("_v"));
        Dataset<Row> vRef = v.filter(isRef).drop(armCol).withColumnRenamed("_v", "_v_ref");
        List<String> personKeys = new ArrayList<>(keys);
        personKeys.add("employee_id");
        Dataset<Row> uRef = influence
                .filter(isRef)
                .select(withAll(personKeys, col("influence").as("_u_ref")));
        Dataset<Row> cov = influence
                .filter(isRef.unary_$bang())
                .join(uRef, CohortMatcher.seq(personKeys.toArray(new String[0])))
                .groupBy(withAll(keys, col(armCol)))
                .agg(ExactSums.sum(col("influence").multiply(col("_u_ref"))).as("_cov"));
        List<String> armKeys = new ArrayList<>(keys);
        armKeys.add(armCol);
        return v.filter(isRef.unary_$bang())
                .join(vRef, CohortMatcher.seq(keys.toArray(new String[0])))
                .join(cov, CohortMatcher.seq(armKeys.toArray(new String[0])), "left")
                .select(withAll(
                        armKeys,
                        sqrt(col("_v")
                                        .plus(col("_v_ref"))
                                        .minus(coalesce(col("_cov"), lit(0.0)).multiply(2.0)))
                                .as("difference_std_err")));
    }

    /**
     * Per group and distinct time: _n (weighted at risk), _inv = 1/(n−d) (0 where n = d), _s
     * (all-cause KM after t), _sm (before t), _f (cumulative incidence of status 1), _cc, _e, _g
     * (the running sums of the class comment) and _zero (1 once the KM has reached 0).
     */
    static Dataset<Row> perTime(Dataset<Row> df, List<String> groupCols, String statusCol) {
        Column status = col(statusCol).cast("int");
        // Each weight converted to its exact value once, for its three sums (ExactSums.exact).
        Column exactW = col("_w_exact");
        Column zero = ExactSums.zero();
        Dataset<Row> counts = df.withColumn(
                        "_w_exact", ExactSums.exact(col("weight").cast("double")))
                .groupBy(withAll(groupCols, col("time_days")))
                .agg(
                        ExactSums.sumOfExact(when(status.gt(0), exactW).otherwise(zero))
                                .as("_d"),
                        ExactSums.sumOfExact(when(status.equalTo(1), exactW).otherwise(zero))
                                .as("_d1"),
                        ExactSums.sumOfExact(exactW).as("_w_total"));
        Column[] g = KaplanMeier.cols(groupCols).toArray(new Column[0]);
        WindowSpec fromEnd = Window.partitionBy(g)
                .orderBy(col("time_days").desc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec fromStart = Window.partitionBy(g)
                .orderBy(col("time_days").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec ordered = Window.partitionBy(g).orderBy(col("time_days").asc());

        Column allFail = col("_n").minus(col("_d")).leq(EPS);
        Column h = col("_d").divide(col("_n"));
        // 1/(n−d) where the risk set survives; where it empties, every term it multiplies is 0 or
        // the estimate (a survival of 0) is declared without variance.
        Column inv = when(allFail, lit(0.0)).otherwise(lit(1.0).divide(col("_n").minus(col("_d"))));
        Dataset<Row> step = counts.withColumn("_n", sum("_w_total").over(fromEnd))
                .withColumn("_inv", inv)
                .withColumn("_zero", max(when(allFail, 1).otherwise(0)).over(fromStart))
                .withColumn(
                        "_log_s",
                        sum(when(allFail, lit(0.0)).otherwise(log(lit(1.0).minus(h))))
                                .over(fromStart))
                .withColumn("_s", when(col("_zero").equalTo(1), lit(0.0)).otherwise(exp(col("_log_s"))))
                .withColumn("_sm", coalesce(lag(col("_s"), 1).over(ordered), lit(1.0)))
                .withColumn(
                        "_f",
                        sum(col("_sm").multiply(col("_d1")).divide(col("_n"))).over(fromStart))
                .withColumn("_cc", sum(h.multiply(col("_inv"))).over(fromStart))
                .withColumn(
                        "_g",
                        sum(col("_sm").multiply(col("_d1")).divide(col("_n").multiply(col("_n"))))
                                .over(fromStart));
        return step.withColumn(
                "_e", sum(h.multiply(col("_f")).multiply(col("_inv"))).over(fromStart));
    }

    /**
     * The running sums at each grid point (the last time at or before it; before any time, all 0
     * and S = 1), as _s_h, _f_h, _c_h, _e_h, _g_h, _zero_h. Grid points beyond the group's last
     * time are dropped: nothing is estimable there.
     */
    static Dataset<Row> atHorizon(Dataset<Row> perTime, List<String> groupCols, Dataset<Row> grid) {
        return atHorizon(perTime, groupCols, grid, List.of());
    }

    /** As above, carrying {@code extra} running sums of perTime too, as {@code <name>_h} (0 before any time). */
    static Dataset<Row> atHorizon(Dataset<Row> perTime, List<String> groupCols, Dataset<Row> grid, List<String> extra) {
        List<String> gridCols = List.of(grid.columns());
        Column[] g = KaplanMeier.cols(groupCols).toArray(new Column[0]);
        List<Column> curveSide = new ArrayList<>(KaplanMeier.cols(groupCols));
        curveSide.add(col("time_days").as("_t"));
        curveSide.add(lit(0).as("_is_grid"));
        List<Column> step =
                new ArrayList<>(List.of(col("_s"), col("_f"), col("_cc"), col("_e"), col("_g"), col("_zero")));
        extra.forEach(x -> step.add(col(x)));
        curveSide.add(struct(step.toArray(new Column[0])).as("_step"));
        List<Column> gridSide = new ArrayList<>(KaplanMeier.cols(gridCols));
        gridSide.add(col("_horizon_days").as("_t"));
        gridSide.add(lit(1).as("_is_grid"));
        Dataset<Row> merged = grid.select(gridSide.toArray(new Column[0]))
                .unionByName(perTime.select(curveSide.toArray(new Column[0])), true);
        WindowSpec upTo = Window.partitionBy(g)
                .orderBy(col("_t").asc(), col("_is_grid").asc())
                .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        Dataset<Row> stepped = merged.withColumn("_at", last(col("_step"), true).over(upTo))
                .withColumn(
                        "_last_time",
                        max(when(col("_is_grid").equalTo(0), col("_t"))).over(Window.partitionBy(g)))
                .filter(col("_is_grid").equalTo(1).and(col("_horizon_days").leq(col("_last_time"))));
        List<Column> out = new ArrayList<>(KaplanMeier.cols(gridCols));
        Column none = col("_at").isNull();
        out.add(when(none, lit(1.0)).otherwise(col("_at._s")).as("_s_h"));
        out.add(when(none, lit(0.0)).otherwise(col("_at._f")).as("_f_h"));
        out.add(when(none, lit(0.0)).otherwise(col("_at._cc")).as("_c_h"));
        out.add(when(none, lit(0.0)).otherwise(col("_at._e")).as("_e_h"));
        out.add(when(none, lit(0.0)).otherwise(col("_at._g")).as("_g_h"));
        out.add(when(none, lit(0)).otherwise(col("_at._zero")).as("_zero_h"));
        extra.forEach(
                x -> out.add(when(none, lit(0.0)).otherwise(col("_at." + x)).as(x + "_h")));
        return stepped.select(out.toArray(new Column[0]));
    }

    /** The rows' group, person, time, status as _c and weight as _w (double). */
    private static Dataset<Row> personRows(Dataset<Row> df, List<String> groupCols, String statusCol) {
        return df.select(withAll(
                groupCols,
                col("employee_id"),
                col("time_days"),
                col(statusCol).cast("int").as("_c"),
                col("weight").cast("double").as("_w")));
    }

    private static List<String> labels(Dataset<Row> grid, List<String> groupCols) {
        List<String> out = new ArrayList<>();
        for (String c : grid.columns()) {
            if (!groupCols.contains(c) && !c.equals("_horizon_days")) {
                out.add(c);
            }
        }
        return out;
    }

    private static Column[] withAll(List<String> names, Column... more) {
        List<Column> out = new ArrayList<>(KaplanMeier.cols(names));
        out.addAll(List.of(more));
        return out.toArray(new Column[0]);
    }
}
