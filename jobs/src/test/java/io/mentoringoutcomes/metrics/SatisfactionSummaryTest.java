package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every expected value below is worked by hand in the comments. */
class SatisfactionSummaryTest extends SparkTestBase {

    private static final LocalDate AS_OF = LocalDate.parse("2025-06-30");
    private static Dataset<Row> cohorts;
    private static Dataset<Row> surveys;
    private static Dataset<Row> meetings;
    private static Dataset<Row> matches;

    @BeforeAll
    static void frames() {
        // Three mentees; comparators weigh 0.75 + 0.75 + 1.5 = 3, as many as the mentees; c4 has no post response.
        cohorts = spark.sql(
                "SELECT * FROM VALUES "
                        + "('P1','mentee','matched','a1',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','mentee','matched','a2',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','mentee','matched','a3',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','c1',DATE'2024-01-01',0.75,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','c2',DATE'2024-01-01',0.75,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','c3',DATE'2024-01-01',1.5,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','c4',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0)"
                        + " AS t(program_id, cohort, method, employee_id, index_date, weight, department, job_level, tenure_band, index_month, time_days)");
        surveys = spark.sql(
                "SELECT * FROM VALUES "
                        // a1: 2022 response is outside the year before; pre = last = 3.0; Feb 2024 is inside 3 months;
                        // post = (4+5)/2
                        + "('r01','a1',DATE'2022-06-01','engagement',5.0,CAST(NULL AS INT),CAST(NULL AS STRING),CAST(NULL AS DOUBLE)),"
                        + "('r02','a1',DATE'2023-03-01','engagement',2.0,NULL,NULL,NULL),"
                        + "('r03','a1',DATE'2023-10-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r04','a1',DATE'2024-02-01','engagement',1.0,NULL,NULL,NULL),"
                        + "('r05','a1',DATE'2024-05-01','engagement',4.0,2,NULL,NULL),"
                        + "('r06','a1',DATE'2024-12-01','engagement',5.0,10,NULL,NULL),"
                        + "('r07','a2',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r08','a2',DATE'2024-06-01','engagement',3.5,9,NULL,NULL),"
                        + "('r09','a3',DATE'2023-06-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r10','a3',DATE'2024-07-01','engagement',4.0,5,NULL,NULL),"
                        + "('r11','c1',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r12','c1',DATE'2024-06-01','engagement',3.5,NULL,NULL,NULL),"
                        + "('r13','c2',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r14','c2',DATE'2024-06-01','engagement',2.5,NULL,NULL,NULL),"
                        + "('r15','c3',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r16','c3',DATE'2024-06-01','engagement',3.5,NULL,NULL,NULL),"
                        + "('r17','c4',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('r18','a1',DATE'2024-03-01','program',NULL,NULL,'P1',4.0),"
                        + "('r19','a1',DATE'2024-09-01','program',NULL,NULL,'P1',5.0),"
                        + "('r20','a2',DATE'2024-03-01','program',NULL,NULL,'P1',3.0),"
                        + "('r21','a3',DATE'2024-03-01','program',NULL,NULL,'P1',4.0)"
                        + " AS t(response_id, employee_id, survey_date, survey_type, engagement_score, enps, program_id, relationship_satisfaction)");
        matches = spark.sql("SELECT * FROM VALUES ('m1','P1','a1',DATE'2024-01-01'),('m2','P1','a2',DATE'2024-01-01'),"
                + "('m3','P1','a3',DATE'2024-01-01') AS t(match_id, program_id, mentee_id, matched_date)");
        StringBuilder m = new StringBuilder("SELECT * FROM VALUES ");
        int[] m1 = {4, 5, 6, 7, 8, 9};
        int[] m2 = {6, 6, 6, 8, 7, 9};
        for (int i = 0; i < 6; i++) {
            m.append(String.format("('m1-%d','m1',TIMESTAMP'2024-0%d-10 10:00:00','held',%d),", i, i + 1, m1[i]));
            m.append(String.format("('m2-%d','m2',TIMESTAMP'2024-0%d-10 10:00:00','held',%d),", i, i + 1, m2[i]));
        }
        m.append("('m2-x','m2',TIMESTAMP'2024-08-10 10:00:00','cancelled',NULL),");
        m.append(
                "('m3-0','m3',TIMESTAMP'2024-01-10 10:00:00','held',5),('m3-1','m3',TIMESTAMP'2024-02-10 10:00:00','held',7)");
        meetings = spark.sql(m + " AS t(meeting_id, match_id, scheduled_at, status, action_rating)");
    }

