package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.SparkTestBase;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class PromotionSummaryTest extends SparkTestBase {

    @Test
    void cumulativeIncidenceOfPromotion() {
        // Index 2024-01-10 for all. Followed 500 days each unless noted.
        Dataset<Row> cohort = CohortFixtures.frame(
                spark,
                List.of(
                        row("mentee", "matched", "m1", 1, 500, 0, 2, 1, 1),
                        row("mentee", "matched", "m2", 1, 500, 0, 2, 1, 1),
                        row("mentee", "matched", "m3", 1, 500, 0, 2, 1, 1),
                        CohortFixtures.involuntary("mentee", "matched", "m4", 1, 60, 2, 1, 1), // let go on day 60
                        row("comparison", "matched", "c1", 1, 500, 0, 2, 1, 1),
                        row("comparison", "matched", "c2", 1, 500, 0, 2, 1, 1)));
        Dataset<Row> events = SilverFixtures.df(
                spark,
                List.of(
                        RowFactory.create("m1", Date.valueOf("2024-04-19"), "promotion", "L3", "Eng", null), // day 100
                        RowFactory.create(
                                "m2", Date.valueOf("2023-06-01"), "promotion", "L2", "Eng", null), // before index
                        RowFactory.create(
                                "m4", Date.valueOf("2024-06-01"), "promotion", "L3", "Eng", null), // after leaving
                        RowFactory.create("m3", Date.valueOf("2024-03-01"), "transfer", "L2", "Ops", null),
                        RowFactory.create("c1", Date.valueOf("2025-03-01"), "promotion", "L3", "Eng", null)), // day 416
                SilverFixtures.JOB_EVENTS);
        List<Row> rows = PromotionSummary.summary(cohort, events, List.of(12), 1, LocalDate.of(2025, 6, 1))
                .orderBy("cohort")
                .collectAsList();
        Row comparison = rows.get(0);
        Row mentee = rows.get(1);
        // Aalen-Johansen: m4 leaves at 60 (competing, 4 at risk: S = 3/4), m1 is promoted at 100 with
        // 3 at risk: F = 3/4 x 1/3 = 1/4. (1 - KM, which censored m4, said 1/3.)
        assertEquals(0.25, (double) mentee.getAs("promotion_rate"), 1e-12);
        assertEquals(1L, (long) mentee.getAs("n_events"));
        // Comparators: c1's promotion is after 12 months (365.25 days): 0 by then.
        assertEquals(0.0, (double) comparison.getAs("promotion_rate"), 1e-12);
        assertEquals(0.0, (double) comparison.getAs("ci_high"), 1e-12);
        assertEquals(0.25, (double) mentee.getAs("difference"), 1e-12);
        // Influence on F(H) per person (RobustVariance's formula, worked by hand): m4 -1/16,
        // m1 1/4 - 1/12 + 1/16 - 1/24 = 3/16, m2 and m3 -1/16 each; variance 12/256.
        double f = 0.25;
        double se = Math.sqrt(12.0 / 256);
        double low = Math.pow(f, Math.exp(1.959964 * se / (f * -Math.log(f))));
        double high = Math.pow(f, Math.exp(-1.959964 * se / (f * -Math.log(f))));
        assertEquals(low, (double) mentee.getAs("ci_low"), 1e-5);
        assertEquals(high, (double) mentee.getAs("ci_high"), 1e-5);
        assertEquals(0.25 - 1.959964 * se, (double) mentee.getAs("difference_ci_low"), 1e-5);
    }
}
