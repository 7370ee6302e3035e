package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rint;
import static org.apache.spark.sql.functions.shiftright;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sums, means and standard deviations of doubles that do not depend on the order rows arrive in.
 *
 * <p>A double sum depends on the order of its terms, and Spark adds them in whatever order the
 * files, partitions and shuffles deliver: the same silver in a different file layout gave gold
 * differing in the last digits. Here every term is rounded once to a fixed binary grid, a multiple
 * of 2<sup>−59</sup> (half-even), held as three longs: its whole part, and the high and low 30 bits
 * of its fraction. The limbs are summed as integers, which is exact and the same in any order, and
 * the total is turned into a double once, with a single rounding.
 *
 * <p>Why a binary grid and not {@code DECIMAL(38,18)}, as until 30 November 2026: turning a double
 * into a decimal goes through its decimal string ({@code BigDecimal.valueOf}, JDK 17's slow {@code
 * dtoa}), over half of the executors' time in the 200,000-employee night's survival estimates. A
 * binary grid needs no string: the limbs are a cast, a subtraction, a power-of-two scaling and
 * shifts. The grid keeps terms' bits down to 2<sup>−59</sup> ≈ 1.7 × 10<sup>−18</sup> (every bit of
 * any double from 2<sup>−7</sup> up). The sum is the exact sum of the doubles as stored, so it can
 * differ from the decimal reading in the last bit: 0.2 − 0.25 is −0.049999999999999988898 (what
 * the two doubles add to), not −0.05.
 *
 * <p>Bounds: a term of magnitude 2<sup>62</sup> or more (and NaN, ±∞) counts as null, which a sum
 * skips as {@code sum} skips nulls; the limbs are summed as longs (no decimal arithmetic per row,
 * four times faster than the decimal sum on 8 million rows), exact for up to 2<sup>33</sup> rows per
 * group, and a total of 2<sup>62</sup> or more is null, not wrong. Integer counts need none of this:
 * their long sums are exact already.
 */
public final class ExactSums {

    private static final int FRACTION_BITS = 59;
    private static final int LOW_BITS = 30;
    private static final double FRACTION_SCALE = Math.scalb(1.0, FRACTION_BITS);
    private static final double LIMIT = Math.scalb(1.0, 62);
    private static final long LOW_MASK = (1L << LOW_BITS) - 1;
    /** The limbs' total in units of 2^-59: at most about 2^62 · 2^59, within 38 digits. */
    private static final DataType UNITS = DataTypes.createDecimalType(38, 0);

    private ExactSums() {}

    /** The sum of {@code c}, exactly, as a double; null when every value is null, like {@code sum}. */
    public static Column sum(Column c) {
        return sumOfExact(exact(c));
    }

    public static Column sum(String c) {
        return sum(col(c));
    }

    /**
     * {@code c} (cast to double) as the exact term {@link #sum} adds: a struct of three longs (and the
     * double itself, for the overflow guard), or null for a null, NaN, infinite or too large value. A
     * column summed in several parts is converted once, in a projection below the aggregate, its
     * parts taken with {@link #part} and summed with {@link #sumOfExact}.
     */
    public static Column exact(Column c) {
        Column x = c.cast(DataTypes.DoubleType);
        // Truncation toward zero; x − whole is then exact (the fraction of a double is a double).
        Column whole = x.cast(DataTypes.LongType);
        Column fraction = rint(x.minus(whole.cast(DataTypes.DoubleType)).multiply(lit(FRACTION_SCALE)))
                .cast(DataTypes.LongType);
        // abs(NaN) < LIMIT is false in Spark (NaN sorts above everything), so NaN is null too.
        return when(
                abs(x).lt(lit(LIMIT)), limbs(whole, shiftright(fraction, LOW_BITS), fraction.bitwiseAND(LOW_MASK), x));
    }

    private static Column limbs(Column whole, Column high, Column low, Column approx) {
        return struct(whole.as("whole"), high.as("high"), low.as("low"), approx.as("approx"));
    }

    /** An exact 0, for a part of a sum that adds nothing. */
    public static Column zero() {
        return limbs(lit(0L), lit(0L), lit(0L), lit(0.0));
    }

    /**
     * The exact {@code x × factor} for a 0/1 {@code factor}, from {@code exactX} = {@link #exact}(x):
     * x where it is 1, 0 where it is 0 (null x stays null), and any other factor by the product
     * itself, so the sum is the same as {@code sum(x × factor)} for every input.
     */
    public static Column part(Column exactX, Column x, Column factor) {
        return when(factor.equalTo(1), exactX)
                .when(factor.equalTo(0).and(exactX.isNotNull()), zero())
                .otherwise(exact(x.multiply(factor)));
    }

    /**
     * The exact sum of {@code c} over a window (a partition's total, or a running sum when the window
     * is ordered), as a double: the same in any row order, as {@link #sum}.
     */
    public static Column sumOver(Column c, WindowSpec window) {
        return total(exact(c), limb -> functions.sum(limb).over(window));
    }

    /** The sum of terms made by {@link #exact}, {@link #part} or {@link #zero}, as a double. */
    public static Column sumOfExact(Column exactX) {
        return total(exactX, functions::sum);
    }

    /**
     * The limbs' sums, each taken by {@code sumOf} (a group's or a window's sum), as one double:
     * (whole · 2^59 + high · 2^30 + low) / 2^59, rounded once. A long sum wraps around on overflow,
     * which stays exact as long as the total itself fits; the plain double sum beside it tells when it
     * may not (its total at or beyond 2^62), and then the sum is null, not wrong.
     */
    private static Column total(Column exactX, UnaryOperator<Column> sumOf) {
        Column units = sumOf.apply(exactX.getField("whole"))
                .cast(UNITS)
                .multiply(lit(BigDecimal.valueOf(2).pow(FRACTION_BITS)))
                .plus(sumOf.apply(exactX.getField("high"))
                        .cast(UNITS)
                        .multiply(lit(BigDecimal.valueOf(1L << LOW_BITS))))
                .plus(sumOf.apply(exactX.getField("low")).cast(UNITS));
        return when(
                abs(sumOf.apply(exactX.getField("approx"))).lt(lit(LIMIT)),
                units.cast(DataTypes.DoubleType).divide(lit(FRACTION_SCALE)));
    }

    /** The mean of the non-null values of {@code c}, from the exact sum; null when there are none, like {@code avg}. */
    public static Column avg(Column c) {
        return sum(c).divide(count(c));
    }

    public static Column avg(String c) {
        return avg(col(c));
    }

    /**
     * Adds {@code <x>_dev2}: the squared deviation of {@code x} from its group's exact mean, the
     * first pass of a two-pass (numerically sound) sample standard deviation, see {@link #stddevSamp}.
     */
    public static Dataset<Row> withSquaredDeviation(Dataset<Row> df, String x, String... groupCols) {
        var group = Window.partitionBy(Arrays.stream(groupCols)
                .map(org.apache.spark.sql.functions::col)
                .toArray(Column[]::new));
        Column mean = sumOver(col(x), group).divide(count(col(x)).over(group));
        Column dev = col(x).minus(mean);
        return df.withColumn(x + "_dev2", dev.multiply(dev));
    }

    /**
     * The sample standard deviation of {@code x} (n - 1 denominator) over rows prepared by
     * {@link #withSquaredDeviation}; null for fewer than two values, like {@code stddev_samp}.
     */
    public static Column stddevSamp(String x) {
        return sqrt(sum(x + "_dev2").divide(count(col(x)).minus(1)));
    }
}
