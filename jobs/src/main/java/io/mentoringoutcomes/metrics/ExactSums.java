package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sums, means and standard deviations of doubles that do not depend on the order rows arrive in.
 *
 * <p>A double sum depends on the order of its terms, and Spark adds them in whatever order the
 * files, partitions and shuffles deliver: the same silver in a different file layout gave gold
 * differing in the last digits. Here every term is rounded once to {@code DECIMAL(38,18)} and
 * summed exactly, so the total is the same in any order, then turned back into a double. 18
 * decimals keep far more precision than the figures carry; 20 integer digits hold any sum of
 * salaries, hours or weights this pipeline makes (a sum beyond them would be null, not wrong).
 * Integer counts need none of this: their double or long sums are exact already.
 */
public final class ExactSums {

    static final DataType EXACT = DataTypes.createDecimalType(38, 18);

    private ExactSums() {}

    /** The sum of {@code c}, exactly, as a double; null when every value is null, like {@code sum}. */
    public static Column sum(Column c) {
        return org.apache.spark.sql.functions.sum(c.cast(EXACT)).cast(DataTypes.DoubleType);
    }

    public static Column sum(String c) {
        return sum(col(c));
    }

    /**
     * {@code c} as the exact value {@link #sum} adds. Turning a double into a decimal goes through its
     * decimal string, the costliest step of a sum over millions of rows (over half the executors' time
     * in the 200,000-employee night's survival estimates), so a column summed in several parts is
     * converted once, in a projection below the aggregate, and its parts are taken with {@link #part}.
     */
    public static Column exact(Column c) {
        return c.cast(EXACT);
    }

    /** An exact 0, for a part of a sum that adds nothing. */
    public static Column zero() {
        return lit(java.math.BigDecimal.ZERO).cast(EXACT);
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
        Column mean = org.apache
                .spark
                .sql
                .functions
                .sum(col(x).cast(EXACT))
                .over(group)
                .cast(DataTypes.DoubleType)
                .divide(count(col(x)).over(group));
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
