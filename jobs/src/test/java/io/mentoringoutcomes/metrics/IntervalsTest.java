package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.Intervals.Z95;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Published values: Newcombe RG (1998) "Two-sided confidence intervals for the single
 * proportion" Stat Med 17:857-872, Table I, method 3 (Wilson score); and Newcombe RG (1998)
 * "Interval estimation for the difference between independent proportions" Stat Med
 * 17:873-890, Table II, method 10. Both print four decimals, hence the 5e-5 tolerance.
 */
class IntervalsTest extends SparkTestBase {

    private static final double PUBLISHED = 5e-5;

    @Test
    void z95IsTheNormalQuantile() {
        assertEquals(1.959964, Z95, 1e-6);
    }

    @Test
    void wilsonMatchesNewcombeTableOne() {
        assertArrayEquals(new double[] {0.2553, 0.3662}, Intervals.wilson(81, 263), PUBLISHED);
        assertArrayEquals(new double[] {0.0, 0.2775}, Intervals.wilson(0, 10), PUBLISHED);
        assertArrayEquals(new double[] {0.7225, 1.0}, Intervals.wilson(10, 10), PUBLISHED);
        // 15/148 from the same table: 0.0624 to 0.1605
        assertArrayEquals(new double[] {0.0624, 0.1605}, Intervals.wilson(15, 148), PUBLISHED);
    }

    @Test
    void extremesAreExactlyZeroAndOne() {
        assertEquals(0.0, Intervals.wilson(0, 10)[0]);
        assertEquals(1.0, Intervals.wilson(10, 10)[1]);
        assertTrue(Double.isNaN(Intervals.wilson(0, 0)[0]));
    }

    @Test
    void newcombeHybridMatchesNewcombeTableTwo() {
        assertArrayEquals(new double[] {0.0524, 0.3339}, Intervals.newcombe(56, 70, 48, 80), PUBLISHED);
        assertArrayEquals(new double[] {0.1705, 0.8090}, Intervals.newcombe(9, 10, 3, 10), PUBLISHED);
    }

    @Test
    void meanAndWelchDifferenceByHand() {
        // {2,4,4,4,5,5,7,9}: mean 5, sd sqrt(32/7) = 2.138090, se 0.755929, half-width 1.481594
        assertArrayEquals(new double[] {3.518406, 6.481594}, Intervals.meanCi(5, Math.sqrt(32.0 / 7), 8, Z95), 1e-6);
        // minus {1,2,3}: mean 2, sd 1; se sqrt(32/56 + 1/3) = 0.951190, half-width 1.864298
        assertArrayEquals(
                new double[] {1.135702, 4.864298},
                Intervals.meanDifferenceCi(5, Math.sqrt(32.0 / 7), 8, 2, 1, 3, Z95),
                1e-6);
        assertTrue(Double.isNaN(Intervals.meanCi(5, 0, 1, Z95)[0]));
    }

    @Test
    void columnExpressionsGiveThePublishedValuesToo() {
        Row r = spark.sql("SELECT 56 AS x1, 70 AS n1, 48 AS x2, 80 AS n2, 0 AS x0, 10 AS n0, "
                        + "5.0 AS m1, sqrt(32.0/7) AS s1, 8 AS k1, 2.0 AS m2, 1.0 AS s2, 3 AS k2")
                .select(
                        Intervals.wilsonLow(col("x0"), col("n0"), Z95),
                        Intervals.wilsonHigh(col("x0"), col("n0"), Z95),
                        Intervals.newcombeLow(col("x1"), col("n1"), col("x2"), col("n2"), Z95),
                        Intervals.newcombeHigh(col("x1"), col("n1"), col("x2"), col("n2"), Z95),
                        Intervals.meanCiLow(col("m1"), col("s1"), col("k1"), Z95),
                        Intervals.differenceCiHigh(
                                col("m1").minus(col("m2")),
                                Intervals.differenceSe(col("s1"), col("k1"), col("s2"), col("k2")),
                                Z95),
                        Intervals.wilsonLow(col("x0"), col("x0"), Z95))
                .head();
        assertEquals(0.0, r.getDouble(0), PUBLISHED);
        assertEquals(0.2775, r.getDouble(1), PUBLISHED);
        assertEquals(0.0524, r.getDouble(2), PUBLISHED);
        assertEquals(0.3339, r.getDouble(3), PUBLISHED);
        assertEquals(3.518406, r.getDouble(4), 1e-6);
        assertEquals(4.864298, r.getDouble(5), 1e-6);
        assertTrue(r.isNullAt(6), "n = 0 gives no interval");
    }
}
