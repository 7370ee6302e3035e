package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;

/**
 * Confidence intervals used by the gold tables, as plain doubles and as Spark Column
 * expressions (native expressions, so aggregations need no UDF).
 *
 * <ul>
 *   <li>Wilson score interval for a proportion (Wilson 1927; Newcombe 1998 method 3): unlike the
 *       Wald interval it stays inside [0, 1] and keeps its coverage at 0/n and n/n.</li>
 *   <li>Newcombe's hybrid score interval for p1 - p2 (Newcombe 1998, method 10): combines the two
 *       Wilson intervals, so it inherits their good behaviour on small and extreme counts.</li>
 *   <li>Normal-approximation intervals of a mean and of a difference of two independent means
 *       (Welch-style standard error sqrt(s1^2/n1 + s2^2/n2)). They use z, not t: the gold tables
 *       suppress groups under ten employees, where the two differ little.</li>
 * </ul>
 *
 * Double methods return {@code {low, high}} or NaNs when the interval is undefined (n = 0, or
 * n < 2 for a mean); Column methods return null there.
 */
public final class Intervals {

    public static final double CONFIDENCE_95 = 0.95;

    private Intervals() {}

    /** Two-sided critical value: 1.959964 for 95%. */
    public static double z(double confidence) {
        return new NormalDistribution().inverseCumulativeProbability(1 - (1 - confidence) / 2);
    }

    public static final double Z95 = z(CONFIDENCE_95);

    // ---------------------------------------------------------------- doubles

    /** Wilson score interval for {@code successes} out of {@code n}. */
    public static double[] wilson(double successes, double n, double z) {
        if (!(n > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double p = successes / n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom;
        // At 0/n and n/n the bound is exactly 0 or 1; rounding would otherwise leave 1e-17.
        double low = successes <= 0 ? 0.0 : Math.max(0.0, centre - half);
        double high = successes >= n ? 1.0 : Math.min(1.0, centre + half);
        return new double[] {low, high};
    }

    public static double[] wilson(double successes, double n) {
        return wilson(successes, n, Z95);
    }

    /** Newcombe's hybrid score interval (method 10) for x1/n1 - x2/n2. */
    public static double[] newcombe(double x1, double n1, double x2, double n2, double z) {
        if (!(n1 > 0) || !(n2 > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double p1 = x1 / n1;
        double p2 = x2 / n2;
        double[] w1 = wilson(x1, n1, z);
        double[] w2 = wilson(x2, n2, z);
        double d = p1 - p2;
        double low = d - Math.sqrt(sq(p1 - w1[0]) + sq(w2[1] - p2));
        double high = d + Math.sqrt(sq(w1[1] - p1) + sq(p2 - w2[0]));
        return new double[] {low, high};
    }

    public static double[] newcombe(double x1, double n1, double x2, double n2) {
        return newcombe(x1, n1, x2, n2, Z95);
    }

    /** mean +- z * sd / sqrt(n), with sd the sample standard deviation. */
    public static double[] meanCi(double mean, double sd, double n, double z) {
        if (!(n >= 2)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double half = z * sd / Math.sqrt(n);
        return new double[] {mean - half, mean + half};
    }

    /** (mean1 - mean2) +- z * sqrt(sd1^2/n1 + sd2^2/n2). */
    public static double[] meanDifferenceCi(
            double mean1, double sd1, double n1, double mean2, double sd2, double n2, double z) {
        if (!(n1 >= 2) || !(n2 >= 2)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double half = z * Math.sqrt(sd1 * sd1 / n1 + sd2 * sd2 / n2);
        double d = mean1 - mean2;
        return new double[] {d - half, d + half};
    }

    private static double sq(double x) {
        return x * x;
    }

    // ---------------------------------------------------------------- Columns

    /** Lower Wilson bound as a Column; null when n is null or 0. */
    public static Column wilsonLow(Column successes, Column n, double z) {
        return wilsonBound(successes, n, z, -1);
    }

    public static Column wilsonHigh(Column successes, Column n, double z) {
        return wilsonBound(successes, n, z, +1);
    }

    private static Column wilsonBound(Column x, Column n, double z, int sign) {
        double z2 = z * z;
        Column nd = n.cast("double");
        Column p = x.cast("double").divide(nd);
        Column denom = lit(1.0).plus(lit(z2).divide(nd));
        Column centre = p.plus(lit(z2).divide(nd.multiply(2))).divide(denom);
        Column half = lit(z).multiply(sqrt(p.multiply(lit(1.0).minus(p))
                        .divide(nd)
                        .plus(lit(z2).divide(nd.multiply(nd).multiply(4)))))
                .divide(denom);
        Column bound = sign < 0
                ? when(x.leq(0), lit(0.0)).otherwise(greatest(lit(0.0), centre.minus(half)))
                : when(x.geq(n), lit(1.0)).otherwise(least(lit(1.0), centre.plus(half)));
        return when(n.isNull().or(n.leq(0)).or(x.isNull()), lit(null).cast("double"))
                .otherwise(bound);
    }

    /** Lower bound of Newcombe's hybrid score interval for x1/n1 - x2/n2. */
    public static Column newcombeLow(Column x1, Column n1, Column x2, Column n2, double z) {
        Column p1 = x1.cast("double").divide(n1.cast("double"));
        Column p2 = x2.cast("double").divide(n2.cast("double"));
        Column a = p1.minus(wilsonLow(x1, n1, z));
        Column b = wilsonHigh(x2, n2, z).minus(p2);
        return p1.minus(p2).minus(sqrt(a.multiply(a).plus(b.multiply(b))));
    }

    public static Column newcombeHigh(Column x1, Column n1, Column x2, Column n2, double z) {
        Column p1 = x1.cast("double").divide(n1.cast("double"));
        Column p2 = x2.cast("double").divide(n2.cast("double"));
        Column a = wilsonHigh(x1, n1, z).minus(p1);
        Column b = p2.minus(wilsonLow(x2, n2, z));
        return p1.minus(p2).plus(sqrt(a.multiply(a).plus(b.multiply(b))));
    }

    /** Standard error of a mean, sd / sqrt(n); null when n < 2. */
    public static Column meanSe(Column sd, Column n) {
        return when(n.geq(2), sd.divide(sqrt(n.cast("double"))));
    }

    public static Column meanCiLow(Column mean, Column sd, Column n, double z) {
        return mean.minus(lit(z).multiply(meanSe(sd, n)));
    }

    public static Column meanCiHigh(Column mean, Column sd, Column n, double z) {
        return mean.plus(lit(z).multiply(meanSe(sd, n)));
    }

    /** Welch-style standard error of mean1 - mean2; null when either n < 2. */
    public static Column differenceSe(Column sd1, Column n1, Column sd2, Column n2) {
        Column a = meanSe(sd1, n1);
        Column b = meanSe(sd2, n2);
        return sqrt(a.multiply(a).plus(b.multiply(b)));
    }

    public static Column differenceCiLow(Column difference, Column se, double z) {
        return difference.minus(lit(z).multiply(se));
    }

    public static Column differenceCiHigh(Column difference, Column se, double z) {
        return difference.plus(lit(z).multiply(se));
    }
}