    private static Row row(Dataset<Row> table, String program, String metric, String cohort) {
        return table.where(col("program_id")
                        .equalTo(program)
                        .and(col("metric").equalTo(metric))
                        .and(col("cohort").equalTo(cohort)))
                .head();
    }

    private static double d(Row r, String c) {
        return r.<Double>getAs(c);
    }

    @Test
    void engagementDifferenceInDifferences() {
        Dataset<Row> t = SatisfactionSummary.compute(cohorts, Optional.of(surveys), meetings, matches, AS_OF, 1);
        Row r = row(t, "P1", "engagement_did", "mentee");
        // Mentee changes 1.5, 0.5, 1.0: mean 1, sd 0.5, se 0.288675, CI 1 +- 0.565792.
        assertEquals(3L, r.<Long>getAs("n_employees"));
        assertEquals(1.0, d(r, "value"), 1e-9);
        assertArrayEquals(new double[] {0.434208, 1.565792}, new double[] {d(r, "ci_low"), d(r, "ci_high")}, 1e-6);
        // Comparators (w, change): (0.75, 0.5), (0.75, -0.5), (1.5, 0.5); c4 has no post response.
        // Weighted mean 0.75/3 = 0.25. Each comparator's u = w (x - 0.25) / 3: 0.0625, -0.1875, 0.125;
        // sum of squares 0.0546875, times G/(G-1) = 3/2: se^2 = 0.08203125.
        assertEquals(3L, r.<Long>getAs("comparison_n_employees"));
        assertEquals(0.25, d(r, "comparison_value"), 1e-9);
        // DiD 0.75, se sqrt(0.083333 + 0.082031) = 0.406650, half-width 0.797020.
        assertEquals(0.75, d(r, "difference"), 1e-9);
        assertArrayEquals(
                new double[] {-0.047020, 1.547020},
                new double[] {d(r, "difference_ci_low"), d(r, "difference_ci_high")},
                1e-6);
        assertFalse(r.<Boolean>getAs("suppressed"));
    }

    @Test
    void enpsFromLatestAnswerInTheWindow() {
        Dataset<Row> t = SatisfactionSummary.compute(cohorts, Optional.of(surveys), meetings, matches, AS_OF, 1);
        Row r = row(t, "P1", "enps", "mentee");
        // a1's latest is 10 (not the earlier 2), a2 9, a3 5: scores +1, +1, -1 -> 100/3.
        // sd of scores: sqrt((4/9+4/9+16/9)/2) = 1.154701, se 0.666667, half-width 130.6643; upper clamped at 100.
        assertEquals(100.0 / 3, d(r, "value"), 1e-9);
        assertEquals(-97.3310, d(r, "ci_low"), 1e-4);
        assertEquals(100.0, d(r, "ci_high"), 1e-9);
        assertTrue(r.isNullAt(r.fieldIndex("comparison_value")), "no comparator answered eNPS");
    }

    @Test
    void relationshipSatisfactionPerRespondent() {
        Dataset<Row> t = SatisfactionSummary.compute(cohorts, Optional.of(surveys), meetings, matches, AS_OF, 1);
        for (String program : List.of("P1", "ALL")) {
            Row r = row(t, program, "relationship_satisfaction", "respondents");
            // Respondent means 4.5, 3, 4: mean 3.833333, sd 0.763763, se 0.440959, half-width 0.864264.
            assertEquals(3L, r.<Long>getAs("n_employees"));
            assertEquals(23.0 / 6, d(r, "value"), 1e-9);
            assertArrayEquals(new double[] {2.969070, 4.697597}, new double[] {d(r, "ci_low"), d(r, "ci_high")}, 1e-6);
        }
    }

