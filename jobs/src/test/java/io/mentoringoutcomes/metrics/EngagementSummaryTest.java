package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.substring;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * P1 (cadence 14 days), as of 2025-06-30, so the stall window starts after 2025-06-02.
 * m1 (2025-01-01, active): held 01-10, 01-24, cancelled 02-07, held 02-21, no-show 03-07, held 06-20:
 *   6 scheduled, 4 held; gaps 14, 28, 119 -> median 28; last held 10 days ago -> not stalled.
 * m2 (2025-02-01, active): held 02-10, 02-20, 03-02: gaps 10, 10 -> median 10; last held before 06-02 -> stalled.
 * m3 (2025-06-20, active): no meetings; too new to judge.
 * m4 (2024-01-01, ended 2024-12-01): one held meeting; inactive.
 * Program: 4 matches, 3 active; 10 scheduled, 8 held, 1 cancelled, 1 no-show -> rates 0.1, 0.1;
 * pooled gaps 10, 10, 14, 28, 119 -> median 14; 1 of 2 judged matches stalled -> 0.5.
 * Goals: task 2 set, 1 achieved; business 1, 0; talent 1, 1.
 */
class EngagementSummaryTest extends SparkTestBase {

    private static final LocalDate AS_OF = LocalDate.parse("2025-06-30");
    private static Dataset<Row> programs;
    private static Dataset<Row> matches;
    private static Dataset<Row> meetings;
    private static Dataset<Row> goals;

    @BeforeAll
    static void frames() {
        programs = spark.sql("SELECT 'P1' AS program_id, 14 AS planned_cadence_days");
        matches = spark.sql("SELECT * FROM VALUES "
                + "('m1','P1','x1','a1',DATE'2025-01-01',CAST(NULL AS DATE)),"
                + "('m2','P1','x1','a2',DATE'2025-02-01',NULL),"
                + "('m3','P1','x1','a3',DATE'2025-06-20',NULL),"
                + "('m4','P1','x1','a4',DATE'2024-01-01',DATE'2024-12-01')"
                + " AS t(match_id, program_id, mentor_id, mentee_id, matched_date, ended_date)");
        meetings = spark.sql("SELECT * FROM VALUES "
                + "('k1','m1',TIMESTAMP'2025-01-10 09:00:00','held'),"
                + "('k2','m1',TIMESTAMP'2025-01-24 09:00:00','held'),"
                + "('k3','m1',TIMESTAMP'2025-02-07 09:00:00','cancelled'),"
                + "('k4','m1',TIMESTAMP'2025-02-21 09:00:00','held'),"
                + "('k5','m1',TIMESTAMP'2025-03-07 09:00:00','no_show'),"
                + "('k6','m1',TIMESTAMP'2025-06-20 09:00:00','held'),"
                + "('k7','m2',TIMESTAMP'2025-02-10 09:00:00','held'),"
                + "('k8','m2',TIMESTAMP'2025-02-20 09:00:00','held'),"
                + "('k9','m2',TIMESTAMP'2025-03-02 09:00:00','held'),"
                + "('kA','m4',TIMESTAMP'2024-02-01 09:00:00','held')"
                + " AS t(meeting_id, match_id, scheduled_at, status)");
        goals = spark.sql("SELECT * FROM VALUES "
                + "('g1','m1','task',DATE'2025-01-15',DATE'2025-03-01','achieved'),"
                + "('g2','m1','business',DATE'2025-01-15',NULL,'open'),"
                + "('g3','m2','task',DATE'2025-02-15',NULL,'abandoned'),"
                + "('g4','m2','talent',DATE'2025-02-15',DATE'2025-05-01','achieved')"
                + " AS t(goal_id, match_id, category, created_date, achieved_date, status)");
    }

