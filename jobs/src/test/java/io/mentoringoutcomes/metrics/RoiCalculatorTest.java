package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.SilverFixtures.d;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.MetricsConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RoiCalculatorTest extends SparkTestBase {

    /** A cohort-frame row: only program, cohort, method, employee, index date and salary matter to ROI. */
    private static Row cohortRow(String program, String method, String id, String index, double salary) {
        return RowFactory.create(
                program,
                "mentee",
                method,
                id,
                Date.valueOf(index),
                1.0,
                400.0,
                0,
                0,
                2.0,
                "1-3",
                "Eng",
                "L2",
                index.substring(0, 7),
                salary,
                3.0);
    }

    /** retention_summary's matched differences, as the ROI reads them. */
    private static Dataset<Row> differences(Row... rows) {
        StructType rs = new StructType()
                .add("program_id", DataTypes.StringType)
                .add("cohort", DataTypes.StringType)
                .add("method", DataTypes.StringType)
                .add("horizon_months", DataTypes.IntegerType)
                .add("difference", DataTypes.DoubleType)
                .add("difference_ci_low", DataTypes.DoubleType)
                .add("difference_ci_high", DataTypes.DoubleType);
        return spark.createDataFrame(List.of(rows), rs);
    }

    /**
     * As-of 2025-03-15, horizon 12 months, window 12 months: window_end = 2024-03-01 (the first of
     * the month holding 2024-03-15), window_start = 2023-03-01; the window has 366 days (29 Feb 2024).
     *
     * <p>Programs: P runs since 2021-07-01 (open-ended), 12 000 a year: it covers the whole window,
     * 12 000 x 366/366 = 12 000. Q runs 2023-09-01 to 2026-08-31 (three years), 36 600 a year: it
     * overlaps the window from 2023-09-01 to 2024-02-29, 30+31+30+31+31+29 = 182 days, so
     * 36 600 x 182/366 = 18 200 (not its three years, 109 800, nor a full year, 36 600). ALL: 30 200.
     *
     * <p>ROI cohort (matched mentees with time zero in the window): a in P (time zero 2023-06-10) and b in Q
     * (2023-10-05). Excluded: c, matched in P on 2024-06-10 (less than 12 months before as-of), from
     * cost and benefit; u, a P mentee in the window without a comparator cell (naive rows only).
     *
     * <p>The fixed cost pays for every window mentee, the benefit counts the cohort only, so the cohort
     * pays its share (k = 1 here, so one unmatched mentee is enough to prorate): P's window mentees are
     * a and u, 1 of 2 in the cohort -> 12 000 x 1/2 = 6 000; Q's only b -> 18 200 x 1; ALL's a, b, u
     * -> 30 200 x 2/3 = 20 133.33.
     *
     * <p>Loaded hourly cost = salary x 1.25 / 2080. P: mentor r 104 000 + mentee a 52 000 = 156 000
     * -> 93.75 an hour; a's held meetings within 12 months of 2023-06-10: 60 + 90 minutes = 2.5 h
     * (the cancelled one is not held, the one on 2024-06-20 is after 365.25 days) -> 234.375.
     * Q: mentor s 62 400 + mentee b 41 600 = 104 000 -> 62.5 an hour; 120 + 30 minutes = 2.5 h -> 156.25.
     * Totals: P 6 234.375, Q 18 356.25, ALL 20 523.958 (5 hours, 390.625 + 20 133.33).
     *
     * <p>Benefit at ratio 0.5: P: 0.10 avoided per mentee x 1 cohort mentee = 0.1 departures x
     * (0.5 x 52 000 = 26 000) = 2 600; ALL: 0.12 x 2 = 0.24 x (0.5 x mean(52 000, 41 600) = 23 400) = 5 616.
     */
    @Test
    void oneCohortOneWindowByHand() {
        LocalDate asOf = LocalDate.of(2025, 3, 15);
        Dataset<Row> programs = SilverFixtures.df(
                spark,
                List.of(
                        RowFactory.create("P", "Mentoring", "other", "formal", d("2021-07-01"), null, 30, 12000.0),
                        RowFactory.create(
                                "Q", "Leaders", "other", "formal", d("2023-09-01"), d("2026-08-31"), 30, 36600.0)),
                SilverFixtures.PROGRAMS);
        Dataset<Row> employees = SilverFixtures.df(
                spark,
                List.of(
                        employee("r", "2010-01-01", null, null, "Ops", "L5", 104000.0, 4.0),
                        employee("s", "2012-01-01", null, null, "Ops", "L4", 62400.0, 4.0),
                        employee("a", "2020-01-01", null, null, "Eng", "L2", 52000.0, 3.0),
                        employee("b", "2020-01-01", null, null, "Eng", "L2", 41600.0, 3.0),
                        employee("c", "2020-01-01", null, null, "Eng", "L2", 99999.0, 3.0),
                        employee("u", "2020-01-01", null, null, "Eng", "L2", 77777.0, 3.0)),
                SilverFixtures.EMPLOYEES);
        Dataset<Row> matches = SilverFixtures.df(
                spark,
                List.of(
                        match("M1", "P", "r", "a", "2023-06-01"),
                        match("M2", "Q", "s", "b", "2023-10-01"),
                        match("M3", "P", "r", "c", "2024-06-01"),
                        match("M4", "P", "r", "u", "2023-07-01")),
                SilverFixtures.MATCHES);
        Dataset<Row> meetings = SilverFixtures.df(
                spark,
                List.of(
                        meeting("1", "M1", "2023-06-10", "held", 60),
                        meeting("2", "M1", "2023-08-01", "cancelled", null),
                        meeting("3", "M1", "2023-12-10", "held", 90),
                        meeting("4", "M1", "2024-06-20", "held", 60), // after a's 12 months
                        meeting("5", "M2", "2023-10-05", "held", 120),
                        meeting("6", "M2", "2024-01-05", "held", 30),
                        meeting("7", "M3", "2024-06-10", "held", 600), // c: not in the cohort
                        meeting("8", "M4", "2023-07-01", "held", 600)), // u: not matched
                SilverFixtures.MEETINGS);
        Dataset<Row> cohort = CohortFixtures.frame(
                spark,
                List.of(
                        cohortRow("P", "matched", "a", "2023-06-10", 52000),
                        cohortRow("P", "matched", "c", "2024-06-10", 99999),
                        cohortRow("Q", "matched", "b", "2023-10-05", 41600),
                        cohortRow("ALL", "matched", "a", "2023-06-10", 52000),
                        cohortRow("ALL", "matched", "b", "2023-10-05", 41600),
                        cohortRow("ALL", "matched", "c", "2024-06-10", 99999),
                        cohortRow("P", "naive", "a", "2023-06-10", 52000),
                        cohortRow("P", "naive", "c", "2024-06-10", 99999),
                        cohortRow("P", "naive", "u", "2023-07-01", 77777),
                        cohortRow("Q", "naive", "b", "2023-10-05", 41600),
                        cohortRow("ALL", "naive", "a", "2023-06-10", 52000),
                        cohortRow("ALL", "naive", "b", "2023-10-05", 41600),
                        cohortRow("ALL", "naive", "c", "2024-06-10", 99999),
                        cohortRow("ALL", "naive", "u", "2023-07-01", 77777)));
        Dataset<Row> retention = differences(
                RowFactory.create("P", "mentee", "matched", 12, 0.10, 0.02, 0.18),
                RowFactory.create("P", "mentee", "matched", 6, 0.50, 0.40, 0.60),
                RowFactory.create("Q", "mentee", "matched", 12, 0.20, 0.05, 0.35),
                RowFactory.create("ALL", "mentee", "matched", 12, 0.12, 0.04, 0.20));

        MetricsConfig cfg = MetricsConfig.defaults().withMinGroupSize(1).withDominancePPercent(0);
        Map<String, Row> out = new HashMap<>();
        for (Row r : RoiCalculator.roi(cohort, retention, programs, matches, meetings, employees, cfg, asOf)
                .collectAsList()) {
            out.put(r.getAs("program_id") + "/" + r.getAs("replacement_cost_ratio"), r);
        }
        assertEquals(3 * 4, out.size()); // P, Q, ALL x 4 ratios

        Row p = out.get("P/0.5");
        assertEquals(Date.valueOf("2023-03-01"), p.getAs("window_start"));
        assertEquals(Date.valueOf("2024-03-01"), p.getAs("window_end"));
        assertEquals(12, (int) p.getAs("horizon_months"));
        assertEquals(1L, (long) p.getAs("n_cohort_mentees"));
        assertEquals(1L, (long) p.getAs("n_cohort_mentors"));
        assertEquals(2.5, (double) p.getAs("held_meeting_hours"), 1e-12);
        assertEquals(234.375, (double) p.getAs("participant_time_cost"), 1e-9);
        assertEquals(0.5, (double) p.getAs("fixed_cost_share"), 1e-12);
        assertEquals(6000.0, (double) p.getAs("fixed_cost"), 1e-9);
        double costP = 6234.375;
        assertEquals(costP, (double) p.getAs("total_cost"), 1e-9);
        assertEquals(52000.0, (double) p.getAs("mean_mentee_salary"), 1e-9);
        assertEquals(26000.0, (double) p.getAs("replacement_cost_per_departure"), 1e-9);
        assertEquals(0.1, (double) p.getAs("avoided_departures"), 1e-12);
        assertEquals(2600.0, (double) p.getAs("benefit"), 1e-9);
        assertEquals((2600 - costP) / costP, (double) p.getAs("roi"), 1e-12);
        // The retention difference's robust CI mapped through: ROI is linear in it.
        assertEquals((0.02 * 26000 - costP) / costP, (double) p.getAs("roi_ci_low"), 1e-12);
        assertEquals((0.18 * 26000 - costP) / costP, (double) p.getAs("roi_ci_high"), 1e-12);
        assertEquals(costP / 26000, (double) p.getAs("break_even_retention_uplift"), 1e-12);
        assertEquals("all_matched_mentees", p.getAs("effect_estimated_on"));
        assertFalse((boolean) p.getAs("is_default_assumption"));
        assertTrue((boolean) out.get("P/0.21").getAs("is_default_assumption"));
        assertEquals(0.25, (double) p.getAs("overhead_rate"));
        assertFalse((boolean) p.getAs("suppressed"));

        Row q = out.get("Q/0.5");
        assertEquals(1.0, (double) q.getAs("fixed_cost_share"), 1e-12);
        assertEquals(18200.0, (double) q.getAs("fixed_cost"), 1e-9);
        assertEquals(156.25, (double) q.getAs("participant_time_cost"), 1e-9);
        assertEquals(18356.25, (double) q.getAs("total_cost"), 1e-9);
        // 0.2 x 1 x (0.5 x 41 600 = 20 800) = 4 160.
        assertEquals((4160 - 18356.25) / 18356.25, (double) q.getAs("roi"), 1e-12);

        Row all = out.get("ALL/0.5");
        assertEquals(2L, (long) all.getAs("n_cohort_mentees")); // c excluded
        assertEquals(2L, (long) all.getAs("n_cohort_mentors"));
        assertEquals(5.0, (double) all.getAs("held_meeting_hours"), 1e-12);
        assertEquals(390.625, (double) all.getAs("participant_time_cost"), 1e-9);
        assertEquals(30200.0 * 2 / 3, (double) all.getAs("fixed_cost"), 1e-9);
        double costAll = 390.625 + 30200.0 * 2 / 3;
        assertEquals(costAll, (double) all.getAs("total_cost"), 1e-9);
        assertEquals(46800.0, (double) all.getAs("mean_mentee_salary"), 1e-9);
        assertEquals(0.24, (double) all.getAs("avoided_departures"), 1e-12);
        assertEquals(5616.0, (double) all.getAs("benefit"), 1e-9);
        assertEquals((5616 - costAll) / costAll, (double) all.getAs("roi"), 1e-12);
        assertEquals((0.04 * 2 * 23400 - costAll) / costAll, (double) all.getAs("roi_ci_low"), 1e-12);
    }

    /**
     * The share reveals how many window mentees found no comparator (n / share − n), so it prorates
     * only when that number is at least k. k = 3, as-of 2025-03-15 (window 2023-03-01 to 2024-03-01),
     * fixed cost 12 000 for each program:
     * P: 4 matched of 6 in the window (2 unmatched, under 3) -> share 1, fixed 12 000;
     * Q: 2 matched of 5 (3 unmatched) -> 2/5, fixed 4 800; a Q mentee matched after the window
     * (2024-06-01) counts in neither; R: no mentee at all -> share 1.
     */
    @Test
    void theShareProratesOnlyWhenAtLeastKMenteesAreUnmatched() {
        LocalDate asOf = LocalDate.of(2025, 3, 15);
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(cohortRow("P", "naive", "p" + i, "2023-05-01", 1));
            if (i < 4) {
                rows.add(cohortRow("P", "matched", "p" + i, "2023-05-01", 1));
            }
        }
        for (int i = 0; i < 5; i++) {
            rows.add(cohortRow("Q", "naive", "q" + i, "2023-11-30", 1));
            if (i < 2) {
                rows.add(cohortRow("Q", "matched", "q" + i, "2023-11-30", 1));
            }
        }
        rows.add(cohortRow("Q", "naive", "late", "2024-06-01", 1));
        Dataset<Row> fixed = spark.createDataFrame(
                List.of(
                        RowFactory.create("P", 12000.0),
                        RowFactory.create("Q", 12000.0),
                        RowFactory.create("R", 12000.0)),
                new StructType().add("program_id", DataTypes.StringType).add("fixed_cost", DataTypes.DoubleType));
        MetricsConfig cfg = MetricsConfig.defaults().withMinGroupSize(3);
        Map<String, Row> out = new HashMap<>();
        for (Row r : RoiCalculator.cohortShareOfFixedCost(fixed, CohortFixtures.frame(spark, rows), cfg, asOf)
                .collectAsList()) {
            out.put(r.getAs("program_id"), r);
        }
        assertEquals(1.0, (double) out.get("P").getAs("fixed_cost_share"), 1e-12);
        assertEquals(12000.0, (double) out.get("P").getAs("fixed_cost"), 1e-9);
        assertEquals(0.4, (double) out.get("Q").getAs("fixed_cost_share"), 1e-12);
        assertEquals(4800.0, (double) out.get("Q").getAs("fixed_cost"), 1e-9);
        assertEquals(1.0, (double) out.get("R").getAs("fixed_cost_share"), 1e-12);
        assertEquals(12000.0, (double) out.get("R").getAs("fixed_cost"), 1e-9);
    }

    /** The cost is a sum of salaries: with fewer than k cohort mentees (or mentors) no cost, salary or ROI is shown. */
    @Test
    void aCohortUnderKShowsNoCostOrSalary() {
        LocalDate asOf = LocalDate.of(2025, 3, 15);
        Dataset<Row> programs = SilverFixtures.df(
                spark,
                List.<Row>of(
                        RowFactory.create("P", "Mentoring", "other", "formal", d("2021-07-01"), null, 30, 12000.0)),
                SilverFixtures.PROGRAMS);
        Dataset<Row> employees = SilverFixtures.df(
                spark,
                List.of(
                        employee("r", "2010-01-01", null, null, "Ops", "L5", 104000.0, 4.0),
                        employee("a", "2020-01-01", null, null, "Eng", "L2", 52000.0, 3.0)),
                SilverFixtures.EMPLOYEES);
        Dataset<Row> matches =
                SilverFixtures.df(spark, List.of(match("M1", "P", "r", "a", "2023-06-01")), SilverFixtures.MATCHES);
        Dataset<Row> meetings = SilverFixtures.df(
                spark, List.of(meeting("1", "M1", "2023-06-10", "held", 60)), SilverFixtures.MEETINGS);
        Dataset<Row> cohort = CohortFixtures.frame(spark, List.of(cohortRow("P", "matched", "a", "2023-06-10", 52000)));
        Dataset<Row> retention = differences(RowFactory.create("P", "mentee", "matched", 12, 0.1, 0.0, 0.2));
        Row p = RoiCalculator.roi(
                        cohort,
                        retention,
                        programs,
                        matches,
                        meetings,
                        employees,
                        MetricsConfig.defaults().withMinGroupSize(2),
                        asOf)
                .filter("program_id = 'P'")
                .first();
        assertTrue((boolean) p.getAs("suppressed"));
        for (String c : List.of(
                "held_meeting_hours",
                "participant_time_cost",
                "fixed_cost",
                "total_cost",
                "mean_mentee_salary",
                "benefit",
                "roi")) {
            assertNull(p.getAs(c), c);
        }
        assertEquals(Date.valueOf("2023-03-01"), p.getAs("window_start"));
    }

    /**
     * k = 3. P: three mentees, one paid 1,000,000 beside two of 20,000 (three mentors of 60,000): the mean
     * mentee salary's total less its two largest parts is 20,000, under 10% of 1,000,000, so the mean would
     * give that salary to within 2% (the p% rule, DominanceRule). Q: three mentees of 50,000 with three mentors
     * of 60,000, an hour each: no one dominates salaries or time costs. Only P is suppressed, though both pass k.
     */
    @Test
    void aSalaryThatDominatesItsTotalHidesTheRowThoughTheGroupPassesK() {
        LocalDate asOf = LocalDate.of(2025, 3, 15);
        Dataset<Row> programs = SilverFixtures.df(
                spark,
                List.of(
                        RowFactory.create("P", "Mentoring", "other", "formal", d("2021-07-01"), null, 30, 0.0),
                        RowFactory.create("Q", "Leaders", "other", "formal", d("2021-07-01"), null, 30, 0.0)),
                SilverFixtures.PROGRAMS);
        List<Row> people = new java.util.ArrayList<>();
        List<Row> matchRows = new java.util.ArrayList<>();
        List<Row> meetingRows = new java.util.ArrayList<>();
        List<Row> cohortRows = new java.util.ArrayList<>();
        double[][] salaries = {{1_000_000, 20_000, 20_000}, {50_000, 50_000, 50_000}};
        String[] prog = {"P", "Q"};
        for (int g = 0; g < 2; g++) {
            for (int i = 0; i < 3; i++) {
                String mentor = prog[g] + "r" + i;
                String mentee = prog[g] + "m" + i;
                people.add(employee(mentor, "2010-01-01", null, null, "Ops", "L5", 60000.0, 4.0));
                people.add(employee(mentee, "2020-01-01", null, null, "Eng", "L2", salaries[g][i], 3.0));
                matchRows.add(match(prog[g] + "M" + i, prog[g], mentor, mentee, "2023-06-01"));
                meetingRows.add(meeting(prog[g] + i, prog[g] + "M" + i, "2023-06-10", "held", 60));
                cohortRows.add(cohortRow(prog[g], "matched", mentee, "2023-06-10", salaries[g][i]));
            }
        }
        Dataset<Row> retention = differences(
                RowFactory.create("P", "mentee", "matched", 12, 0.1, 0.0, 0.2),
                RowFactory.create("Q", "mentee", "matched", 12, 0.1, 0.0, 0.2));
        java.util.function.DoubleFunction<Map<String, Row>> roiAtP = pPercent -> {
            Map<String, Row> byProgram = new HashMap<>();
            RoiCalculator.roi(
                            CohortFixtures.frame(spark, cohortRows),
                            retention,
                            programs,
                            SilverFixtures.df(spark, matchRows, SilverFixtures.MATCHES),
                            SilverFixtures.df(spark, meetingRows, SilverFixtures.MEETINGS),
                            SilverFixtures.df(spark, people, SilverFixtures.EMPLOYEES),
                            MetricsConfig.defaults().withMinGroupSize(3).withDominancePPercent(pPercent),
                            asOf)
                    .filter("replacement_cost_ratio = 0.5")
                    .collectAsList()
                    .forEach(r -> byProgram.put(r.getAs("program_id"), r));
            return byProgram;
        };
        Map<String, Row> out = roiAtP.apply(MetricsConfig.DEFAULT_DOMINANCE_P_PERCENT);
        Row p = out.get("P");
        assertEquals(3L, (long) p.getAs("n_cohort_mentees"));
        assertTrue((boolean) p.getAs("suppressed"), "the 1,000,000 salary dominates P's total");
        assertNull(p.getAs("mean_mentee_salary"));
        assertNull(p.getAs("participant_time_cost"));
        Row q = out.get("Q");
        assertFalse((boolean) q.getAs("suppressed"));
        assertEquals(50_000.0, (double) q.getAs("mean_mentee_salary"), 1e-9);
        // Three hours at (60,000 + 50,000) x 1.25 / 2080 an hour.
        assertEquals(3 * 110_000 * 1.25 / 2080, (double) q.getAs("participant_time_cost"), 1e-9);

        // p is the setting: at p = 1 the rest of P's salaries (20,000) exceed 1% of 1,000,000, and the rest of
        // its time costs (mentors' 3 x 60,000 and the mentees' 40,000 of salary, less the largest two) too.
        Row shown = roiAtP.apply(1).get("P");
        assertFalse((boolean) shown.getAs("suppressed"), "at p = 1 no one dominates P");
        assertEquals(1_040_000.0 / 3, (double) shown.getAs("mean_mentee_salary"), 1e-6);
    }
}
