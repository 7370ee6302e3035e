package io.mentoringoutcomes.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disclosure-control step on real Spark frames and Delta tables: two consecutive nights that
 * differ by one exit, read as an adversary would, and the admin-audience table leaving staging.
 */
class DisclosureControlTest extends SparkTestBase {

    private static final int K = 10;
    private static final StructType RETENTION = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("cohort", DataTypes.StringType)
            .add("method", DataTypes.StringType)
            .add("horizon_months", DataTypes.IntegerType)
            .add("n_employees", DataTypes.LongType)
            .add("n_events", DataTypes.LongType)
            .add("retention", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType)
            .add("as_of", DataTypes.DateType);

    private static Dataset<Row> night(String asOf, long[][] nAndEvents) {
        String[] programs = {"ALL", "P1", "P2"};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < programs.length; i++) {
            long n = nAndEvents[i][0];
            long e = nAndEvents[i][1];
            rows.add(RowFactory.create(
                    programs[i], "mentee", "naive", 12, n, e, 1.0 - (double) e / n, false, Date.valueOf(asOf)));
        }
        return spark.createDataFrame(rows, RETENTION);
    }

    private static Map<String, long[]> published(Dataset<Row> df) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Row r : df.collectAsList()) {
            out.put(
                    r.getAs("program_id"),
                    r.isNullAt(r.fieldIndex("n_events"))
                            ? null
                            : new long[] {r.<Long>getAs("n_employees"), r.<Long>getAs("n_events")});
        }
        return out;
    }

    @Test
    void twoNightsDifferingByOneExitShowNoDifferenceUntilTheChangeReachesK() {
        // Night 1: ALL = P1 + P2 (75 = 35 + 40 mentees; 22 = 12 + 10 exits). Everything is shown.
        Dataset<Row> n1 = night("2026-10-30", new long[][] {{75, 22}, {35, 12}, {40, 10}});
        Dataset<Row> g1 = DisclosureControl.protect(
                        Map.of("retention_summary", n1), Map.of(), ReleaseRules.standard(), K, s -> {})
                .get("retention_summary");
        // Night 2: one more exit in P2 (so in ALL). A reader diffing the nights would learn it.
        Dataset<Row> n2 = night("2026-10-31", new long[][] {{75, 23}, {35, 12}, {40, 11}});
        Dataset<Row> g2 = DisclosureControl.protect(
                        Map.of("retention_summary", n2),
                        Map.of("retention_summary", g1),
                        ReleaseRules.standard(),
                        K,
                        s -> {})
                .get("retention_summary");

        // The adversary: every shown count, night 2 minus night 1, and ALL − Σ programs on each night.
        Map<String, long[]> a = published(g1);
        Map<String, long[]> b = published(g2);
        for (String p : a.keySet()) {
            if (a.get(p) != null && b.get(p) != null) {
                for (int c = 0; c < 2; c++) {
                    long change = Math.abs(b.get(p)[c] - a.get(p)[c]);
                    assertFalse(change > 0 && change < K, p + " moved by " + change + " between the nights");
                }
            }
        }
        // Held rows carry last night's figures, rates included, and tonight's as_of.
        Row p2 = g2.filter("program_id = 'P2'").first();
        assertEquals(10L, (long) p2.<Long>getAs("n_events"));
        assertEquals(1.0 - 10.0 / 40, p2.<Double>getAs("retention"), 1e-12);
        assertEquals(Date.valueOf("2026-10-31"), p2.getAs("as_of"));
        assertEquals(
                List.of(),
                DisclosureAudit.violations(
                        Map.of("retention_summary", DisclosureControl.maps(g2)), ReleaseRules.standard(), K));

        // Night 3: ten more exits in P2 since what was shown: the figures move, by at least k.
        Dataset<Row> n3 = night("2026-11-01", new long[][] {{75, 33}, {35, 12}, {40, 21}});
        Dataset<Row> g3 = DisclosureControl.protect(
                        Map.of("retention_summary", n3),
                        Map.of("retention_summary", g2),
                        ReleaseRules.standard(),
                        K,
                        s -> {})
                .get("retention_summary");
        assertEquals(21L, (long) g3.filter("program_id = 'P2'").first().<Long>getAs("n_events"));
        assertEquals(33L, (long) g3.filter("program_id = 'ALL'").first().<Long>getAs("n_events"));
    }

    private static Dataset<Row> engagementNight(String asOf, long[][] eligibleAndStalled) {
        StructType schema = new StructType()
                .add("program_id", DataTypes.StringType)
                .add("n_matches", DataTypes.LongType)
                .add("n_active_matches", DataTypes.LongType)
                .add("n_mentees", DataTypes.LongType)
                .add("stall_eligible_matches", DataTypes.LongType)
                .add("stalled_matches", DataTypes.LongType)
                .add("stalled_share", DataTypes.DoubleType);
        for (String g : List.of("task", "business", "talent")) {
            schema = schema.add("goals_" + g + "_set", DataTypes.LongType)
                    .add("goals_" + g + "_achieved", DataTypes.LongType)
                    .add("goals_" + g + "_achieved_rate", DataTypes.DoubleType);
        }
        schema = schema.add("suppressed", DataTypes.BooleanType).add("as_of", DataTypes.DateType);
        String[] programs = {"ALL", "P1", "P2"};
        long[] matches = {100, 50, 50};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < programs.length; i++) {
            long e = eligibleAndStalled[i][0];
            long st = eligibleAndStalled[i][1];
            Object[] v = {
                programs[i],
                matches[i],
                matches[i],
                matches[i],
                e,
                st,
                (double) st / e,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                Date.valueOf(asOf)
            };
            rows.add(RowFactory.create(v));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void aFacetThatMovedByUnderKHoldsItsWholeRow() {
        // Night 1: ALL = P1 + P2: 50 = 30 + 20 matches old enough to stall, 20 = 10 + 10 stalled; every facet shows.
        Dataset<Row> n1 = engagementNight("2026-10-30", new long[][] {{50, 20}, {30, 10}, {20, 10}});
        Dataset<Row> g1 = DisclosureControl.protect(
                        Map.of("engagement_summary", n1), Map.of(), ReleaseRules.standard(), K, s -> {})
                .get("engagement_summary");
        assertEquals(10L, (long) g1.filter("program_id = 'P1'").first().<Long>getAs("stalled_matches"));
        // Night 2: one more of P1's matches stalls (so one more of ALL's). Each facet alone still passes (11 of 30,
        // 21 of 50), but diffing the nights would show one match: P1 and ALL keep night 1's figures, whole rows.
        Dataset<Row> n2 = engagementNight("2026-10-31", new long[][] {{50, 21}, {30, 11}, {20, 10}});
        Dataset<Row> g2 = DisclosureControl.protect(
                        Map.of("engagement_summary", n2),
                        Map.of("engagement_summary", g1),
                        ReleaseRules.standard(),
                        K,
                        s -> {})
                .get("engagement_summary");
        Row p1 = g2.filter("program_id = 'P1'").first();
        assertEquals(10L, (long) p1.<Long>getAs("stalled_matches"));
        assertEquals(10.0 / 30, p1.<Double>getAs("stalled_share"), 1e-12);
        assertEquals(Date.valueOf("2026-10-31"), p1.getAs("as_of"));
        assertEquals(20L, (long) g2.filter("program_id = 'ALL'").first().<Long>getAs("stalled_matches"));
        assertEquals(
                List.of(),
                DisclosureAudit.violations(
                        Map.of("engagement_summary", DisclosureControl.maps(g2)), ReleaseRules.standard(), K));
        // Night 3: ten more stalled in P1 than was shown: the figures move, by k.
        Dataset<Row> n3 = engagementNight("2026-11-01", new long[][] {{50, 30}, {30, 20}, {20, 10}});
        Dataset<Row> g3 = DisclosureControl.protect(
                        Map.of("engagement_summary", n3),
                        Map.of("engagement_summary", g2),
                        ReleaseRules.standard(),
                        K,
                        s -> {})
                .get("engagement_summary");
        assertEquals(20L, (long) g3.filter("program_id = 'P1'").first().<Long>getAs("stalled_matches"));
        assertEquals(30L, (long) g3.filter("program_id = 'ALL'").first().<Long>getAs("stalled_matches"));
    }

    private static final StructType ROI = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("replacement_cost_ratio", DataTypes.DoubleType)
            .add("n_cohort_mentees", DataTypes.LongType)
            .add("n_cohort_mentors", DataTypes.LongType)
            .add("participant_time_cost", DataTypes.DoubleType)
            .add("mean_mentee_salary", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType)
            .add("as_of", DataTypes.DateType);

    /** program_roi rows of ALL, P1 and P2: {mentees (= mentors), participant time cost, mean mentee salary}. */
    private static Dataset<Row> roiNight(String asOf, double[][] nCostSalary) {
        String[] programs = {"ALL", "P1", "P2"};
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < programs.length; i++) {
            long n = (long) nCostSalary[i][0];
            rows.add(RowFactory.create(
                    programs[i], 0.5, n, n, nCostSalary[i][1], nCostSalary[i][2], false, Date.valueOf(asOf)));
        }
        return spark.createDataFrame(rows, ROI);
    }

    private static Dataset<Row> protectRoi(Dataset<Row> tonight, Dataset<Row> published) {
        return DisclosureControl.protect(
                        Map.of("program_roi", tonight),
                        published == null ? Map.of() : Map.of("program_roi", published),
                        ReleaseRules.standard(),
                        K,
                        s -> {})
                .get("program_roi");
    }

    private static double[] roiOf(Dataset<Row> gold, String program) {
        Row r = gold.filter("program_id = '" + program + "'").first();
        return new double[] {
            r.<Long>getAs("n_cohort_mentees"),
            r.<Double>getAs("participant_time_cost"),
            r.<Double>getAs("mean_mentee_salary")
        };
    }

    @Test
    void aSalaryThatMovedWhileNoCountMovedHoldsTheRowAndItsComplement() {
        // Night 1: ALL = P1 + P2 (40 = 20 + 20 mentees, as many mentors); costs 300,000 = 140,000 + 160,000.
        double[][] night1 = {{40, 300_000, 75_000}, {20, 140_000, 70_000}, {20, 160_000, 80_000}};
        Dataset<Row> g1 = protectRoi(roiNight("2026-10-30", night1), null);
        assertEquals(70_000, roiOf(g1, "P1")[2], 1e-9);
        // Night 2: one P1 mentee got a 10,000 raise (P1's mean + 500, its time cost + 200); nobody joined or left.
        // Diffing the nights would show the raise: 20 × 500. P1 and ALL keep night 1's figures.
        double[][] night2 = {{40, 300_200, 75_250}, {20, 140_200, 70_500}, {20, 160_000, 80_000}};
        Dataset<Row> g2 = protectRoi(roiNight("2026-10-31", night2), g1);
        for (int p = 0; p < 3; p++) {
            String program = new String[] {"ALL", "P1", "P2"}[p];
            assertEquals(
                    List.of(night1[p][0], night1[p][1], night1[p][2]), List.of(boxed(roiOf(g2, program))), program);
        }
        assertEquals(
                Date.valueOf("2026-10-31"),
                g2.filter("program_id = 'P1'").first().getAs("as_of"));
        assertEquals(
                List.of(),
                DisclosureAudit.violations(
                        Map.of("program_roi", DisclosureControl.maps(g2)), ReleaseRules.standard(), K));

        // Night 3: ten mentees (and mentors) join P2, so ALL; P1 is as on night 2. P1 still holds (its raise has not
        // been shown), and ALL − P2 must not give P1's tonight: ALL and P2 do not both show tonight's figures.
        double[][] night3 = {{50, 380_200, 75_000}, {20, 140_200, 70_500}, {30, 240_000, 78_000}};
        Dataset<Row> g3 = protectRoi(roiNight("2026-11-01", night3), g2);
        assertEquals(List.of(night1[1][0], night1[1][1], night1[1][2]), List.of(boxed(roiOf(g3, "P1"))));
        boolean allTonight = roiOf(g3, "ALL")[1] == night3[0][1];
        boolean p2Tonight = roiOf(g3, "P2")[1] == night3[2][1];
        assertFalse(allTonight && p2Tonight, "ALL − P2 would give P1's cost with the raise");
        assertTrue(allTonight || p2Tonight, "a group that moved by k catches up unless it is P1's complement");
    }

    @Test
    void aGroupCountedInTwoTablesIsHeldWhenTheirChangesDifferByUnderK() {
        // ALL's matched mentees (engagement_summary.n_mentees) hold its matched retention cohort (the declared
        // across pair): 60 and 40 last night, 72 and 51 tonight. Each moved by k or more, so neither holds on its
        // own; but 12 − 11 says that one mentee joined outside the cohort. The engagement row (the declared
        // sacrifice) keeps last night's figures; the retention row shows tonight's.
        Map<String, List<Map<String, Object>>> lastNight = Map.of(
                "engagement_summary", List.of(engagementRow(60)),
                "retention_summary", List.of(cohortRow(40)));
        Map<String, List<Map<String, Object>>> tonight = new LinkedHashMap<>();
        tonight.put("engagement_summary", List.of(engagementRow(72)));
        tonight.put("retention_summary", List.of(cohortRow(51)));
        Map<String, Integer> held = DisclosureControl.holdSmallChanges(tonight, lastNight, ReleaseRules.standard(), K);
        assertEquals(Map.of("engagement_summary", 1, "retention_summary", 0), held);
        assertEquals(60L, tonight.get("engagement_summary").get(0).get("n_mentees"));
        assertEquals(51L, tonight.get("retention_summary").get(0).get("n_employees"));
        // Tonight 75 against 51: the changes 15 and 11 differ by 4, held too; 82 against 51 (22 and 11): shown.
        tonight.put("engagement_summary", List.of(engagementRow(75)));
        tonight.put("retention_summary", List.of(cohortRow(51)));
        DisclosureControl.holdSmallChanges(tonight, lastNight, ReleaseRules.standard(), K);
        assertEquals(60L, tonight.get("engagement_summary").get(0).get("n_mentees"));
        tonight.put("engagement_summary", List.of(engagementRow(82)));
        tonight.put("retention_summary", List.of(cohortRow(51)));
        DisclosureControl.holdSmallChanges(tonight, lastNight, ReleaseRules.standard(), K);
        assertEquals(82L, tonight.get("engagement_summary").get(0).get("n_mentees"));
    }

    /** ALL's engagement row: as many matches as mentees, all active, no stall or goal figures. */
    private static Map<String, Object> engagementRow(long mentees) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", "ALL");
        r.put("n_matches", mentees);
        r.put("n_mentees", mentees);
        r.put("n_active_matches", mentees);
        r.put("suppressed", false);
        return r;
    }

    /** ALL's matched mentees at 12 months, none left. */
    private static Map<String, Object> cohortRow(long n) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", "ALL");
        r.put("cohort", "mentee");
        r.put("method", "matched");
        r.put("horizon_months", 12);
        r.put("n_employees", n);
        r.put("n_events", 0L);
        r.put("retention", 1.0);
        r.put("suppressed", false);
        return r;
    }

    private static Double[] boxed(double[] v) {
        return java.util.Arrays.stream(v).boxed().toArray(Double[]::new);
    }

    /**
     * An interrupted publish moved gold.retention_summary to figures no reader was shown (P2's 11 exits);
     * the published night still shows 10. Tonight (11 exits) must be held against what was published:
     * compared with the folder's latest commit instead, nothing moves and a reader of the published
     * night and tonight's would learn of the one exit.
     */
    @Test
    void theAcrossNightsRuleComparesWithThePublishedNightNotTheLatestCommit(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Dataset<Row> n1 = night("2026-10-30", new long[][] {{75, 22}, {35, 12}, {40, 10}});
        wh.overwrite(
                "gold.retention_summary",
                DisclosureControl.protect(
                                Map.of("retention_summary", n1), Map.of(), ReleaseRules.standard(), K, s -> {})
                        .get("retention_summary"));
        long published = wh.version("gold.retention_summary");
        Dataset<Row> n2 = night("2026-10-31", new long[][] {{75, 23}, {35, 12}, {40, 11}});
        wh.overwrite(
                "gold.retention_summary",
                DisclosureControl.protect(
                                Map.of("retention_summary", n2), Map.of(), ReleaseRules.standard(), K, s -> {})
                        .get("retention_summary")); // the interrupted publish's commit

        wh.overwrite("staging.retention_summary", n2);
        DisclosureControl.apply(
                wh,
                List.of("staging.retention_summary"),
                K,
                table -> Optional.of(wh.readVersion(table, published)),
                s -> {});
        assertEquals(
                10L, (long) published(wh.read("staging.retention_summary")).get("P2")[1], "held at what was shown");

        wh.overwrite("staging.retention_summary", n2);
        DisclosureControl.apply(
                wh, List.of("staging.retention_summary"), K, DisclosureControl.LastRelease.latestCommits(wh), s -> {});
        assertEquals(
                11L,
                (long) published(wh.read("staging.retention_summary")).get("P2")[1],
                "against the latest commit the change is invisible, so nothing is held");
    }

    private static final StructType SUMMARY = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("cohort", DataTypes.StringType)
            .add("method", DataTypes.StringType)
            .add("horizon_months", DataTypes.IntegerType)
            .add("n_employees", DataTypes.LongType)
            .add("n_events", DataTypes.LongType)
            .add("retention", DataTypes.DoubleType)
            .add("difference", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType)
            .add("as_of", DataTypes.DateType);
    private static final StructType CURVE = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("cohort", DataTypes.StringType)
            .add("method", DataTypes.StringType)
            .add("month", DataTypes.IntegerType)
            .add("n_at_risk", DataTypes.LongType)
            .add("n_events", DataTypes.LongType)
            .add("n_censored", DataTypes.LongType)
            .add("survival", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType)
            .add("as_of", DataTypes.DateType);

    @Test
    void theAuditReadsThePeopleAtRiskFromTheVersionTheControlProtected(@TempDir Path dir) {
        // 200 matched mentees, 5 exits by 12 months, 12 of them still at risk after month 6; 1,000 comparators.
        // Step on the 12 at risk: 1 (0.5 · 12 = 6 < 10), so 0.047 is published as 0.0. The controlled curve hides
        // month 12 (the summary rounds it), so the audit must read the curve as the metrics stage wrote it.
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Date asOf = Date.valueOf("2026-10-31");
        wh.overwrite(
                "staging.retention_summary",
                spark.createDataFrame(
                        List.of(RowFactory.create("P1", "mentee", "matched", 12, 200L, 5L, 0.975, 0.047, false, asOf)),
                        SUMMARY));
        List<Row> curve = new ArrayList<>();
        for (int m = 0; m <= 12; m++) {
            curve.add(RowFactory.create("P1", "mentee", "matched", m, m <= 6 ? 200L : 12L, 0L, 0L, 0.98, false, asOf));
            curve.add(RowFactory.create("P1", "comparison", "matched", m, 1000L, 0L, 0L, 0.95, false, asOf));
        }
        wh.overwrite("staging.retention_curve", spark.createDataFrame(curve, CURVE));
        List<String> tables = List.of("staging.retention_summary", "staging.retention_curve");
        DisclosureControl.apply(wh, tables, K, DisclosureControl.LastRelease.latestCommits(wh), s -> {});
        Row p1 = wh.read("staging.retention_summary").first();
        assertEquals(0.0, p1.<Double>getAs("difference"), 1e-15);
        assertTrue(p1.isNullAt(p1.fieldIndex("n_events")));
        assertTrue(wh.read("staging.retention_curve")
                .filter("cohort = 'mentee' AND month = 12")
                .first()
                .isNullAt(4));
        List<io.mentoringoutcomes.quality.CheckOutcome> failed =
                io.mentoringoutcomes.quality.OutputAudit.disclosureOutcomes(wh, tables, K).stream()
                        .filter(o -> !o.passed())
                        .toList();
        assertEquals(List.of(), failed);
        // Rewritten by hand with the figure rounded on n_employees (0.05 · 200 = 10): refused, the curve's
        // people at risk still read from the version the control protected.
        wh.overwrite(
                "staging.retention_summary",
                spark.createDataFrame(
                        List.of(RowFactory.create("P1", "mentee", "matched", 12, 200L, null, null, 0.05, false, asOf)),
                        SUMMARY));
        failed = io.mentoringoutcomes.quality.OutputAudit.disclosureOutcomes(wh, tables, K).stream()
                .filter(o -> !o.passed())
                .toList();
        assertEquals(1, failed.size(), failed.toString());
        assertEquals("disclosure:coarsened", failed.get(0).check());
        assertEquals("staging.retention_summary", failed.get(0).dataset());
    }

    /** A night of P1's matched mentees at 12 months (200 people) and its curves: mentees at risk drop to
     * {@code after} from month 7; 1,000 comparators throughout. */
    private static Map<String, Dataset<Row>> roundedNight(String asOf, long exits, double difference, long after) {
        Date d = Date.valueOf(asOf);
        List<Row> curve = new ArrayList<>();
        for (int m = 0; m <= 12; m++) {
            curve.add(RowFactory.create("P1", "mentee", "matched", m, m <= 6 ? 200L : after, 0L, 0L, 0.98, false, d));
            curve.add(RowFactory.create("P1", "comparison", "matched", m, 1000L, 0L, 0L, 0.95, false, d));
        }
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        out.put(
                "retention_summary",
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                "P1", "mentee", "matched", 12, 200L, exits, 1.0 - exits / 200.0, difference, false, d)),
                        SUMMARY));
        out.put("retention_curve", spark.createDataFrame(curve, CURVE));
        return out;
    }

    private static Map<String, Dataset<Row>> control(
            Map<String, Dataset<Row>> tonight, Map<String, Dataset<Row>> last) {
        return DisclosureControl.protect(tonight, last, ReleaseRules.standard(), K, s -> {});
    }

    private static Object difference(Map<String, Dataset<Row>> release) {
        return release.get("retention_summary").first().getAs("difference");
    }

    @Test
    void aHeldRoundedFigureIsStableUnderControlAppliedToItsOwnOutput() {
        // Night 1: 200 matched mentees, 5 exits, everyone at risk to month 12: step 0.05 (0.05 · 200 = 10), 0.047 →
        // 0.05.
        Map<String, Dataset<Row>> g1 = control(roundedNight("2026-10-30", 5, 0.047, 200), Map.of());
        assertEquals(0.05, (double) difference(g1), 1e-15);
        // Night 2a: one more exit, 0.02 → 0.0 on the same step. The figure moved with one person, so last night's
        // 0.05 is held; re-rounded on 0.05 it stays 0.05. The control run again over its own output (night 2a
        // again, with 2a's release as last night's) publishes exactly the same rows.
        Map<String, Dataset<Row>> n2a = roundedNight("2026-10-31", 6, 0.02, 200);
        Map<String, Dataset<Row>> g2a = control(n2a, g1);
        assertEquals(0.05, (double) difference(g2a), 1e-15);
        assertEquals(
                g2a.get("retention_summary").collectAsList(),
                control(n2a, g2a).get("retention_summary").collectAsList());
        // Night 2b: one more exit, and 50 mentees censored at month 6, so 150 at risk by month 12: tonight's step is
        // 0.1 (0.05 · 150 = 7.5 < 10). The held 0.05 is not on it; re-rounded it would become 0.1, a value neither
        // night's truth rounds to (0.042 → 0.0). It is withdrawn: the row shows its size only, and stays so when
        // the control is applied to its own output.
        Map<String, Dataset<Row>> n2b = roundedNight("2026-10-31", 6, 0.042, 150);
        Map<String, Dataset<Row>> g2b = control(n2b, g1);
        assertEquals(null, difference(g2b));
        assertEquals(200L, (long) g2b.get("retention_summary").first().<Long>getAs("n_employees"));
        assertEquals(
                g2b.get("retention_summary").collectAsList(),
                control(n2b, g2b).get("retention_summary").collectAsList());
        Map<String, List<Map<String, Object>>> source = new LinkedHashMap<>();
        n2b.forEach((noun, df) -> source.put(noun, DisclosureControl.maps(df)));
        assertEquals(
                List.of(),
                DisclosureAudit.violations(
                        Map.of("retention_summary", DisclosureControl.maps(g2b.get("retention_summary"))),
                        source,
                        ReleaseRules.standard(),
                        K));
    }

    @Test
    void referenceTablesPassThroughUnchangedBesideProtectedOnes() {
        // P1's 3 exits are under k: its retention row is hidden. The program itself is still listed.
        Dataset<Row> retention = night("2026-10-31", new long[][] {{60, 13}, {35, 3}, {25, 10}});
        Dataset<Row> dim = spark.sql("SELECT 'P1' AS program_id, 'Tiny' AS program_name, DATE'2026-10-31' AS as_of");
        Map<String, Dataset<Row>> out = DisclosureControl.protect(
                Map.of("retention_summary", retention, "dim_program", dim),
                Map.of(),
                ReleaseRules.standard(),
                K,
                s -> {});
        assertEquals(dim.collectAsList(), out.get("dim_program").collectAsList());
        assertEquals(null, published(out.get("retention_summary")).get("P1"), "P1's 3 exits are hidden");
    }

    @Test
    void adminTablesLeaveStagingAndGold(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Dataset<Row> perMatch = spark.sql("SELECT 'k1' AS match_key, 'M001' AS match_id, 3 AS meetings_held");
        wh.overwrite("staging.match_health", perMatch);
        wh.overwrite("gold.match_health", perMatch); // left by an older release
        wh.overwrite("staging.retention_summary", night("2026-10-31", new long[][] {{60, 22}, {35, 12}, {25, 10}}));
        List<String> remaining = DisclosureControl.apply(
                wh,
                List.of("staging.retention_summary", "staging.match_health"),
                K,
                DisclosureControl.LastRelease.latestCommits(wh),
                s -> {});
        assertEquals(List.of("staging.retention_summary"), remaining);
        assertFalse(wh.exists("staging.match_health"), "per-match rows do not stay in staging");
        assertFalse(wh.exists("admin.match_health"), "the admin output is off unless enabled");
        assertFalse(wh.exists("gold.match_health"), "disclosure control removes per-match rows from gold");
        assertFalse(wh.tables("gold").contains("gold.match_health"));
        assertFalse(Warehouse.LAYERS.contains("admin"), "serve and query register only Warehouse.LAYERS");
    }
}
