package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.SilverFixtures.d;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Time zero and covariates at index, on one program P1 (everyone hired 2022-01-01, band 1-3 in 2024):
 * <ul>
 *   <li>a1: matched 2024-03-04, a no-show 03-11, first held meeting 03-18. Snapshot L3, but L2 until
 *       a promotion on 2024-09-01, after the index.</li>
 *   <li>a2: matched 2024-03-06, leaves voluntarily 2024-03-14 before any meeting: immortal time
 *       under a match-date index.</li>
 *   <li>k1: Eng L2 throughout. k2: snapshot L3, promoted from L2 on 2024-05-01. k3: snapshot Eng L2,
 *       but in HR until a transfer on 2024-04-01.</li>
 * </ul>
 * Hand-worked, primary design with job events: the cell Eng x L2 x 1-3 x 2024-03 holds a1 (index
 * 03-18); k1 and k2 were Eng L2 then (k3 was HR; a2 had left), each weighted 1/2. ITT: a1 (03-04)
 * and a2 (03-06) in that cell, lower median 03-04; k1 and k2 weighted 2/2 = 1.
 */
class CohortAtIndexTest extends SparkTestBase {

    static final LocalDate AS_OF = LocalDate.of(2024, 12, 31);
    static Dataset<Row> employees;
    static Dataset<Row> matches;
    static Dataset<Row> meetings;
    static Dataset<Row> participants;
    static Dataset<Row> jobEvents;
    static Map<String, Row> withEvents;
    static Map<String, Row> withSnapshot;

    static Row event(String id, String day, String type, String level, String department) {
        return RowFactory.create(id, d(day), type, level, department, null);
    }

    @BeforeAll
    static void build() {
        employees = SilverFixtures.df(
                spark,
                List.of(
                        employee("a1", "2022-01-01", null, null, "Eng", "L3", 100.0, 3.0),
                        employee("a2", "2022-01-01", "2024-03-14", "voluntary", "Eng", "L2", 100.0, 3.0),
                        employee("k1", "2022-01-01", null, null, "Eng", "L2", 90.0, 3.0),
                        employee("k2", "2022-01-01", null, null, "Eng", "L3", 90.0, 3.0),
                        employee("k3", "2022-01-01", null, null, "Eng", "L2", 90.0, 3.0),
                        employee("r1", "2010-01-01", null, null, "Ops", "L5", 200.0, 4.0)),
                SilverFixtures.EMPLOYEES);
        jobEvents = SilverFixtures.df(
                spark,
                List.of(
                        event("a1", "2022-01-01", "hire", "L2", "Eng"),
                        event("a1", "2024-09-01", "promotion", "L3", "Eng"),
                        event("a2", "2022-01-01", "hire", "L2", "Eng"),
                        event("a2", "2024-03-14", "termination", "L2", "Eng"),
                        event("k1", "2022-01-01", "hire", "L2", "Eng"),
                        event("k2", "2022-01-01", "hire", "L2", "Eng"),
                        event("k2", "2024-05-01", "promotion", "L3", "Eng"),
                        event("k3", "2022-01-01", "hire", "L2", "HR"),
                        event("k3", "2024-04-01", "transfer", "L2", "Eng"),
                        event("r1", "2010-01-01", "hire", "L5", "Ops")),
                SilverFixtures.JOB_EVENTS);
        matches = SilverFixtures.df(
                spark,
                List.of(match("M1", "P1", "r1", "a1", "2024-03-04"), match("M2", "P1", "r1", "a2", "2024-03-06")),
                SilverFixtures.MATCHES);
        meetings = SilverFixtures.df(
                spark,
                List.of(
                        meeting("x", "M1", "2024-03-11", "no_show", null),
                        meeting("y", "M1", "2024-03-18", "held", 45)),
                SilverFixtures.MEETINGS);
        participants = SilverFixtures.df(spark, List.of(), SilverFixtures.PARTICIPANTS);
        withEvents =
                byKey(CohortMatcher.build(matches, meetings, participants, employees, Optional.of(jobEvents), AS_OF));
        withSnapshot = byKey(CohortMatcher.build(matches, meetings, participants, employees, AS_OF));
    }

