package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class ComparatorsKeptTest extends SparkTestBase {

    /**
     * Index 2024-01-10 for everyone, as-of 2025-01-10 (366 days later).
     * c1 joined as a mentee on day 100 (censored there in the cohort frame) and left voluntarily on
     * 2024-07-28 (day 200): kept, their follow-up runs to day 200 with the event. c2 joined on day 50
     * and is still employed: kept, followed to as-of (366 days), no event. The mentee row and the
     * naive row stay exactly as they were (time 100 / 10), even though m left later.
     */
    @Test
    void joinersAreFollowedToExitOrAsOf() {
        Dataset<Row> cohort = CohortFixtures.frame(
                spark,
                List.of(
                        row("comparison", "matched", "c1", 0.5, 100, 0, 2, 1, 1),
                        row("comparison", "matched", "c2", 0.5, 50, 0, 2, 1, 1),
                        row("mentee", "matched", "m", 1, 100, 0, 2, 1, 1),
                        row("comparison", "naive", "c1", 1, 10, 0, 2, 1, 1)));
        Dataset<Row> employees = SilverFixtures.df(
                spark,
                List.of(
                        employee("c1", "2020-01-01", "2024-07-28", "voluntary", "Eng", "L2", 1.0, 1.0),
                        employee("c2", "2020-01-01", null, null, "Eng", "L2", 1.0, 1.0),
                        employee("m", "2020-01-01", "2024-12-01", "voluntary", "Eng", "L2", 1.0, 1.0)),
                SilverFixtures.EMPLOYEES);
        Dataset<Row> kept = ComparatorsKept.frame(cohort, employees, LocalDate.of(2025, 1, 10));
        assertEquals(List.of(cohort.columns()), List.of(kept.columns()));
        Map<String, Row> out = new HashMap<>();
        for (Row r : kept.collectAsList()) {
            out.put(r.getAs("cohort") + "/" + r.getAs("method") + "/" + r.getAs("employee_id"), r);
        }
        assertEquals(4, out.size());
        Row c1 = out.get("comparison/matched/c1");
        assertEquals(200.0, (double) c1.getAs("time_days"));
        assertEquals(1, (int) c1.getAs("event"));
        assertEquals(1, (int) c1.getAs("separated"));
        assertEquals(0.5, (double) c1.getAs("weight"));
        Row c2 = out.get("comparison/matched/c2");
        assertEquals(366.0, (double) c2.getAs("time_days"));
        assertEquals(0, (int) c2.getAs("event"));
        assertEquals(100.0, (double) out.get("mentee/matched/m").getAs("time_days"));
        assertEquals(10.0, (double) out.get("comparison/naive/c1").getAs("time_days"));
    }
}