    @Test
    void actionRatings() {
        Dataset<Row> t = SatisfactionSummary.compute(cohorts, Optional.of(surveys), meetings, matches, AS_OF, 1);
        // Match means 6.5, 7.0, 6.0: mean 6.5, sd 0.5, half-width 0.565792.
        Row mean = row(t, "P1", "action_rating_mean", "mentee");
        assertEquals(6.5, d(mean, "value"), 1e-9);
        assertArrayEquals(
                new double[] {5.934208, 7.065792}, new double[] {d(mean, "ci_low"), d(mean, "ci_high")}, 1e-6);
        // m1 first3 5, last3 8; m2 first3 6, last3 8; m3 has only 2 ratings.
        // difference: changes 3 and 2, mean 2.5, sd 0.707107, se 0.5, half-width 0.979982.
        Row fl = row(t, "ALL", "action_rating_first3_vs_last3", "mentee");
        assertEquals(2L, fl.<Long>getAs("n_employees"));
        assertEquals(8.0, d(fl, "value"), 1e-9);
        assertEquals(5.5, d(fl, "comparison_value"), 1e-9);
        assertEquals(2.5, d(fl, "difference"), 1e-9);
        assertArrayEquals(
                new double[] {1.520018, 3.479982},
                new double[] {d(fl, "difference_ci_low"), d(fl, "difference_ci_high")},
                1e-6);
    }

    @Test
    void suppressionAndAbsentSurveys() {
        Dataset<Row> t = SatisfactionSummary.compute(cohorts, Optional.empty(), meetings, matches, AS_OF, 3);
        assertEquals(
                List.of(
                        "program_id",
                        "metric",
                        "cohort",
                        "method",
                        "n_employees",
                        "value",
                        "ci_low",
                        "ci_high",
                        "comparison_n_employees",
                        "comparison_value",
                        "difference",
                        "difference_ci_low",
                        "difference_ci_high",
                        "suppressed",
                        "as_of",
                        "note"),
                List.of(t.columns()));
        Row did = t.where(col("metric").equalTo("engagement_did")).head();
        assertEquals(SatisfactionSummary.SURVEYS_ABSENT, did.getAs("note"));
        assertTrue(did.isNullAt(did.fieldIndex("value")));
        Row mean = row(t, "P1", "action_rating_mean", "mentee");
        assertFalse(mean.<Boolean>getAs("suppressed"), "3 mentees meet a minimum of 3");
        Row fl = row(t, "P1", "action_rating_first3_vs_last3", "mentee");
        assertTrue(fl.<Boolean>getAs("suppressed"), "2 mentees do not");
        assertTrue(fl.isNullAt(fl.fieldIndex("difference")));
    }

