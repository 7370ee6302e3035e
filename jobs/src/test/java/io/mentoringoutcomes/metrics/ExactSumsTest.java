package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ExactSumsTest extends SparkTestBase {

    static final StructType XS = StructType.fromDDL("g STRING, x DOUBLE");

    Dataset<Row> frame(List<Double> xs, int partitions) {
        List<Row> rows = new ArrayList<>();
        xs.forEach(x -> rows.add(RowFactory.create("a", x)));
        return spark.createDataFrame(rows, XS).repartition(partitions);
    }

    @Test
    void theSumIsTheSameInEveryRowOrderAndPartitioningWhereADoubleSumIsNot() {
        // 1e16 + 1 rounds back to 1e16 in a double, so the plain sum depends on where the 1s fall.
        // Exactly: 1e16 + 1 + 1 - 1e16 + 0.1 + 0.2 = 2.3.
        List<List<Double>> orders = List.of(
                List.of(1e16, 1.0, 1.0, -1e16, 0.1, 0.2),
                List.of(1.0, 1.0, 0.1, 0.2, 1e16, -1e16),
                List.of(1e16, -1e16, 0.2, 1.0, 0.1, 1.0));
        Set<Double> plain = new HashSet<>();
        for (List<Double> order : orders) {
            for (int partitions : new int[] {1, 3}) {
                Row r = frame(order, partitions)
                        .coalesce(1)
                        .agg(ExactSums.sum("x"), org.apache.spark.sql.functions.sum("x"))
                        .head();
                assertEquals(2.3, r.getDouble(0), 0.0, order + " in " + partitions + " partitions");
                plain.add(spark.createDataFrame(
                                order.stream()
                                        .map(x -> RowFactory.create("a", x))
                                        .toList(),
                                XS)
                        .coalesce(1)
                        .agg(org.apache.spark.sql.functions.sum("x"))
                        .head()
                        .getDouble(0));
            }
        }
        assertTrue(plain.size() > 1, "the plain double sum does depend on order: " + plain);
    }

    /**
     * A weight converted once and split by a 0/1 factor sums to what the product summed to, row for
     * row, for every factor and null the frames can hold: 0.1 + 0.7 (factor 1) = 0.8, 0.2 (factor 0)
     * adds nothing, 0.25 × 2 = 0.5 takes the product, and a null weight or factor adds nothing.
     */
    @Test
    void aWeightSplitByAFactorSumsToWhatTheProductSummedTo() {
        StructType schema = StructType.fromDDL("g STRING, x DOUBLE, f INT");
        List<Row> rows = List.of(
                RowFactory.create("a", 0.1, 1),
                RowFactory.create("a", 0.7, 1),
                RowFactory.create("a", 0.2, 0),
                RowFactory.create("a", 0.25, 2),
                RowFactory.create("a", null, 0),
                RowFactory.create("a", 0.3, null),
                RowFactory.create("zeros", 0.2, 0),
                RowFactory.create("nulls", null, 0),
                RowFactory.create("nulls", null, 1));
        Dataset<Row> df = spark.createDataFrame(rows, schema).withColumn("x_exact", ExactSums.exact(col("x")));
        java.util.Map<String, List<Object>> byGroup = new java.util.HashMap<>();
        df.groupBy("g")
                .agg(
                        ExactSums.sumOfExact(ExactSums.part(col("x_exact"), col("x"), col("f"))),
                        ExactSums.sum(col("x").multiply(col("f"))),
                        ExactSums.sumOfExact(ExactSums.part(
                                col("x_exact"),
                                col("x"),
                                org.apache.spark.sql.functions.lit(1).minus(col("f")))),
                        ExactSums.sum(col("x").multiply(
                                        org.apache.spark.sql.functions.lit(1).minus(col("f")))))
                .collectAsList()
                .forEach(r ->
                        byGroup.put(r.getString(0), java.util.Arrays.asList(r.get(1), r.get(2), r.get(3), r.get(4))));
        // The exact sums of the doubles as stored, rounded once (BigDecimal(double) is the double's
        // exact binary value): 0.1 + 0.7 + 0.5 gives 1.3, and 0.2 − 0.25 the double just above −0.05.
        double ones = exactSum(0.1, 0.7, 0.5);
        double zeros = exactSum(0.2, -0.25);
        assertEquals(1.3, ones, 0.0);
        assertEquals(-0.049999999999999988898, zeros, 0.0);
        assertEquals(java.util.Arrays.asList(ones, ones, zeros, zeros), byGroup.get("a"));
        assertEquals(java.util.Arrays.asList(0.0, 0.0, 0.2, 0.2), byGroup.get("zeros"));
        assertEquals(java.util.Arrays.asList(null, null, null, null), byGroup.get("nulls"));
    }

    /** The exact sum of {@code xs}' binary values, rounded to a double once: the reference. */
    static double exactSum(double... xs) {
        java.math.BigDecimal total = java.math.BigDecimal.ZERO;
        for (double x : xs) {
            total = total.add(new java.math.BigDecimal(x));
        }
        return total.doubleValue();
    }

    /**
     * Thousands of terms of both signs from 2^-7 to 2^40 (where the grid of 2^-59 holds every bit of a
     * double, so the reference is the plain exact sum), in any partitioning: the same double as
     * BigDecimal's exact sum, to the last bit. NaN, ±∞ and a term of 2^62 are skipped like nulls.
     */
    @Test
    void theSumIsTheExactSumOfTheDoublesRoundedOnce() {
        java.util.Random random = new java.util.Random(20261130L);
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            double magnitude = Math.scalb(1.0 + random.nextDouble(), random.nextInt(48) - 7);
            xs.add(random.nextBoolean() ? magnitude : -magnitude);
        }
        double expected = exactSum(xs.stream().mapToDouble(Double::doubleValue).toArray());
        List<Double> withSkipped = new ArrayList<>(xs);
        withSkipped.addAll(
                List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.scalb(1.0, 62)));
        java.util.Collections.shuffle(withSkipped, random);
        for (int partitions : new int[] {1, 4}) {
            Row r = frame(withSkipped, partitions).agg(ExactSums.sum("x")).head();
            assertEquals(expected, r.getDouble(0), 0.0, partitions + " partitions");
        }
        // A term below the grid is rounded to it: 2^-61 is a quarter step (to 0), 3 · 2^-60 one and a
        // half steps (half-even: to 2 steps), so they sum to 2^-58, not to their exact 7 · 2^-61.
        Row small = frame(List.of(Math.scalb(1.0, -61), 3 * Math.scalb(1.0, -60)), 2)
                .agg(ExactSums.sum("x"))
                .head();
        assertEquals(Math.scalb(1.0, -58), small.getDouble(0), 0.0);
    }

    /**
     * Whole parts whose running long sum wraps around (four terms of 0.95 · 2^62 reach 0.95 · 2^64)
     * still give the exact total when it fits: + four, − four and 0.5 is 0.5 in any order. A total
     * of 2^62 or more is null rather than a wrapped value.
     */
    @Test
    void aWrappedRunningSumStaysExactAndATooLargeTotalIsNull() {
        double big = 0.95 * Math.scalb(1.0, 62);
        for (List<Double> order : List.of(
                List.of(big, big, big, big, -big, -big, -big, -big, 0.5),
                List.of(0.5, -big, big, -big, big, -big, big, -big, big))) {
            Row r = frame(order, 1).agg(ExactSums.sum("x")).head();
            assertEquals(0.5, r.getDouble(0), 0.0, order.toString());
        }
        Row tooLarge = frame(List.of(big, big, 1.0), 2).agg(ExactSums.sum("x")).head();
        assertTrue(tooLarge.isNullAt(0), "2 × 0.95 · 2^62 is beyond the bound: " + tooLarge);
    }

    @Test
    void meanAndSampleStandardDeviationMatchHandWorkedValues() {
        // 2,4,4,4,5,5,7,9: mean 5, squared deviations 9,1,1,1,0,0,4,16 = 32, sample variance 32/7.
        Dataset<Row> df = frame(List.of(2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0), 3);
        Row r = ExactSums.withSquaredDeviation(df, "x", "g")
                .groupBy("g")
                .agg(ExactSums.avg("x"), ExactSums.stddevSamp("x"))
                .head();
        assertEquals(5.0, r.getDouble(1), 0.0);
        assertEquals(Math.sqrt(32.0 / 7.0), r.getDouble(2), 1e-15);

        // A constant column has sd exactly 0; one value has none; all-null has no mean.
        Row constant = ExactSums.withSquaredDeviation(frame(List.of(10.0 / 3, 10.0 / 3, 10.0 / 3), 2), "x", "g")
                .groupBy("g")
                .agg(ExactSums.avg("x"), ExactSums.stddevSamp("x"))
                .head();
        assertEquals(10.0 / 3, constant.getDouble(1), 1e-15);
        assertEquals(0.0, constant.getDouble(2), 1e-12);
        Row single = ExactSums.withSquaredDeviation(frame(List.of(3.0), 1), "x", "g")
                .groupBy("g")
                .agg(ExactSums.stddevSamp("x"))
                .head();
        assertTrue(single.isNullAt(1));
        Row none = frame(List.of(1.0), 1)
                .filter(col("x").gt(5))
                .agg(ExactSums.avg("x"))
                .head();
        assertNull(none.get(0));
    }
}
