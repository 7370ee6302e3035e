package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked: as of 2026-01-15 the window is calendar 2025.
 * Participants of P1: e1-e4 (mentees since 2024-06-01), e7 (mentee from 2025-09-01); e1 leaves
 * voluntarily 2025-03-15. Monthly (start, end): Jan-Feb (4,4); Mar (4,3), 1 separation;
 * Apr-Aug (3,3); Sep-Dec (4,4). Rate 1/3.5 = 0.285714; average headcount
 * (4+4+3.5+5*3+4*4)/12 = 42.5/12 = 3.541667.
 * Non-participants: e5, e6, e7 (until 2025-09-01), e9 (hired 2025-05-10); e8 is a mentor, so in
 * neither group; e5 leaves involuntarily 2025-07-10; e6 leaves 2026-01-05, after the window.
 * Jan-Apr (3,3); May (3,4); Jun (4,4); Jul (4,3) 1 separation; Aug (3,3); Sep-Dec (2,2).
 * Rate 1/3.5 = 0.285714, voluntary 0; average headcount (4*3+3.5+4+3.5+3+4*2)/12 = 34/12 = 2.833333.
 */
class TurnoverRateTest extends SparkTestBase {

    private static final LocalDate AS_OF = LocalDate.parse("2026-01-15");

    private Dataset<Row> employees() {
        return spark.sql("SELECT * FROM VALUES "
                + "('e1', DATE'2020-01-01', DATE'2025-03-15', 'voluntary'),"
                + "('e2', DATE'2020-01-01', NULL, NULL),"
                + "('e3', DATE'2020-01-01', NULL, NULL),"
                + "('e4', DATE'2020-01-01', NULL, NULL),"
                + "('e5', DATE'2020-01-01', DATE'2025-07-10', 'involuntary'),"
                + "('e6', DATE'2020-01-01', DATE'2026-01-05', 'voluntary'),"
                + "('e7', DATE'2020-01-01', NULL, NULL),"
                + "('e8', DATE'2020-01-01', NULL, NULL),"
                + "('e9', DATE'2025-05-10', NULL, NULL),"
                + "('e0', DATE'2020-01-01', DATE'2024-12-31', 'voluntary')"
                + " AS t(employee_id, hire_date, termination_date, termination_type)");
    }

    private Dataset<Row> matches() {
        return spark.sql("SELECT * FROM VALUES "
                + "('m1', 'P1', 'e8', 'e1', DATE'2024-06-01'),"
                + "('m2', 'P1', 'e8', 'e2', DATE'2024-06-01'),"
                + "('m3', 'P1', 'e8', 'e3', DATE'2024-06-01'),"
                + "('m4', 'P1', 'e8', 'e4', DATE'2024-06-01'),"
                + "('m5', 'P1', 'e8', 'e7', DATE'2025-09-01')"
                + " AS t(match_id, program_id, mentor_id, mentee_id, matched_date)");
    }

    @Test
    void windowIsTwelveCompleteMonths() {
        assertEquals(LocalDate.parse("2025-12-31"), TurnoverRate.windowEnd(AS_OF));
        assertEquals(LocalDate.parse("2025-01-01"), TurnoverRate.windowStart(AS_OF));
        assertEquals(LocalDate.parse("2025-11-30"), TurnoverRate.windowEnd(LocalDate.parse("2025-11-30")));
    }

    @Test
    void shrmRatesByHand() {
        List<Row> rows = TurnoverRate.compute(employees(), matches(), AS_OF, 1)
                .orderBy("program_id", "cohort")
                .collectAsList();
        assertEquals(4, rows.size(), "participants and non-participants for P1 and ALL");
        for (Row r : rows) {
            boolean participant = r.<String>getAs("cohort").equals("participant");
            assertEquals(participant ? 42.5 / 12 : 34.0 / 12, r.<Double>getAs("avg_monthly_headcount"), 1e-9);
            assertEquals(1L, r.<Long>getAs("separations"));
            assertEquals(participant ? 1L : 0L, r.<Long>getAs("voluntary_separations"));
            assertEquals(1 / 3.5, r.<Double>getAs("total_turnover_rate"), 1e-9);
            assertEquals(participant ? 1 / 3.5 : 0.0, r.<Double>getAs("voluntary_turnover_rate"), 1e-9);
            assertEquals("2025-01-01", r.getAs("window_start").toString());
            assertFalse(r.<Boolean>getAs("suppressed"));
        }
    }

    @Test
    void smallGroupsAreSuppressed() {
        Row non = TurnoverRate.compute(employees(), matches(), AS_OF, 3)
                .where(col("program_id").equalTo("P1").and(col("cohort").equalTo("non_participant")))
                .head();
        assertTrue(non.<Boolean>getAs("suppressed"), "2.83 average headcount is under 3");
        assertTrue(non.isNullAt(non.fieldIndex("total_turnover_rate")));
        Row part = TurnoverRate.compute(employees(), matches(), AS_OF, 3)
                .where(col("program_id").equalTo("P1").and(col("cohort").equalTo("participant")))
                .head();
        assertFalse(part.<Boolean>getAs("suppressed"));
    }

    /**
     * A program launched 4 months before the window's end: N matches n1-n4 on 2025-09-01 (mentor nm);
     * n1 leaves voluntarily 2025-11-15. Monthly (start, end): Sep (4,4), Oct (4,4), Nov (4,3) with 1
     * separation, Dec (3,3); Jan-Aug have nobody. Sum of monthly rates = 1/3.5; annualised over the 4
     * months with headcount: 1/3.5 x 12/4 = 0.857143 (the plain 12-month sum would show a third of it).
     * Average headcount over those months: (4 + 4 + 3.5 + 3) / 4 = 3.625.
     */
    @Test
    void aProgramPresentFourMonthsIsAnnualisedOverThem() {
        Dataset<Row> employees = spark.sql("SELECT * FROM VALUES "
                + "('n1', DATE'2020-01-01', DATE'2025-11-15', 'voluntary'),"
                + "('n2', DATE'2020-01-01', NULL, NULL),"
                + "('n3', DATE'2020-01-01', NULL, NULL),"
                + "('n4', DATE'2020-01-01', NULL, NULL),"
                + "('nm', DATE'2020-01-01', NULL, NULL)"
                + " AS t(employee_id, hire_date, termination_date, termination_type)");
        Dataset<Row> matches = spark.sql("SELECT * FROM VALUES "
                + "('k1', 'N', 'nm', 'n1', DATE'2025-09-01'),"
                + "('k2', 'N', 'nm', 'n2', DATE'2025-09-01'),"
                + "('k3', 'N', 'nm', 'n3', DATE'2025-09-01'),"
                + "('k4', 'N', 'nm', 'n4', DATE'2025-09-01')"
                + " AS t(match_id, program_id, mentor_id, mentee_id, matched_date)");
        Row n = TurnoverRate.compute(employees, matches, AS_OF, 1)
                .where(col("program_id").equalTo("N").and(col("cohort").equalTo("participant")))
                .head();
        assertEquals(4L, n.<Long>getAs("months_with_headcount"));
        assertEquals(3.625, n.<Double>getAs("avg_monthly_headcount"), 1e-12);
        assertEquals(1L, n.<Long>getAs("separations"));
        assertEquals(1 / 3.5 * 12 / 4, n.<Double>getAs("total_turnover_rate"), 1e-12);
        assertEquals(1 / 3.5 * 12 / 4, n.<Double>getAs("voluntary_turnover_rate"), 1e-12);
    }
}
