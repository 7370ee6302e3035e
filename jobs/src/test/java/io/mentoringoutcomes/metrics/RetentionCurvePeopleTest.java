package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** gold.retention_curve's n_at_risk counts people, not (person, cell) rows of the cohort frame. */
class RetentionCurvePeopleTest extends SparkTestBase {

    @Test
    void aComparatorInTwoCellsIsOnePersonAtRisk() {
        // c1 is a matched comparator in two cells (two rows, times 100 and 200 days); c2 has one row (400 days).
        // By hand: month 0: {c1, c2} = 2 people (3 rows); months 1..6: c1 (last row ends at day 200, month 6)
        // and c2 = 2; months 7..13: c2 = 1.
        List<Row> rows = List.of(
                row("comparison", "matched", "c1", 0.5, 100, 0, 2, 1, 1),
                row("comparison", "matched", "c1", 0.5, 200, 1, 2, 1, 1),
                row("comparison", "matched", "c2", 1.0, 400, 0, 2, 1, 1));
        Map<Integer, Long> atRisk = new HashMap<>();
        for (Row r : RetentionSummary.curve(CohortFixtures.frame(spark, rows), 1, LocalDate.of(2025, 6, 1))
                .collectAsList()) {
            atRisk.put(r.getAs("month"), r.getAs("n_at_risk"));
        }
        assertEquals(2L, atRisk.get(0));
        assertEquals(2L, atRisk.get(6));
        assertEquals(1L, atRisk.get(7));
        assertEquals(1L, atRisk.get(13));
    }
}
