package io.mentoringoutcomes.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.disclosure.CellSuppression.Decision;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The suppression rules on hand-built releases, with k = 10 and the shipped declarations
 * (schemas/release.yaml). Every expected cell set is worked out by hand in the comments.
 */
class CellSuppressionTest {

    private static final int K = 10;
    private static final ReleaseRules RULES = ReleaseRules.standard();

    static Map<String, Object> retention(
            String program, String cohort, String method, int horizon, long n, long events) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", program);
        r.put("cohort", cohort);
        r.put("method", method);
        r.put("horizon_months", horizon);
        r.put("n_employees", n);
        r.put("n_events", events);
        r.put("retention", 1.0 - (double) events / n);
        r.put("suppressed", false);
        return r;
    }

    private static Set<String> hidden(Decision d, List<Map<String, Object>> rows, String... keyColumns) {
        Set<String> out = new TreeSet<>();
        d.rows().keySet().forEach(i -> {
            List<String> k = new ArrayList<>();
            for (String c : keyColumns) {
                k.add(String.valueOf(rows.get(i).get(c)));
            }
            out.add(String.join("/", k));
        });
        return out;
    }

    private static Set<String> coarsened(Decision d, List<Map<String, Object>> rows, String... keyColumns) {
        return hidden(new Decision(d.coarsened(), Map.of(), Map.of()), rows, keyColumns);
    }

    @Test
    void primaryJudgesEveryPeopleCountIncludingEventsAndComplements() {
        List<Map<String, Object>> rows = List.of(
                retention("P1", "mentee", "naive", 12, 40, 0), // 0 events is no one, but see below
                retention("P1", "mentee", "naive", 24, 40, 35), // 5 still there: n − events under k
                retention("P1", "comparison", "naive", 12, 400, 5), // 5 events in a group of 400
                retention("P1", "comparison", "naive", 24, 400, 10), // shown
                retention("P2", "mentee", "naive", 12, 7, 0)); // 7 people: hidden
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        // Only P2's group is under k: hidden. The other counts under k are numerators (or their complement)
        // in groups of 40 and 400: those rows are coarsened, not hidden. The mentee 12-month row is coarsened
        // too: its difference is its retention minus the coarsened comparison's, which would give it back.
        assertEquals(Set.of("P2/mentee/naive/12"), hidden(d, rows, "program_id", "cohort", "method", "horizon_months"));
        assertEquals("n_employees", d.rows().get(4).column());
        assertEquals(
                Set.of("P1/comparison/naive/12", "P1/mentee/naive/12", "P1/mentee/naive/24"),
                coarsened(d, rows, "program_id", "cohort", "method", "horizon_months"));
        assertEquals("n_events", d.coarsened().get(2).column());
        assertTrue(
                d.coarsened().get(1).rule().contains("n_employees − n_events"),
                d.coarsened().get(1).rule());
        assertTrue(
                d.coarsened().get(0).rule().startsWith("linked"),
                d.coarsened().get(0).rule());
    }

    @Test
    void secondarySuppressionHidesASecondRowSoTheFirstCannotBeSubtracted() {
        // ALL = P1 + P2 + P3 for mentees (68 = 35 + 25 + 8 people). P3 has 8 people (primary). ALL − P1 − P2
        // would give them back, so the smallest other program, P2 (25 < 35 people), is hidden too; ALL and P1 stay.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 68, 24),
                retention("P1", "mentee", "naive", 12, 35, 12),
                retention("P2", "mentee", "naive", 12, 25, 10),
                retention("P3", "mentee", "naive", 12, 8, 2));
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        assertEquals(Set.of("P2", "P3"), hidden(d, rows, "program_id"));
        assertEquals(Set.of(), coarsened(d, rows, "program_id"));
        assertTrue(
                d.rows().get(2).rule().startsWith("complementary"),
                d.rows().get(2).rule());
        assertTrue(d.rows().get(3).rule().startsWith("primary"), d.rows().get(3).rule());
    }

    @Test
    void secondarySuppressionCoarsensASecondCellWhenTheFirstIsACount() {
        // ALL = P1 + P2 + P3 (90 = 35 + 25 + 30 people, 30 = 12 + 10 + 8 exits). P3's 8 exits are under k in a
        // group of 30: P3 is coarsened (exits hidden). ALL − P1 − P2 would give the 8 back, so the exits of the
        // smallest other program, P2, are hidden too, by coarsening P2. Every size stays; so do ALL's and P1's exits.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 90, 30),
                retention("P1", "mentee", "naive", 12, 35, 12),
                retention("P2", "mentee", "naive", 12, 25, 10),
                retention("P3", "mentee", "naive", 12, 30, 8));
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        assertEquals(Set.of(), hidden(d, rows, "program_id"));
        assertEquals(Set.of("P2", "P3"), coarsened(d, rows, "program_id"));
        assertTrue(
                d.coarsened().get(2).rule().startsWith("complementary"),
                d.coarsened().get(2).rule());
    }

    @Test
    void hiddenPartsThatAddUpToUnderKAreProtectedTogether() {
        // ALL (110 people, 20 exits) = P1 (50, 5) + P2 (30, 4) + P4 (30, 11). P1 and P2 are coarsened; each is
        // safe alone, but ALL − P4 = 9 exits between them: a group of 9. P4's exits are hidden too (coarsened),
        // after which the hidden exits add up to 20. ALL's exits stay.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 110, 20),
                retention("P1", "mentee", "naive", 12, 50, 5),
                retention("P2", "mentee", "naive", 12, 30, 4),
                retention("P4", "mentee", "naive", 12, 30, 11));
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        assertEquals(Set.of(), hidden(d, rows, "program_id"));
        assertEquals(Set.of("P1", "P2", "P4"), coarsened(d, rows, "program_id"));
        assertTrue(
                d.coarsened().get(3).rule().contains("add up to under k"),
                d.coarsened().get(3).rule());
    }

    static Map<String, Object> withEstimates(Map<String, Object> r, double difference) {
        r.put("retention_ci_low", 0.95);
        r.put("retention_ci_high", 0.995);
        r.put("difference", difference);
        r.put("difference_ci_low", difference - 0.037);
        r.put("difference_ci_high", difference + 0.037);
        return r;
    }

    @Test
    void aCoarsenedRowShowsItsSizeAndItsDifferenceRoundedToAStepOfAtLeastKOverN() {
        // 300 mentees, 4 exits: step 0.05 (0.02 · 300 = 6 < 10 ≤ 0.05 · 300 = 15), 0.047 → 0.05.
        // 150 mentees, 4 exits: step 0.1 (0.05 · 150 = 7.5 < 10), 0.047 → 0.0. 120 mentees, −0.07 → −0.1.
        List<Map<String, Object>> rows = List.of(
                withEstimates(retention("P1", "mentee", "matched", 12, 300, 4), 0.047),
                withEstimates(retention("P2", "mentee", "matched", 12, 150, 4), 0.047),
                withEstimates(retention("P3", "mentee", "matched", 12, 120, 3), -0.07));
        var decl = RULES.table("retention_summary").orElseThrow();
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        List<Map<String, Object>> shown = DisclosureControl.hide(rows, decl, d, K);
        double[] expected = {0.05, 0.0, -0.1};
        long[] sizes = {300, 150, 120};
        for (int i = 0; i < 3; i++) {
            Map<String, Object> r = shown.get(i);
            assertEquals(false, r.get("suppressed"));
            assertEquals(sizes[i], r.get("n_employees"));
            assertEquals(expected[i], (double) r.get("difference"), 1e-15, r.toString());
            for (String c : List.of(
                    "n_events",
                    "retention",
                    "retention_ci_low",
                    "retention_ci_high",
                    "difference_ci_low",
                    "difference_ci_high")) {
                assertEquals(null, r.get(c), c + " of a coarsened row");
            }
        }
        // Released, it is accepted by the audit and left as it is by a second pass.
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", shown), RULES, K));
        assertEquals(
                shown,
                DisclosureControl.hide(
                        shown,
                        decl,
                        CellSuppression.protect(Map.of("retention_summary", shown), RULES, K)
                                .get("retention_summary"),
                        K));
        // A coarsened row that shows more is refused: an unrounded difference, or its retention.
        List<Map<String, Object>> careless = new ArrayList<>();
        for (Map<String, Object> r : shown) {
            careless.add(new LinkedHashMap<>(r));
        }
        careless.get(0).put("difference", 0.047);
        careless.get(1).put("retention", 0.973);
        List<DisclosureAudit.Violation> found =
                DisclosureAudit.violations(Map.of("retention_summary", careless), RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:coarsened", found.get(0).rule());
        assertEquals(
                List.of(
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=12)",
                        "(program_id=P2, cohort=mentee, method=matched, horizon_months=12)"),
                found.get(0).rows());
    }

    /**
     * The adversary of a coarsened row: knows its size n and the comparison's exact retention S0, assumes no
     * censoring (the worst case: retention = 1 − exits / n) and inverts the published rounded difference.
     * For every possible exit count, the counts that publish the same figure are what the adversary is left
     * with: each such set that holds exits (or stayers) in 1..k−1 must either hold 0 or n (nobody is known to
     * have left, or to have stayed) or at least k counts (the count is known only to within k).
     */
    @Test
    void theExitsBehindACoarsenedRowCannotBeNarrowedBelowK() {
        var decl = RULES.table("retention_summary").orElseThrow();
        for (int n : new int[] {10, 37, 120, 150, 200, 300, 1000}) {
            for (double s0 : new double[] {0.9, 0.913, 0.9249, 0.977, 0.5}) {
                Map<Object, List<Integer>> bySameFigure = new LinkedHashMap<>();
                for (int e = 0; e <= n; e++) {
                    Map<String, Object> r = retention("P1", "mentee", "matched", 12, n, e);
                    r.put("difference", 1.0 - (double) e / n - s0);
                    Map<String, Object> row = new LinkedHashMap<>(r);
                    DisclosureControl.coarsen(
                            row, decl, CellSuppression.step(n, K)); // the form a row with exits under k is published in
                    bySameFigure
                            .computeIfAbsent(row.get("difference"), x -> new ArrayList<>())
                            .add(e);
                }
                for (List<Integer> counts : bySameFigure.values()) {
                    // Exits under k, or stayers (n − exits) under k: the two counts the row would disclose.
                    boolean small = counts.stream().anyMatch(e -> e > 0 && e < K || n - e > 0 && n - e < K);
                    assertTrue(
                            !small || counts.contains(0) || counts.contains(n) || counts.size() >= K,
                            "n = " + n + ", S0 = " + s0 + ": the published difference narrows the exits to " + counts);
                }
            }
        }
    }

    @Test
    void naiveMinusMatchedOfOnePersonHidesTheNaiveRowAndItsGroupInEveryTable() {
        // 24 mentees, 23 matched: the one unmatched mentee would be 24 − 23. The naive row is the
        // declared sacrifice. program_roi's group is its ROI cohort (matched mentees in a window), not
        // the naive mentees; its cost here is a sum over 3 mentors' salaries, under k, so the row is
        // hidden by its own count, costs and salaries included.
        List<Map<String, Object>> retention = List.of(
                retention("P1", "mentee", "naive", 12, 24, 0),
                retention("P1", "mentee", "matched", 12, 23, 0),
                retention("P1", "comparison", "matched", 12, 300, 30));
        List<Map<String, Object>> roi = new ArrayList<>();
        for (double ratio : new double[] {0.21, 0.5}) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("program_id", "P1");
            r.put("replacement_cost_ratio", ratio);
            r.put("horizon_months", 12);
            r.put("n_cohort_mentees", 23L);
            r.put("n_cohort_mentors", 3L);
            r.put("total_cost", 5000.0);
            r.put("mean_mentee_salary", 60000.0);
            r.put("suppressed", false);
            roi.add(r);
        }
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("retention_summary", retention);
        release.put("program_roi", roi);
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertEquals(Set.of("naive"), hidden(d.get("retention_summary"), retention, "method"));
        assertEquals(Set.of("0.21", "0.5"), hidden(d.get("program_roi"), roi, "replacement_cost_ratio"));
        List<Map<String, Object>> shown =
                DisclosureControl.hide(roi, RULES.table("program_roi").orElseThrow(), d.get("program_roi"), K);
        for (Map<String, Object> r : shown) {
            assertEquals(null, r.get("total_cost"));
            assertEquals(null, r.get("mean_mentee_salary"));
            assertEquals(null, r.get("n_cohort_mentees"));
            assertEquals(null, r.get("n_cohort_mentors"));
            assertEquals(12, r.get("horizon_months"), "declared keep columns stay");
            assertEquals(true, r.get("suppressed"));
        }
    }

    @Test
    void aCurveShowsOnlyStepsOfZeroOrAtLeastKAndNeverAMonthsOwnCounts() {
        // at risk 30 → 29 (1 exit) → 20 (9 censored) → 11 (9 exits) → 10 (1 censored) → 5 (5 exits).
        // Since month 0: by month 1 one exit (hide), by 2 one exit (hide), by 3 nine censored (hide),
        // by 4 ten exits and ten censored (show); month 5 has 5 at risk (hide).
        long[][] m = {{30, 1, 0}, {29, 0, 9}, {20, 9, 0}, {11, 0, 1}, {10, 5, 0}, {5, 0, 5}};
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("program_id", "ALL");
            r.put("cohort", "mentee");
            r.put("method", "naive");
            r.put("month", i);
            r.put("n_at_risk", m[i][0]);
            r.put("n_events", m[i][1]);
            r.put("n_censored", m[i][2]);
            r.put("survival", 0.9);
            r.put("suppressed", false);
            rows.add(r);
        }
        Decision d = CellSuppression.protect(Map.of("retention_curve", rows), RULES, K)
                .get("retention_curve");
        assertEquals(Set.of("1", "2", "3", "5"), hidden(d, rows, "month"));
        assertEquals(Set.of("n_events", "n_censored"), d.columns().get(0));
        assertEquals(Set.of("n_events", "n_censored"), d.columns().get(4));
        // A curve step hides the month, not the group: month 1..3 do not reach other tables.
        assertEquals(null, d.rows().get(1).column());
    }

    @Test
    void aCurveStepIsJudgedOnPeopleAtRiskTooWhenRowsAndPeopleDiffer() {
        // Found by the end-to-end attack: matched comparators sit in several cells, so 10 (person, cell)
        // rows left while only 7 people did: 343 → 336 people at risk. Month 1 must stay hidden; by month 2
        // 12 people have left (343 → 331) and it is shown.
        long[][] m = {{343, 0, 10}, {336, 0, 0}, {331, 0, 0}};
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("program_id", "P1");
            r.put("cohort", "comparison");
            r.put("method", "matched");
            r.put("month", i);
            r.put("n_at_risk", m[i][0]);
            r.put("n_events", m[i][1]);
            r.put("n_censored", m[i][2]);
            r.put("suppressed", false);
            rows.add(r);
        }
        Decision d = CellSuppression.protect(Map.of("retention_curve", rows), RULES, K)
                .get("retention_curve");
        assertEquals(Set.of("1"), hidden(d, rows, "month"));
    }

    static Map<String, Object> curveRow(String program, int month, long atRisk, long events, long censored) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", program);
        r.put("cohort", "mentee");
        r.put("method", "naive");
        r.put("month", month);
        r.put("n_at_risk", atRisk);
        r.put("n_events", events);
        r.put("n_censored", censored);
        r.put("survival", 0.9);
        r.put("suppressed", false);
        return r;
    }

    @Test
    void theSummarysHorizonsArePublishedPointsOfTheCurve() {
        // 100 people; 10 leave in month 0, 3 in month 11. Alone, the curve shows months 0..11 (steps of 10 and 0)
        // and hides 12 and 13 (3 exits since month 11). But the summary shows survival at 12 months (13 exits in
        // all, shown): survival at 11 (curve) against 12 (summary) would give the 3 exits away. So every shown
        // month whose step to month 12 is under k is withdrawn (1..11; 0 is the start), and 12 and 13 are shown.
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int m = 0; m <= 13; m++) {
            curve.add(curveRow("ALL", m, m == 0 ? 100 : m <= 11 ? 90 : 87, m == 0 ? 10 : m == 11 ? 3 : 0, 0));
        }
        Decision alone = CellSuppression.protect(Map.of("retention_curve", curve), RULES, K)
                .get("retention_curve");
        assertEquals(Set.of("12", "13"), hidden(alone, curve, "month"));
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("retention_summary", List.of(retention("ALL", "mentee", "naive", 12, 100, 13)));
        release.put("retention_curve", curve);
        Map<String, Decision> together = CellSuppression.protect(release, RULES, K);
        assertEquals(
                Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"),
                hidden(together.get("retention_curve"), curve, "month"));
        assertTrue(
                together.get("retention_curve").rows().get(11).rule().contains("published horizon"),
                together.get("retention_curve").rows().get(11).rule());
        assertEquals(
                Set.of(), hidden(together.get("retention_summary"), release.get("retention_summary"), "program_id"));
        // The audit checks the same relation: the release as controlled passes; the curve as controlled alone
        // (months 1..11 shown), released next to the summary with month 12 shown, is refused.
        Map<String, List<Map<String, Object>>> released = new LinkedHashMap<>();
        released.put("retention_summary", release.get("retention_summary"));
        released.put(
                "retention_curve",
                DisclosureControl.hide(
                        curve, RULES.table("retention_curve").orElseThrow(), together.get("retention_curve"), K));
        assertEquals(List.of(), DisclosureAudit.violations(released, RULES, K));
        List<Map<String, Object>> careless = new ArrayList<>(
                DisclosureControl.hide(curve, RULES.table("retention_curve").orElseThrow(), alone, K));
        careless.set(12, released.get("retention_curve").get(12));
        released.put("retention_curve", careless);
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(released, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("retention_curve", found.get(0).table());
        assertEquals("disclosure:complementary", found.get(0).rule());
        assertEquals(11, found.get(0).rows().size(), found.toString());
    }

    @Test
    void aSummaryRowHiddenOrCoarsenedAtAHorizonHidesTheCurveAtThatMonth() {
        // Comparators sit in several cells, so the curve's month buckets count rows: 10 exits and 10 censorings
        // (rows) by month 1, 10 people fewer at risk. The curve alone shows every month. The summary counts
        // 5 people who left by 12 months in a group of 100: coarsened. Month 12 of the curve would show the
        // survival the summary rounds, so it is hidden with it.
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int m = 0; m <= 12; m++) {
            curve.add(curveRow("ALL", m, m == 0 ? 100 : 90, m == 0 ? 10 : 0, m == 0 ? 10 : 0));
        }
        assertEquals(
                Set.of(),
                hidden(
                        CellSuppression.protect(Map.of("retention_curve", curve), RULES, K)
                                .get("retention_curve"),
                        curve,
                        "month"));
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("retention_summary", List.of(retention("ALL", "mentee", "naive", 12, 100, 5)));
        release.put("retention_curve", curve);
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertEquals(
                Set.of("ALL"), coarsened(d.get("retention_summary"), release.get("retention_summary"), "program_id"));
        assertEquals(Set.of("12"), hidden(d.get("retention_curve"), curve, "month"));
        assertTrue(
                d.get("retention_curve").rows().get(12).rule().startsWith("linked"),
                d.get("retention_curve").rows().get(12).rule());
        // The same with the summary row hidden (7 people): the whole group goes from the curve.
        release.put("retention_summary", List.of(retention("ALL", "mentee", "naive", 12, 7, 5)));
        Map<String, Decision> small = CellSuppression.protect(release, RULES, K);
        assertEquals(13, small.get("retention_curve").rows().size());
    }

    @Test
    void theAuditFindsWhatTheControlFixesAndAcceptsItsOutput() {
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 90, 30),
                retention("P1", "mentee", "naive", 12, 35, 12),
                retention("P2", "mentee", "naive", 12, 25, 10),
                retention("P3", "mentee", "naive", 12, 30, 8));
        List<DisclosureAudit.Violation> before =
                DisclosureAudit.violations(Map.of("retention_summary", rows), RULES, K);
        assertEquals(2, before.size(), before.toString());
        assertEquals(
                new DisclosureAudit.Violation(
                        "retention_summary",
                        "disclosure:primary:n_events",
                        List.of("(program_id=P3, cohort=mentee, method=naive, horizon_months=12)")),
                before.get(0));
        assertEquals("disclosure:complementary", before.get(1).rule());
        assertTrue(before.get(1).rows().get(0).startsWith("(program_id=P2"), before.toString());
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K)
                .get("retention_summary");
        List<Map<String, Object>> released =
                DisclosureControl.hide(rows, RULES.table("retention_summary").orElseThrow(), d, K);
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", released), RULES, K));
        // Publishing P3 hidden but P2 shown is what a careless release does: recoverable by subtraction.
        List<Map<String, Object>> careless = new ArrayList<>(released);
        careless.set(2, rows.get(2));
        List<DisclosureAudit.Violation> found =
                DisclosureAudit.violations(Map.of("retention_summary", careless), RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:complementary", found.get(0).rule());
        assertTrue(found.get(0).rows().get(0).startsWith("(program_id=P2"), found.toString());
    }

    @Test
    void declarationsAreStrict() {
        String unknownKey = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    people: [n]\n    colour: red\n";
        assertThrows(Exception.class, () -> parse(unknownKey));
        String badAudience = "tables:\n  t:\n    audience: everyone\n    keys: [a]\n";
        assertThrows(Exception.class, () -> parse(badAudience));
        String relationOverNonKey = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    relations:\n"
                + "      - {kind: sum, column: b, whole: ALL}\n";
        assertThrows(Exception.class, () -> parse(relationOverNonKey));
        String withinNotPeople =
                "tables:\n  t:\n    audience: gold\n    keys: [a]\n    people: [n]\n    within: [[n, m]]\n";
        assertThrows(Exception.class, () -> parse(withinNotPeople));
        String sqlInName = "tables:\n  t:\n    audience: gold\n    keys: [\"a; DROP TABLE x\"]\n";
        assertThrows(Exception.class, () -> parse(sqlInName));
        String unknownKind = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    relations:\n"
                + "      - {kind: product, column: a, whole: ALL}\n";
        assertThrows(Exception.class, () -> parse(unknownKind));
        assertThrows(
                IllegalStateException.class,
                () -> CellSuppression.protect(Map.of("undeclared_table", List.of()), RULES, K),
                "an undeclared table is refused");
    }

    private static ReleaseRules parse(String yaml) throws Exception {
        return ReleaseRules.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
