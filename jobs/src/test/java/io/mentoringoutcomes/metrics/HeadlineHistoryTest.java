package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Two published nights and a re-run of the second, on hand-written controlled tables. */
class HeadlineHistoryTest extends SparkTestBase {

    private static final LocalDate NIGHT1 = LocalDate.parse("2026-10-31");
    private static final LocalDate NIGHT2 = LocalDate.parse("2026-11-30");

    /** retention_summary rows: only ALL/P1 mentee matched at 12 months are headlines. */
    private static Dataset<Row> retention(double allDifference) {
        return spark.sql("SELECT * FROM VALUES "
                + "('ALL', 'mentee', 'matched', 12, " + allDifference + ", " + (allDifference - 0.03) + ", "
                + (allDifference + 0.03) + ", false), "
                + "('P1', 'mentee', 'matched', 12, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), true), "
                + "('ALL', 'mentee', 'naive', 12, 0.5, 0.4, 0.6, false), "
                + "('ALL', 'comparison', 'matched', 12, 0.6, 0.5, 0.7, false), "
                + "('ALL', 'mentee', 'matched', 6, 0.7, 0.6, 0.8, false) "
                + "AS t(program_id, cohort, method, horizon_months, difference, difference_ci_low, difference_ci_high,"
                + " suppressed)");
    }

    /** program_roi rows: only the headline replacement-cost ratio (0.21) is a headline. */
    private static Dataset<Row> roi(double allRoi) {
        return spark.sql("SELECT * FROM VALUES "
                + "('ALL', 0.21D, " + allRoi + "D, " + (allRoi - 0.5) + "D, " + (allRoi + 0.5) + "D, false), "
                + "('ALL', 0.5D, 9.0D, 8.0D, 10.0D, false) "
                + "AS t(program_id, replacement_cost_ratio, roi, roi_ci_low, roi_ci_high, suppressed)");
    }

    private static List<String> rows(Dataset<Row> history) {
        return history.collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void eachNightsHeadlinesAsPublishedAndARerunReplacesItsNight() {
        Dataset<Row> night1 = HeadlineHistory.history(
                Optional.empty(), HeadlineHistory.tonight(retention(0.04), roi(-0.7), 0.21, NIGHT1), NIGHT1);
        assertEquals(
                List.of(
                        "[2026-10-31,program_roi,roi,ALL,-0.7,-1.2,-0.19999999999999996,false,2026-10-31]",
                        "[2026-10-31,retention_summary,difference,ALL,0.04,0.010000000000000002,0.07,false,2026-10-31]",
                        "[2026-10-31,retention_summary,difference,P1,null,null,null,true,2026-10-31]"),
                rows(night1));

        Dataset<Row> night2 = spark.createDataFrame(
                HeadlineHistory.history(
                                Optional.of(night1),
                                HeadlineHistory.tonight(retention(0.05), roi(-0.6), 0.21, NIGHT2),
                                NIGHT2)
                        .collectAsList(),
                night1.schema());
        List<String> expected = List.of(
                "[2026-10-31,program_roi,roi,ALL,-0.7,-1.2,-0.19999999999999996,false,2026-11-30]",
                "[2026-10-31,retention_summary,difference,ALL,0.04,0.010000000000000002,0.07,false,2026-11-30]",
                "[2026-10-31,retention_summary,difference,P1,null,null,null,true,2026-11-30]",
                "[2026-11-30,program_roi,roi,ALL,-0.6,-1.1,-0.09999999999999998,false,2026-11-30]",
                "[2026-11-30,retention_summary,difference,ALL,0.05,0.020000000000000004,0.08,false,2026-11-30]",
                "[2026-11-30,retention_summary,difference,P1,null,null,null,true,2026-11-30]");
        assertEquals(expected, rows(night2));

        // Night 2 run again (same figures): its rows replace themselves, nothing doubles.
        Dataset<Row> rerun = HeadlineHistory.history(
                Optional.of(night2), HeadlineHistory.tonight(retention(0.05), roi(-0.6), 0.21, NIGHT2), NIGHT2);
        assertEquals(expected, rows(rerun));
        for (String c : rerun.columns()) {
            assertTrue(rerun.schema().apply(c).metadata().contains("comment"), c + " has no comment");
        }
    }
}
