package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class MatchingBalanceTest extends SparkTestBase {

    @Test
    void standardizedMeanDifferencesBeforeAndAfterWeighting() {
        Row b = MatchingBalance.balance(
                        CohortFixtures.frame(
                                spark,
                                List.of(
                                        // naive: mentees tenure 1, 3, 5 (m3 unmatched); comparison 2, 4
                                        row("mentee", "naive", "m1", 1, 0, 0, 1, 50, 3),
                                        row("mentee", "naive", "m2", 1, 0, 0, 3, 70, 3),
                                        row("mentee", "naive", "m3", 1, 0, 0, 5, 70, 3),
                                        row("comparison", "naive", "n1", 1, 0, 0, 2, 60, 3),
                                        row("comparison", "naive", "n2", 1, 0, 0, 4, 60, 3),
                                        // matched: mentees 1, 3; comparators 2 (weight 0.5), 4 (weight 1.5)
                                        row("mentee", "matched", "m1", 1, 0, 0, 1, 50, 3),
                                        row("mentee", "matched", "m2", 1, 0, 0, 3, 70, 3),
                                        row("comparison", "matched", "c1", 0.5, 0, 0, 2, 60, 3),
                                        row("comparison", "matched", "c2", 1.5, 0, 0, 4, 60, 3))),
                        1,
                        LocalDate.of(2025, 1, 1),
                        CohortBuilder.covariateSource(false))
                .first();
        // No job events: department and level were the snapshot's; salary and rating always are.
        assertEquals("snapshot_current", b.getAs("covariate_source"));
        assertEquals("snapshot_current", b.getAs("salary_performance_source"));
        assertEquals(3L, (long) b.getAs("n_mentees"));
        assertEquals(2L, (long) b.getAs("n_matched_mentees"));
        assertEquals(2.0 / 3, (double) b.getAs("match_rate"), 1e-12);
        assertEquals(2L, (long) b.getAs("n_comparators"));
        // Before: mean_t 3, var_t 8/3; mean_c 3, var_c 1 -> SMD 0.
        assertEquals(0.0, (double) b.getAs("smd_tenure_years_before"), 1e-12);
        // After: mentees mean 2, var 1; comparators mean (0.5*2 + 1.5*4)/2 = 3.5,
        // var (0.5*2.25 + 1.5*0.25)/2 = 0.75 -> SMD (2 - 3.5)/sqrt((1 + 0.75)/2) = -1.60357.
        assertEquals(-1.5 / Math.sqrt(0.875), (double) b.getAs("smd_tenure_years_after"), 1e-9);
        // Salary before: mentees 50, 70, 70 (mean 63.33, var 88.89); comparison 60, 60 (var 0).
        double mt = 190.0 / 3;
        double vt = (Math.pow(50 - mt, 2) + 2 * Math.pow(70 - mt, 2)) / 3;
        assertEquals((mt - 60) / Math.sqrt(vt / 2), (double) b.getAs("smd_annual_salary_before"), 1e-9);
        // A constant covariate has no SMD (0/0).
        assertTrue(b.isNullAt(b.fieldIndex("smd_performance_rating_after")));
    }
}