    @Test
    void programSummaryByHand() {
        Row r = EngagementSummary.summary(programs, matches, meetings, Optional.of(goals), AS_OF, 1)
                .where(col("program_id").equalTo("P1"))
                .head();
        assertEquals(4L, r.<Long>getAs("n_matches"));
        assertEquals(3L, r.<Long>getAs("n_active_matches"));
        assertEquals(10L, r.<Long>getAs("meetings_scheduled"));
        assertEquals(8L, r.<Long>getAs("meetings_held"));
        assertEquals(0.1, r.<Double>getAs("cancellation_rate"), 1e-12);
        assertEquals(0.1, r.<Double>getAs("no_show_rate"), 1e-12);
        assertEquals(14.0, r.<Double>getAs("median_days_between_meetings"), 1e-9);
        assertEquals(14, r.<Integer>getAs("planned_cadence_days"));
        assertEquals(2L, r.<Long>getAs("stall_eligible_matches"));
        assertEquals(1L, r.<Long>getAs("stalled_matches"));
        assertEquals(0.5, r.<Double>getAs("stalled_share"), 1e-12);
        // task: g1 achieved, g3 abandoned; business: g2 open; talent: g4 achieved (by its achieved_date)
        assertEquals(2L, r.<Long>getAs("goals_task_set"));
        assertEquals(1L, r.<Long>getAs("goals_task_achieved"));
        assertEquals(0L, r.<Long>getAs("goals_business_achieved"));
        assertEquals(1L, r.<Long>getAs("goals_talent_achieved"));
        assertEquals(0.5, r.<Double>getAs("goals_task_achieved_rate"), 1e-12);
        assertEquals(0.0, r.<Double>getAs("goals_business_achieved_rate"), 1e-12);
        assertEquals(1.0, r.<Double>getAs("goals_talent_achieved_rate"), 1e-12);
        assertFalse(r.<Boolean>getAs("suppressed"));
        Row all = EngagementSummary.summary(programs, matches, meetings, Optional.empty(), AS_OF, 5)
                .where(col("program_id").equalTo("ALL"))
                .head();
        assertTrue(all.<Boolean>getAs("suppressed"), "4 matches are fewer than 5");
        assertTrue(all.isNullAt(all.fieldIndex("meetings_held")));
    }

    @Test
    void matchHealthCarriesNoEmployeeIds() {
        Dataset<Row> t = EngagementSummary.matchHealth(
                programs, matches, meetings, Optional.empty(), AS_OF, 1, c -> substring(sha2(c, 256), 1, 16));
        for (String c : t.columns()) {
            // match_id is for the program administrators reading admin.match_health; no person ids at all.
            assertFalse(
                    List.of("mentor_id", "mentee_id", "employee_id", "action_rating")
                            .contains(c),
                    c);
        }
        List<Row> rows = t.orderBy("days_since_last_held_meeting").collectAsList();
        assertEquals(4, rows.size());
        Row m1 = rows.stream()
                .filter(r -> Long.valueOf(10)
                        .equals(
                                r.getAs("days_since_last_held_meeting") == null
                                        ? null
                                        : ((Integer) r.getAs("days_since_last_held_meeting")).longValue()))
                .findFirst()
                .orElseThrow();
        assertEquals(28.0, m1.<Double>getAs("median_days_between_meetings"), 1e-9);
        assertEquals(1.0 / 6, m1.<Double>getAs("cancellation_rate"), 1e-12);
        assertEquals(Boolean.FALSE, m1.getAs("stalled"));
        assertNotEquals("m1", m1.getAs("match_key"));
        assertEquals(16, m1.<String>getAs("match_key").length());
        assertTrue(rows.stream().anyMatch(r -> Boolean.TRUE.equals(r.getAs("stalled"))), "m2 stalled");
        assertTrue(rows.stream().allMatch(r -> r.isNullAt(r.fieldIndex("goals_set"))), "goals absent");
        Row suppressed = EngagementSummary.matchHealth(
                        programs, matches, meetings, Optional.empty(), AS_OF, 10, c -> substring(sha2(c, 256), 1, 16))
                .head();
        assertTrue(suppressed.<Boolean>getAs("suppressed"));
        assertTrue(suppressed.isNullAt(suppressed.fieldIndex("meetings_held")));
    }
}
