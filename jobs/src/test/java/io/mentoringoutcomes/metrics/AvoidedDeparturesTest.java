package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.CohortFixtures.involuntary;
import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.reference.RReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvoidedDeparturesTest extends SparkTestBase {

    @TempDir
    Path dir;

    /**
     * Mentees: m2 let go at 50, m1 leaves voluntarily at 100, m3 and m4 followed to 400.
     * Comparators: c1 leaves at 50, c3 let go at 120, c2 leaves at 150, c4 followed to 400.
     * Aalen-Johansen by 12 months (365.25 days): mentees 3/4 x 1/3 = 1/4; comparators 1/4 + 1/2 x 1/2
     * = 1/2; avoided 1/4 per mentee. (1 − Kaplan-Meier, censoring the involuntary exits, gives
     * 1/3 and 5/8: 0.2917 avoided.)
     */
    @Test
    void avoidedDeparturesFromTheCumulativeIncidenceOfVoluntaryExit() throws Exception {
        List<Row> rows = List.of(
                row("mentee", "matched", "m1", 1, 100, 1, 2, 1, 1),
                involuntary("mentee", "matched", "m2", 1, 50, 2, 1, 1),
                row("mentee", "matched", "m3", 1, 400, 0, 2, 1, 1),
                row("mentee", "matched", "m4", 1, 400, 0, 2, 1, 1),
                row("comparison", "matched", "c1", 1, 50, 1, 2, 1, 1),
                row("comparison", "matched", "c2", 1, 150, 1, 2, 1, 1),
                involuntary("comparison", "matched", "c3", 1, 120, 2, 1, 1),
                row("comparison", "matched", "c4", 1, 400, 0, 2, 1, 1),
                row("mentee", "naive", "m1", 1, 10, 1, 2, 1, 1));
        Row out = AvoidedDepartures.perMentee(CohortFixtures.frame(spark, rows), 12, 1)
                .collectAsList()
                .get(0);
        assertEquals(0.25, (double) out.getAs("voluntary_exit_incidence"), 1e-12);
        assertEquals(0.5, (double) out.getAs("comparison_voluntary_exit_incidence"), 1e-12);
        assertEquals(0.25, (double) out.getAs("difference"), 1e-12);

        // R: each arm's Aalen-Johansen std.err (different people, so the difference's variance is the sum).
        List<List<Object>> csv = new ArrayList<>();
        for (Row r : rows.subList(0, 8)) {
            // Fixture rows carry no schema: cohort, time_days, event, separated by position.
            int status = r.getInt(7) == 1 ? 1 : r.getInt(8) == 1 ? 2 : 0;
            csv.add(List.of(r.getString(1), r.getDouble(6), status));
        }
        RReference.writeCsv(dir, "d.csv", List.of("arm", "time", "status"), csv);
        Map<String, Double> r = RReference.run(dir, """
                suppressMessages(library(survival))
                d <- read.csv("d.csv"); d$row <- seq_len(nrow(d))
                v <- 0
                for (a in c("mentee", "comparison")) {
                  s <- summary(survfit(Surv(time, factor(status, 0:2)) ~ 1, data = d[d$arm == a, ], id = row), times = 365.25)
                  v <- v + s$std.err[1, 2]^2
                }
                cat(sprintf("se,%.17g\\n", sqrt(v)))
                """);
        double se = r.get("se");
        assertEquals(0.25 - 1.959964 * se, (double) out.getAs("difference_ci_low"), 1e-5);
        assertEquals(0.25 + 1.959964 * se, (double) out.getAs("difference_ci_high"), 1e-5);

        Row small = AvoidedDepartures.perMentee(CohortFixtures.frame(spark, rows), 12, 5)
                .collectAsList()
                .get(0);
        assertNull(small.getAs("difference"));
    }
}