    private static Map<String, Row> byKey(Dataset<Row> cohort) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : cohort.filter(col("program_id").equalTo("P1")).collectAsList()) {
            out.put(r.getAs("method") + "/" + r.getAs("cohort") + "/" + r.getAs("employee_id"), r);
        }
        return out;
    }

    private static Set<String> ids(Map<String, Row> rows, String prefix) {
        Set<String> out = new TreeSet<>();
        rows.keySet().stream().filter(k -> k.startsWith(prefix)).forEach(k -> out.add(k.substring(prefix.length())));
        return out;
    }

    private static double num(Map<String, Row> rows, String key, String c) {
        return ((Number) rows.get(key).getAs(c)).doubleValue();
    }

    @Test
    void indexDateIsTheFirstHeldMeeting() {
        assertEquals(
                java.sql.Date.valueOf("2024-03-18"),
                withEvents.get("matched/mentee/a1").getAs("index_date"));
        assertEquals(
                java.sql.Date.valueOf("2024-03-18"),
                withEvents.get("naive/mentee/a1").getAs("index_date"));
        assertEquals(
                java.sql.Date.valueOf("2024-03-18"),
                withEvents.get("matched/comparison/k1").getAs("index_date"));
        // Still employed: 2024-03-18 to 2024-12-31 is 288 days.
        assertEquals(288.0, num(withEvents, "matched/mentee/a1", "time_days"));
    }

    @Test
    void aMenteeWhoLeavesBeforeTheFirstMeetingIsOnlyInTheIntentionToTreatArm() {
        assertEquals(Set.of("a1"), ids(withEvents, "matched/mentee/"));
        assertFalse(withEvents.containsKey("naive/mentee/a2"));
        assertEquals(Set.of("a1", "a2"), ids(withEvents, "matched_itt/mentee/"));
        Row a2 = withEvents.get("matched_itt/mentee/a2");
        assertEquals(java.sql.Date.valueOf("2024-03-06"), a2.getAs("index_date"));
        // Left 2024-03-14: a voluntary exit 8 days after the match.
        assertEquals(8.0, num(withEvents, "matched_itt/mentee/a2", "time_days"));
        assertEquals(1, (int) a2.getAs("event"));
        // ITT cell: a1 03-04 and a2 03-06, lower median 03-04; k1 and k2 weigh 2 mentees / 2 comparators.
        assertEquals(Set.of("k1", "k2"), ids(withEvents, "matched_itt/comparison/"));
        assertEquals(
                java.sql.Date.valueOf("2024-03-04"),
                withEvents.get("matched_itt/comparison/k1").getAs("index_date"));
        assertEquals(1.0, num(withEvents, "matched_itt/comparison/k2", "weight"), 1e-12);
    }

    @Test
    void covariatesAreThoseInForceOnTheIndexDate() {
        // a1 was promoted to L3 after its index: matched on L2, with k1 and k2 (L2 on 03-18; k2 promoted
        // 05-01), not k3 (in HR until 04-01).
        assertEquals("L2", withEvents.get("matched/mentee/a1").getAs("job_level"));
        assertEquals(Set.of("k1", "k2"), ids(withEvents, "matched/comparison/"));
        assertEquals("L2", withEvents.get("matched/comparison/k2").getAs("job_level"));
        assertEquals(0.5, num(withEvents, "matched/comparison/k1", "weight"), 1e-12);
        // The snapshot's current values put a1 in L3, where only k2 (L3 now) is.
        assertEquals("L3", withSnapshot.get("matched/mentee/a1").getAs("job_level"));
        assertEquals(Set.of("k2"), ids(withSnapshot, "matched/comparison/"));
        assertEquals(1.0, num(withSnapshot, "matched/comparison/k2", "weight"), 1e-12);
    }

    @Test
    void spellsCarryValuesOnAndFallBackToTheSnapshotBeforeTheFirstEvent() {
        // z: snapshot Eng L9; events from 2020: hire HR L1, transfer to Eng (level not given),
        // promotion to L2 (department not given) and a same-day transfer to Ops.
        Dataset<Row> emp = SilverFixtures.df(
                spark,
                List.of(
                        employee("z", "2020-01-01", null, null, "Eng", "L9", 1.0, 1.0),
                        employee("w", "2020-01-01", null, null, "Sales", "L4", 1.0, 1.0)),
                SilverFixtures.EMPLOYEES);
        Dataset<Row> ev = SilverFixtures.df(
                spark,
                List.of(
                        event("z", "2020-01-01", "hire", "L1", "HR"),
                        event("z", "2021-01-01", "transfer", null, "Eng"),
                        event("z", "2022-01-01", "promotion", "L2", null),
                        event("z", "2022-01-01", "transfer", null, "Ops")),
                SilverFixtures.JOB_EVENTS);
        Dataset<Row> spells = CohortBuilder.jobSpells(emp, Optional.of(ev));
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("z/2019-06-01", "Eng/L9"); // before any event: the snapshot
        expected.put("z/2020-01-01", "HR/L1");
        expected.put("z/2021-06-01", "Eng/L1");
        expected.put("z/2022-01-01", "Ops/L2");
        expected.put("z/2026-01-01", "Ops/L2");
        expected.put("w/2023-01-01", "Sales/L4"); // no events at all: the snapshot
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String[] k = e.getKey().split("/");
            List<Row> in = spells.filter(col("employee_id")
                            .equalTo(k[0])
                            .and(CohortBuilder.inForceOn(lit(java.sql.Date.valueOf(k[1])))))
                    .collectAsList();
            assertEquals(1, in.size(), e.getKey());
            assertEquals(
                    e.getValue(),
                    in.get(0).getAs("department") + "/" + in.get(0).getAs("job_level"),
                    e.getKey());
        }
    }

    @Test
    void matchingBalanceSaysWhichSourceWasUsed() {
        Dataset<Row> cohort =
                CohortMatcher.build(matches, meetings, participants, employees, Optional.of(jobEvents), AS_OF);
        Row p1 = MatchingBalance.balance(cohort, 1, AS_OF, CohortBuilder.covariateSource(true))
                .filter(col("program_id").equalTo("P1"))
                .first();
        assertEquals("job_events_at_index", p1.getAs("covariate_source"));
        assertEquals("snapshot_current", p1.getAs("salary_performance_source"));
        assertTrue(p1.<Long>getAs("n_matched_mentees") == 1L);
        assertEquals("snapshot_current", CohortBuilder.covariateSource(false));
    }
}
