package io.mentoringoutcomes.metrics;

import io.mentoringoutcomes.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.time.LocalDate;
import java.util.List;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PromotionSummaryTest extends SparkTestBase {

    @Test
    void cumulativeIncidenceOfPromotion() {
        // Index 2024-01-10 for all. Followed 500 days each unless noted.
        Dataset<Row> cohort = CohortFixtures.frame(spark, List.of(
                row("mentee", "matched", "m1", 1, 500, 0, 2, 1, 1),
                row("mentee", "matched", "m2", 1, 500, 0, 2, 1, 1),
                row("mentee", "matched", "m3", 1, 500, 0, 2, 1, 1),
                row("mentee", "matched", "m4", 1, 60, 1, 2, 1, 1),   // left on day 60
                row("comparison", "matched", "c1", 1, 500, 0, 2, 1, 1),
                row("comparison", "matched", "c2", 1, 500, 0, 2, 1, 1)));
        Dataset<Row> events = SilverFixtures.df(spark, List.of(
                RowFactory.create("m1", Date.valueOf("2024-04-19"), "promotion", "L3", "Eng", null), // day 100
                RowFactory.create("m2", Date.valueOf("2023-06-01"), "promotion", "L2", "Eng", null), // before index
                RowFactory.create("m4", Date.valueOf("2024-06-01"), "promotion", "L3", "Eng", null), // after leaving
                RowFactory.create("m3", Date.valueOf("2024-03-01"), "transfer", "L2", "Ops", null),
                RowFactory.create("c1", Date.valueOf("2025-03-01"), "promotion", "L3", "Eng", null)), // day 416
                SilverFixtures.JOB_EVENTS);
        List<Row> rows = PromotionSummary.summary(cohort, events, List.of(12), 1, LocalDate.of(2025, 6, 1))
                .orderBy("cohort").collectAsList();
        Row comparison = rows.get(0);
        Row mentee = rows.get(1);
        // Mentees: m4 censored at 60 (4 at risk), m1 promoted at 100 with 3 at risk: 1 - 2/3.
        assertEquals(1.0 / 3, (double) mentee.getAs("promotion_rate"), 1e-12);
        assertEquals(1L, (long) mentee.getAs("n_events"));
        // Comparators: c1's promotion is after 12 months (365.25 days): 0 by then.
        assertEquals(0.0, (double) comparison.getAs("promotion_rate"), 1e-12);
        assertEquals(1.0 / 3, (double) mentee.getAs("difference"), 1e-12);
        // The interval is that of S flipped: low = 1 - S_high.
        double s = 2.0 / 3;
        double se = Math.sqrt(1.0 / (3 * 2));
        double sHigh = Math.pow(s, Math.exp(1.959964 * se / Math.log(s)));
        assertEquals(1 - sHigh, (double) mentee.getAs("ci_low"), 1e-5);
    }
}
