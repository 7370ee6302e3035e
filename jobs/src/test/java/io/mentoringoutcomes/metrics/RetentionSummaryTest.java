package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Mentees: 4 people, a voluntary exit at day 100, censored at 200, 400, 500.
 * Comparators: 4 people weighted 0.5, exits at days 50 and 150, censored at 300, 400.
 */
class RetentionSummaryTest extends SparkTestBase {

    static final LocalDate AS_OF = LocalDate.of(2025, 6, 1);

    private static Dataset<Row> cohort() {
        return CohortFixtures.frame(
                spark,
                List.of(
                        row("mentee", "matched", "m1", 1.0, 100, 1, 2, 1, 1),
                        row("mentee", "matched", "m2", 1.0, 200, 0, 2, 1, 1),
                        row("mentee", "matched", "m3", 1.0, 400, 0, 2, 1, 1),
                        row("mentee", "matched", "m4", 1.0, 500, 0, 2, 1, 1),
                        row("comparison", "matched", "c1", 0.5, 50, 1, 2, 1, 1),
                        row("comparison", "matched", "c2", 0.5, 150, 1, 2, 1, 1),
                        row("comparison", "matched", "c3", 0.5, 300, 0, 2, 1, 1),
                        row("comparison", "matched", "c4", 0.5, 400, 0, 2, 1, 1)));
    }