    /**
     * Index 2024-01-01 for everyone; post window 2024-04-01..2025-04-01.
     * Cell (Eng, L2): mentees x1 (3 -> 4: +1.0), x2 (3 -> 3.5: +0.5) and w1, whose first match
     * (2023-11-01, never met) precedes the one that is their time zero: w1's pre is the 2.0 of
     * 2023-06-01, not the 4.0 given on 2023-12-01 after that first match, so +2.5 (not +0.5).
     * Comparators y1, y2, y3 with ATT weight 2/3 each; y2 never answers. y3 became a mentee on
     * 2024-08-01 (time_days 213): pre 3, post answers 3.0 on 2024-05-01 (kept) and 5.0 on 2024-09-01
     * (given as a mentee: dropped), so y3's change is 0, not (3 + 5)/2 − 3 = 1. Re-balanced among
     * respondents, y1 and y3 carry the cell's 3 responding mentees: 2/3 x 3 / (4/3) = 1.5 each.
     * Cell (Eng, L3): mentee z1 (+2.0) whose only comparator q1 never answers: z1 has no
     * counterfactual and is left out. Cell (Ops, L2): comparator q2 (−2.0) whose mentee z2 never
     * answers: q2 is left out.
     * Mentees: +1.0, +0.5, +2.5 -> mean 4/3, sd 1.040833, se 0.600925; comparators 0, 0 -> 0, se 0.
     * DiD 4/3, CI 4/3 ± 1.959964 x 0.600925 = [0.155542, 2.511125].
     * (Without the fixes: mentees (1 + 0.5 + 0.5 + 2)/4 = 1.0, comparators
     * (2/3 x 0 + 2/3 x 1 + 1 x (−2)) / (7/3) = −0.5714, DiD 1.571.)
     */
    @Test
    void didDropsAnswersGivenAsAMenteeAndRebalancesCellsAmongRespondents() {
        Dataset<Row> frame = spark.sql(
                "SELECT * FROM VALUES "
                        + "('P1','mentee','matched','x1',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','mentee','matched','x2',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','mentee','matched','w1',DATE'2024-01-01',1.0,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','y1',DATE'2024-01-01',0.6666666666666666,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','y2',DATE'2024-01-01',0.6666666666666666,'Eng','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','y3',DATE'2024-01-01',0.6666666666666666,'Eng','L2','1-3','2024-01',213.0),"
                        + "('P1','mentee','matched','z1',DATE'2024-01-01',1.0,'Eng','L3','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','q1',DATE'2024-01-01',1.0,'Eng','L3','1-3','2024-01',546.0),"
                        + "('P1','mentee','matched','z2',DATE'2024-01-01',1.0,'Ops','L2','1-3','2024-01',546.0),"
                        + "('P1','comparison','matched','q2',DATE'2024-01-01',1.0,'Ops','L2','1-3','2024-01',546.0)"
                        + " AS t(program_id, cohort, method, employee_id, index_date, weight, department, job_level, tenure_band, index_month, time_days)");
        Dataset<Row> answers = spark.sql(
                "SELECT * FROM VALUES "
                        + "('s01','x1',DATE'2023-12-01','engagement',3.0,CAST(NULL AS INT),CAST(NULL AS STRING),CAST(NULL AS DOUBLE)),"
                        + "('s02','x1',DATE'2024-06-01','engagement',4.0,NULL,NULL,NULL),"
                        + "('s03','x2',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s04','x2',DATE'2024-06-01','engagement',3.5,NULL,NULL,NULL),"
                        + "('s14','w1',DATE'2023-06-01','engagement',2.0,NULL,NULL,NULL),"
                        + "('s15','w1',DATE'2023-12-01','engagement',4.0,NULL,NULL,NULL),"
                        + "('s16','w1',DATE'2024-06-01','engagement',4.5,NULL,NULL,NULL),"
                        + "('s05','y1',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s06','y1',DATE'2024-06-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s07','y3',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s08','y3',DATE'2024-05-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s09','y3',DATE'2024-09-01','engagement',5.0,NULL,NULL,NULL),"
                        + "('s10','z1',DATE'2023-12-01','engagement',2.0,NULL,NULL,NULL),"
                        + "('s11','z1',DATE'2024-06-01','engagement',4.0,NULL,NULL,NULL),"
                        + "('s12','q2',DATE'2023-12-01','engagement',3.0,NULL,NULL,NULL),"
                        + "('s13','q2',DATE'2024-06-01','engagement',1.0,NULL,NULL,NULL)"
                        + " AS t(response_id, employee_id, survey_date, survey_type, engagement_score, enps, program_id, relationship_satisfaction)");
        // w1's first match (2023-11-01, never met) comes before the one that is their time zero.
        Dataset<Row> firstMatches = spark.sql("SELECT * FROM VALUES ('w1', DATE'2023-11-01'), ('w1', DATE'2024-01-01'),"
                + " ('x1', DATE'2024-01-01'), ('x2', DATE'2024-01-01'), ('z1', DATE'2024-01-01'), ('z2', DATE'2024-01-01'),"
                + " ('y3', DATE'2024-08-01') AS t(mentee_id, matched_date)");
        Row r = SatisfactionSummary.engagementDid(
                        SatisfactionSummary.answersAroundIndex(frame, answers, firstMatches, AS_OF))
                .where(col("cohort").equalTo("mentee"))
                .head();
        assertEquals(3L, r.<Long>getAs("n_employees"));
        assertEquals(4.0 / 3, d(r, "value"), 1e-12);
        assertEquals(2L, r.<Long>getAs("comparison_n_employees"));
        assertEquals(0.0, d(r, "comparison_value"), 1e-12);
        assertEquals(4.0 / 3, d(r, "difference"), 1e-12);
        assertArrayEquals(
                new double[] {0.155542, 2.511125},
                new double[] {d(r, "difference_ci_low"), d(r, "difference_ci_high")},
                1e-6);
    }