    private static Map<String, Row> byKey(Dataset<Row> df, String second) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : df.collectAsList()) {
            out.put(r.getAs("cohort") + "/" + r.getAs(second), r);
        }
        return out;
    }

    @Test
    void horizonsAndDifferenceByHand() {
        Map<String, Row> s = byKey(RetentionSummary.summary(cohort(), List.of(6, 12, 24), 1, AS_OF), "horizon_months");
        // 6 months = 182.6 days. Mentees: S = 3/4. Robust (IJ) influence on S(H) per person,
        // S(H) x (-[event by H]/(n-d)(T) + sum over event times <= min(T, H) of h/(n-d)):
        // m1 (exit at 100, n=4, d=1): 3/4 x (-1/3 + 1/12) = -3/16; m2..m4: 3/4 x 1/12 = 1/16.
        // Variance 9/256 + 3 x 1/256 = 12/256.
        double se1 = Math.sqrt(12.0 / 256);
        // Comparators, weighted 0.5: n=2, d=0.5 at 50 -> 0.75; n=1.5, d=0.5 at 150 -> x 2/3 = 0.5.
        // Influence x weight: c1 0.5 x 1/2 x (-2/3 + 1/6) = -1/8; c2 0.5 x 1/2 x (-1 + 1/2) = -1/8;
        // c3, c4 0.5 x 1/2 x (1/6 + 1/3) = 1/8. Variance 4/64 = 1/16, se 0.25 (Greenwood, which
        // takes the weights for people, says 0.354).
        double se0 = 0.25;
        double se = Math.sqrt(se1 * se1 + se0 * se0); // different people: no covariance
        assertEquals(0.25 - 1.959964 * se, (double) s.get("mentee/6").getAs("difference_ci_low"), 1e-5);
        double seLog = se1 / 0.75;
        // Log-log: low = S^exp(-z se(log S) / log S).
        assertEquals(
                Math.pow(0.75, Math.exp(-1.959964 * seLog / Math.log(0.75))),
                (double) s.get("mentee/6").getAs("retention_ci_low"),
                1e-5);
        seLog = se0 / 0.5;
        assertEquals(
                Math.pow(0.5, Math.exp(1.959964 * seLog / Math.log(0.5))),
                (double) s.get("comparison/6").getAs("retention_ci_high"),
                1e-5);
        Row m6 = s.get("mentee/6");
        assertEquals(0.75, (double) m6.getAs("retention"), 1e-12);
        assertEquals(0.25, (double) m6.getAs("difference"), 1e-12);
        assertEquals(0.25 + 1.959964 * se, (double) m6.getAs("difference_ci_high"), 1e-5);
        assertEquals(4L, (long) m6.getAs("n_employees"));
        assertEquals(1L, (long) m6.getAs("n_events"));
        assertEquals(2L, (long) s.get("comparison/6").getAs("n_events"));
        assertEquals(0.5, (double) s.get("comparison/6").getAs("retention"), 1e-12);
        assertNull(s.get("comparison/6").getAs("difference"));
        // 12 months = 365.25 days: no further events on either side.
        assertEquals(0.25, (double) s.get("mentee/12").getAs("difference"), 1e-12);
        // 24 months is past the comparators' last follow-up (day 400): not estimable.
        assertNull(s.get("comparison/24").getAs("retention"));
        assertNull(s.get("mentee/24").getAs("difference"));
    }

    @Test
    void aPersonInBothArmsEntersTheDifferenceOnce() {
        // c3 is m2, a comparator before becoming a mentee. Per-person influence of the difference:
        // m1 -3/16, m2 1/16 - 1/8 = -1/16, m3 1/16, m4 1/16, c1 1/8, c2 1/8, c4 -1/8 (signs of the
        // comparison's flip): (9 + 1 + 1 + 1 + 4 + 4 + 4)/256 = 24/256, below the 28/256 that
        // treating the arms as independent would give.
        List<Row> rows = new java.util.ArrayList<>(cohort().collectAsList());
        rows.set(6, row("comparison", "matched", "m2", 0.5, 300, 0, 2, 1, 1));
        Map<String, Row> s = byKey(
                RetentionSummary.summary(CohortFixtures.frame(spark, rows), List.of(6), 1, AS_OF), "horizon_months");
        double se = Math.sqrt(24.0 / 256);
        assertEquals(0.25 - 1.959964 * se, (double) s.get("mentee/6").getAs("difference_ci_low"), 1e-5);
        assertEquals(0.25 + 1.959964 * se, (double) s.get("mentee/6").getAs("difference_ci_high"), 1e-5);
    }

    @Test
    void smallGroupsAreSuppressed() {
        Map<String, Row> s = byKey(RetentionSummary.summary(cohort(), List.of(6), 10, AS_OF), "horizon_months");
        assertTrue((boolean) s.get("mentee/6").getAs("suppressed"));
        assertNull(s.get("mentee/6").getAs("retention"));
        assertNull(s.get("mentee/6").getAs("n_events"));
        assertEquals(4L, (long) s.get("mentee/6").getAs("n_employees"));
    }

    @Test
    void monthlyCurve() {
        Dataset<Row> curve = RetentionSummary.curve(cohort(), 1, AS_OF);
        Map<String, Row> m = new HashMap<>();
        for (Row r : curve.collectAsList()) {
            m.put(r.getAs("cohort") + "/" + r.getAs("month"), r);
        }
        // Mentee times 100, 200, 400, 500 days fall in months 3, 6, 13, 16; curve runs 0..16.
        assertEquals(
                17, m.keySet().stream().filter(k -> k.startsWith("mentee/")).count());
        assertEquals(4L, (long) m.get("mentee/0").getAs("n_at_risk"));
        assertEquals(1.0, (double) m.get("mentee/3").getAs("survival"), 1e-12); // day 91.3 < 100
        assertEquals(1L, (long) m.get("mentee/3").getAs("n_events"));
        assertEquals(3L, (long) m.get("mentee/4").getAs("n_at_risk"));
        assertEquals(0.75, (double) m.get("mentee/4").getAs("survival"), 1e-12);
        assertEquals(1L, (long) m.get("mentee/6").getAs("n_censored"));
        assertEquals(1L, (long) m.get("mentee/16").getAs("n_at_risk"));
        // Fewer than 2 at risk is suppressed when the threshold is 2.
        Row tail = RetentionSummary.curve(cohort(), 2, AS_OF)
                .filter("cohort = 'mentee' AND month = 16")
                .first();
        assertTrue((boolean) tail.getAs("suppressed"));
        assertNull(tail.getAs("survival"));
    }

    @Test
    void matchedCurveAgreesWithTheSummaryAtTheHorizons() {
        // m2 also a comparator (both arms), so the person-clustered variance differs from Greenwood's.
        List<Row> rows = new java.util.ArrayList<>(cohort().collectAsList());
        rows.set(6, row("comparison", "matched", "m2", 0.5, 300, 0, 2, 1, 1));
        Dataset<Row> frame = CohortFixtures.frame(spark, rows);
        Map<String, Row> s = byKey(RetentionSummary.summary(frame, List.of(6, 12), 1, AS_OF), "horizon_months");
        Map<String, Row> c = byKey(RetentionSummary.curve(frame, 1, AS_OF), "month");
        for (String key : List.of("mentee/6", "mentee/12", "comparison/6", "comparison/12")) {
            assertEquals(
                    (double) s.get(key).getAs("retention"), (double) c.get(key).getAs("survival"), 1e-12, key);
            assertEquals(
                    (double) s.get(key).getAs("retention_ci_low"),
                    (double) c.get(key).getAs("ci_low"),
                    1e-12,
                    key);
            assertEquals(
                    (double) s.get(key).getAs("retention_ci_high"),
                    (double) c.get(key).getAs("ci_high"),
                    1e-12,
                    key);
        }
        // And the band is the robust one, worked by hand in horizonsAndDifferenceByHand: comparison
        // se 0.25 at 6 months (Greenwood's 0.354 would give a wider band).
        assertEquals(
                Math.pow(0.5, Math.exp(1.959964 * 0.5 / Math.log(0.5))),
                (double) c.get("comparison/6").getAs("ci_high"),
                1e-5);
    }
}