    /**
     * The weighted mean's standard error equals R's survey package on data the test writes: 30
     * employees per arm, a third of them in two or three matching cells (rows) with different ATT
     * weights, as comparators are. {@code svymean(~x, svydesign(ids = ~employee_id, weights =
     * ~weight))} is the reference; a row-level (unclustered) or Kish-style error would differ.
     */
    @Test
    void weightedMeanErrorIsClusteredOnTheEmployeeAsRsSurveyComputesIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.util.Random random = new java.util.Random(20261129);
        List<List<Object>> rows = new java.util.ArrayList<>();
        for (String cohort : List.of("mentee", "comparison")) {
            for (int e = 0; e < 30; e++) {
                int cells = e % 3 == 0 ? 1 + random.nextInt(3) : 1;
                double level = random.nextGaussian();
                for (int c = 0; c < cells; c++) {
                    double weight = cohort.equals("mentee") ? 1.0 : 0.2 + 2.8 * random.nextDouble();
                    rows.add(List.of(
                            "P1", cohort, "matched", cohort + "-" + e, weight, level + 0.5 * random.nextGaussian()));
                }
            }
        }
        io.mentoringoutcomes.reference.RReference.writeCsv(
                dir, "rows.csv", List.of("program_id", "cohort", "method", "employee_id", "weight", "x"), rows);
        java.util.Map<String, Double> r = io.mentoringoutcomes.reference.RReference.run(
                dir,
                "suppressMessages(library(survey))\n"
                        + "d <- read.csv('rows.csv')\n"
                        + "for (arm in c('mentee', 'comparison')) {\n"
                        + "  s <- svymean(~x, svydesign(ids = ~employee_id, weights = ~weight, data = d[d$cohort == arm, ]))\n"
                        + "  cat(paste0('mean:', arm, ',', format(coef(s)[[1]], digits = 15), '\\n'))\n"
                        + "  cat(paste0('se:', arm, ',', format(SE(s)[[1]], digits = 15), '\\n'))\n"
                        + "}\n");
        Dataset<Row> frame = spark.createDataFrame(
                rows.stream()
                        .map(l -> org.apache.spark.sql.RowFactory.create(l.toArray()))
                        .toList(),
                org.apache.spark.sql.types.StructType.fromDDL(
                        "program_id STRING, cohort STRING, method STRING, employee_id STRING, weight DOUBLE, x DOUBLE"));
        for (Row s : SatisfactionSummary.weightedStats(frame).collectAsList()) {
            String arm = s.getAs("cohort");
            assertEquals(30L, s.<Long>getAs("n"), arm);
            assertEquals(r.get("mean:" + arm), d(s, "mean"), 1e-12, arm);
            assertEquals(r.get("se:" + arm), d(s, "se"), 1e-12, arm);
        }
    }
}
