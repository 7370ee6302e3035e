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

    /** A curve of one group with the given people at risk at months 0, 1, 2, ... (no month's counts). */
    static List<Map<String, Object>> atRisk(String program, String cohort, String method, long... atRisk) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int m = 0; m < atRisk.length; m++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("program_id", program);
            r.put("cohort", cohort);
            r.put("method", method);
            r.put("month", m);
            r.put("n_at_risk", atRisk[m]);
            r.put("n_events", 0L);
            r.put("n_censored", 0L);
            r.put("survival", 0.9);
            r.put("suppressed", false);
            out.add(r);
        }
        return out;
    }

    /** n people at risk at every month 0..12. */
    static long[] flat(long n) {
        long[] out = new long[13];
        java.util.Arrays.fill(out, n);
        return out;
    }

    /** A release of a summary and a curve. */
    static Map<String, List<Map<String, Object>>> release(
            List<Map<String, Object>> summary, List<List<Map<String, Object>>> curves) {
        List<Map<String, Object>> curve = new ArrayList<>();
        curves.forEach(curve::addAll);
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("retention_summary", summary);
        out.put("retention_curve", curve);
        return out;
    }

    @Test
    void aCoarsenedRowShowsItsSizeAndItsDifferenceRoundedToAStepOfAtLeastKOverN() {
        // Nobody censored, everyone followed past 12 months: the fewest at risk by 12 months are the group
        // itself (and 1,000 comparators). 300 mentees, 4 exits: step 0.05 (0.02 · 300 = 6 < 10 ≤ 0.05 · 300 = 15),
        // 0.047 → 0.05. 150 mentees, 4 exits: step 0.1 (0.05 · 150 = 7.5 < 10), 0.047 → 0.0. 120 mentees, −0.07 → −0.1.
        List<Map<String, Object>> rows = List.of(
                withEstimates(retention("P1", "mentee", "matched", 12, 300, 4), 0.047),
                withEstimates(retention("P2", "mentee", "matched", 12, 150, 4), 0.047),
                withEstimates(retention("P3", "mentee", "matched", 12, 120, 3), -0.07));
        Map<String, List<Map<String, Object>>> source = release(
                rows,
                List.of(
                        atRisk("P1", "mentee", "matched", flat(300)),
                        atRisk("P2", "mentee", "matched", flat(150)),
                        atRisk("P3", "mentee", "matched", flat(120)),
                        atRisk("P1", "comparison", "matched", flat(1000)),
                        atRisk("P2", "comparison", "matched", flat(1000)),
                        atRisk("P3", "comparison", "matched", flat(1000))));
        var decl = RULES.table("retention_summary").orElseThrow();
        Decision d = CellSuppression.protect(source, RULES, K).get("retention_summary");
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
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", shown), source, RULES, K));
        assertEquals(
                shown,
                DisclosureControl.hide(
                        shown,
                        decl,
                        CellSuppression.protect(Map.of("retention_summary", shown), source, RULES, K)
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
                DisclosureAudit.violations(Map.of("retention_summary", careless), source, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:coarsened", found.get(0).rule());
        assertEquals(
                List.of(
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=12)",
                        "(program_id=P2, cohort=mentee, method=matched, horizon_months=12)"),
                found.get(0).rows());
    }

    /** People at risk: n at months 0..6, then {@code after} at months 7..12 (the rest censored in month 6). */
    static long[] dropsTo(long n, long after) {
        long[] out = flat(n);
        java.util.Arrays.fill(out, 7, 13, after);
        return out;
    }

    /** The rows of a release that a row-by-row copy published as the size-sized rounding did (step on n). */
    private static List<Map<String, Object>> roundedOnSize(List<Map<String, Object>> rows) {
        var decl = RULES.table("retention_summary").orElseThrow();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            Map<String, Object> row = new LinkedHashMap<>(r);
            DisclosureControl.coarsen(
                    row, decl, CellSuppression.step(((Number) r.get("n_employees")).doubleValue(), K));
            out.add(row);
        }
        return out;
    }

    @Test
    void aRoundedFigureIsSizedOnTheFewestPeopleAtRiskByItsHorizonInBothArms() {
        // Every row: 200 matched mentees, 5 exits by 12 months (under k, in a group of 200: rounded). On
        // n_employees the step would be 0.05 (0.05 · 200 = 10). But retention at 12 months rests on who is
        // still followed near month 12:
        // P1: the mentees drop to 12 at risk after month 6 (188 censored), comparators stay at 1,000. One exit
        //     among those 12 moves the retention by about S/12 ≈ 0.08, more than a 0.05 window: a 0.05 step
        //     pins it down. Fewest at risk 12: 0.5 · 12 = 6 < 10 ≤ 1 · 12, step 1: 0.047 → 0.0.
        // P2: mentees stay at 200, the comparison arm drops to 25: 0.2 · 25 = 5 < 10 ≤ 0.5 · 25, step 0.5:
        //     0.3 → 0.5 (0.3 / 0.5 = 0.6, halves up to 1).
        // P3: the mentees drop to 8 at risk: no step has step · 8 ≥ 10, the figure is withheld (size only).
        // P4: no curve for its groups: at-risk unknown, withheld.
        // P5: the mentee curve stops at month 9 (nobody followed to 12): withheld.
        List<Map<String, Object>> rows = List.of(
                withEstimates(retention("P1", "mentee", "matched", 12, 200, 5), 0.047),
                withEstimates(retention("P2", "mentee", "matched", 12, 200, 5), 0.3),
                withEstimates(retention("P3", "mentee", "matched", 12, 200, 5), 0.047),
                withEstimates(retention("P4", "mentee", "matched", 12, 200, 5), 0.047),
                withEstimates(retention("P5", "mentee", "matched", 12, 200, 5), 0.047));
        Map<String, List<Map<String, Object>>> source = release(
                rows,
                List.of(
                        atRisk("P1", "mentee", "matched", dropsTo(200, 12)),
                        atRisk("P1", "comparison", "matched", flat(1000)),
                        atRisk("P2", "mentee", "matched", flat(200)),
                        atRisk("P2", "comparison", "matched", dropsTo(1000, 25)),
                        atRisk("P3", "mentee", "matched", dropsTo(200, 8)),
                        atRisk("P3", "comparison", "matched", flat(1000)),
                        atRisk("P5", "mentee", "matched", java.util.Arrays.copyOf(flat(200), 10)),
                        atRisk("P5", "comparison", "matched", flat(1000))));
        var decl = RULES.table("retention_summary").orElseThrow();
        Decision d = CellSuppression.protect(source, RULES, K).get("retention_summary");
        assertEquals(Set.of("P1", "P2", "P3", "P4", "P5"), coarsened(d, rows, "program_id"));
        assertEquals(Set.of(), hidden(d, rows, "program_id"));
        assertTrue(
                d.coarsened().get(2).rule().contains("at risk"),
                d.coarsened().get(2).rule());
        assertEquals(Map.of(0, 1.0, 1, 0.5), d.steps());
        List<Map<String, Object>> shown = DisclosureControl.hide(rows, decl, d, K);
        assertEquals(0.0, (double) shown.get(0).get("difference"), 1e-15);
        assertEquals(0.5, (double) shown.get(1).get("difference"), 1e-15);
        for (int i = 0; i < 5; i++) {
            assertEquals(200L, shown.get(i).get("n_employees"));
            assertEquals(false, shown.get(i).get("suppressed"));
            assertEquals(null, shown.get(i).get("n_events"));
            assertEquals(null, shown.get(i).get("difference_ci_low"));
        }
        for (int i = 2; i < 5; i++) {
            assertEquals(null, shown.get(i).get("difference"), "withheld, not rounded");
        }
        // The audit recomputes the people behind each figure from the unprotected curve: the controlled release
        // passes; the release rounded on n_employees (P1 0.05, P2 0.3, P3..P5 0.05) is refused, P1 and P2 for a
        // figure on no safe step, P3..P5 for rounding at all.
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", shown), source, RULES, K));
        List<Map<String, Object>> onSize = roundedOnSize(rows);
        assertEquals(0.05, (double) onSize.get(0).get("difference"), 1e-15);
        Map<String, List<String>> found = new LinkedHashMap<>();
        DisclosureAudit.violations(Map.of("retention_summary", onSize), source, RULES, K)
                .forEach(v -> found.put(v.rule(), v.rows()));
        assertEquals(
                List.of(
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=12)",
                        "(program_id=P2, cohort=mentee, method=matched, horizon_months=12)"),
                found.get("disclosure:coarsened"),
                found.toString());
        assertEquals(
                List.of(
                        "(program_id=P3, cohort=mentee, method=matched, horizon_months=12)",
                        "(program_id=P4, cohort=mentee, method=matched, horizon_months=12)",
                        "(program_id=P5, cohort=mentee, method=matched, horizon_months=12)"),
                found.get("disclosure:coarsened_at_risk"),
                found.toString());
    }

    static Map<String, Object> withDifference(Map<String, Object> r, double difference) {
        r.put("difference", difference);
        return r;
    }

    @Test
    void roundedPartsOfASumCannotBeNarrowedBelowKBySubtraction() {
        // ALL = P1 + P2 + P3 matched mentees at 12 months, everyone followed past 12 months, comparators 1,000.
        //   ALL 500 people, 40 exits (shown), P3 100 people, 29 exits (shown): ALL − P3 = 11 = e1 + e2.
        //   P1 200 people, e1 = 5, true difference 0.0255; P2 200 people, e2 = 6, true difference 0.0255.
        // Both are rounded on step 0.05 (0.05 · 200 = 10 people): 0.0255 → 0.05, window [0.025, 0.075).
        // A reader inverting retention = 1 − e / n (comparison retention S0 = 0.975 − 0.0255 = 0.9495 for P1,
        // 0.97 − 0.0255 = 0.9445 for P2) learns e1 ∈ (200 · (0.0505 − 0.075), 200 · (0.0505 − 0.025)] = (−4.9, 5.1],
        // so 0..5, and e2 ∈ (−3.9, 6.1], so 0..6: each alone admits 0, as a rounded row must. In people around the
        // truth each window is 9.9 below and 0.1 above. Today's rules publish this (the two hidden counts add up
        // to 11 ≥ k). But e1 + e2 = 11 with e1 ≤ 5.1 and e2 ≤ 6.1 forces e1 ≥ 4.9 and e2 ≥ 5.9: e1 = 5, e2 = 6.
        // The check: P1's feasible range is [max(0, 5 − 9.9), 5 + 0.1] ∩ [40 − 29 − 6.1, 40 − 29 − 0] = [4.9, 5.1],
        // 0.2 people wide, not admitting 0: P1's figure is withdrawn (P1 ∈ [0, 200]). Then P1 ∈ [0, 200] ∩
        // [11 − 6.1, 11 − 0] = [4.9, 11]: 6.1 wide, still no 0, so P2's figure goes too. Now e1 + e2 = 11 with
        // both in [0, 200]: each in [0, 11]. ALL and P3 stay exact; P1 and P2 show their sizes only.
        List<Map<String, Object>> rows = List.of(
                withDifference(retention("ALL", "mentee", "matched", 12, 500, 40), 0.02),
                withDifference(retention("P1", "mentee", "matched", 12, 200, 5), 0.0255),
                withDifference(retention("P2", "mentee", "matched", 12, 200, 6), 0.0255),
                withDifference(retention("P3", "mentee", "matched", 12, 100, 29), -0.04));
        List<List<Map<String, Object>>> curves = new ArrayList<>();
        for (String p : List.of("ALL", "P1", "P2", "P3")) {
            curves.add(atRisk(
                    p,
                    "mentee",
                    "matched",
                    flat(((Number) rows.stream()
                                    .filter(r -> r.get("program_id").equals(p))
                                    .findFirst()
                                    .orElseThrow()
                                    .get("n_employees"))
                            .longValue())));
            curves.add(atRisk(p, "comparison", "matched", flat(1000)));
        }
        Map<String, List<Map<String, Object>>> source = release(rows, curves);
        var decl = RULES.table("retention_summary").orElseThrow();
        // What the rules published before the window check: P1 and P2 rounded to 0.05, ALL and P3 exact.
        List<Map<String, Object>> before = new ArrayList<>(rows);
        before.set(1, roundedOnSize(List.of(rows.get(1))).get(0));
        before.set(2, roundedOnSize(List.of(rows.get(2))).get(0));
        assertEquals(0.05, (double) before.get(1).get("difference"), 1e-15);
        assertEquals(0.05, (double) before.get(2).get("difference"), 1e-15);
        // The audit finds it: P1 narrowed to [4.9, 5.1], P2 to [5.9, 6.1].
        List<DisclosureAudit.Violation> found =
                DisclosureAudit.violations(Map.of("retention_summary", before), source, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:joint_range", found.get(0).rule());
        assertEquals(
                List.of(
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=12): n_events narrowed to"
                                + " [4.9, 5.1] by the table's relations jointly",
                        "(program_id=P2, cohort=mentee, method=matched, horizon_months=12): n_events narrowed to"
                                + " [5.9, 6.1] by the table's relations jointly"),
                found.get(0).rows());
        // The control withholds both figures, keeps the sizes, ALL and P3; the audit accepts the result.
        Decision d = CellSuppression.protect(source, RULES, K).get("retention_summary");
        assertEquals(Set.of(), hidden(d, rows, "program_id"));
        assertEquals(Set.of("P1", "P2"), coarsened(d, rows, "program_id"));
        List<Map<String, Object>> shown = DisclosureControl.hide(rows, decl, d, K);
        assertEquals(null, shown.get(1).get("difference"));
        assertEquals(null, shown.get(2).get("difference"));
        assertEquals(200L, shown.get(1).get("n_employees"));
        assertEquals(40L, shown.get(0).get("n_events"));
        assertEquals(29L, shown.get(3).get("n_events"));
        assertTrue(
                d.coarsened().get(1).rule().contains("narrowed"),
                d.coarsened().get(1).rule());
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", shown), source, RULES, K));
        // The adversary, by brute force: every (e1, e2) with e1 + e2 = ALL − P3 whose figures would publish
        // what is shown (retention = 1 − e / 200 against the known S0 of each, rounded on 0.05).
        assertEquals(Set.of(5), exitsOfP1ConsistentWith(before));
        Set<Integer> after = exitsOfP1ConsistentWith(shown);
        assertTrue(after.contains(0) && after.size() >= K, after.toString());
    }

    /** n people at risk at every month 0..24. */
    static long[] flat24(long n) {
        long[] out = new long[25];
        java.util.Arrays.fill(out, n);
        return out;
    }

    /** The matched mentees of ALL, P1, P2, P3 at 12 and 24 months, with every program's curves flat to 24 months. */
    private static Map<String, List<Map<String, Object>>> twoHorizons(List<Map<String, Object>> rows) {
        List<List<Map<String, Object>>> curves = new ArrayList<>();
        for (String p : List.of("ALL", "P1", "P2", "P3")) {
            long n = ((Number) rows.stream()
                            .filter(r -> r.get("program_id").equals(p))
                            .findFirst()
                            .orElseThrow()
                            .get("n_employees"))
                    .longValue();
            curves.add(atRisk(p, "mentee", "matched", flat24(n)));
            curves.add(atRisk(p, "comparison", "matched", flat24(1000)));
        }
        return release(rows, curves);
    }

    /** A row as published rounded on {@code step} (null: its figure withdrawn, size only). */
    private static Map<String, Object> published(Map<String, Object> truth, Double step) {
        Map<String, Object> row = new LinkedHashMap<>(truth);
        DisclosureControl.coarsen(row, RULES.table("retention_summary").orElseThrow(), step);
        return row;
    }

    @Test
    void aCountNarrowedBelowKOnlyByTwoRelationsTogetherIsFoundAndWithheld() {
        // Matched mentees at 12 and 24 months; nobody leaves between 12 and 24. ALL 500 people, 50 exits, and P3
        // 100 people, 29 exits, are shown at both horizons, so P1 + P2 = 21 exits at 12 and at 24 months.
        //   P1 (200 people, 5 exits): at 12 months rounded, true difference 0.0255 → 0.05 on a step of 0.05
        //     (0.05 · 200 = 10 people); that window holds 9.9 people below the truth and 0.1 above: e1@12 ∈ [0, 5.1].
        //     At 24 months its figure is withheld (size only): e1@24 ∈ [0, 200].
        //   P2 (200 people, 16 exits): at 12 months withheld, e2@12 ∈ [0, 200]; at 24 months rounded, true difference
        //     −0.0245 → 0.0 (9.9 below, 0.1 above): e2@24 ∈ [6.1, 16.1].
        // One relation at a time, everything passes: ALL − P3 at 12 gives e1 ∈ [21 − 200, 21] ∩ [0, 5.1] = [0, 5.1]
        // (admits 0); at 24, e1 ∈ [21 − 16.1, 21 − 6.1] = [4.9, 14.9], 10 people wide; 24 ⊇ 12 compares shown
        // counts only (ALL 50 − 50, P3 29 − 29). Jointly, exits are cumulative: e2@12 ≤ e2@24 ≤ 16.1, so
        // e1@12 = 21 − e2@12 ≥ 4.9: e1@12 ∈ [4.9, 5.1], P1's 5 exits by 12 months are pinned; and since the totals
        // are equal, e1@24 ≥ e1@12 and e2@24 ≥ e2@12 force e1@24 = e1@12: P1's 5 exits by 24 months too.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "matched", 12, 500, 50),
                withDifference(retention("P1", "mentee", "matched", 12, 200, 5), 0.0255),
                withDifference(retention("P2", "mentee", "matched", 12, 200, 16), 0.0),
                retention("P3", "mentee", "matched", 12, 100, 29),
                retention("ALL", "mentee", "matched", 24, 500, 50),
                withDifference(retention("P1", "mentee", "matched", 24, 200, 5), 0.02),
                withDifference(retention("P2", "mentee", "matched", 24, 200, 16), -0.0245),
                retention("P3", "mentee", "matched", 24, 100, 29));
        Map<String, List<Map<String, Object>>> source = twoHorizons(rows);
        List<Map<String, Object>> before = new ArrayList<>(rows);
        before.set(1, published(rows.get(1), 0.05));
        before.set(2, published(rows.get(2), null));
        before.set(5, published(rows.get(5), null));
        before.set(6, published(rows.get(6), 0.05));
        assertEquals(0.05, (double) before.get(1).get("difference"), 1e-15);
        assertEquals(0.0, (double) before.get(6).get("difference"), 1e-15);
        // The audit blocks it, naming the row and the range; no other rule fires.
        List<DisclosureAudit.Violation> found =
                DisclosureAudit.violations(Map.of("retention_summary", before), source, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:joint_range", found.get(0).rule());
        assertEquals(
                List.of(
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=12): n_events narrowed to"
                                + " [4.9, 5.1] by the table's relations jointly",
                        "(program_id=P1, cohort=mentee, method=matched, horizon_months=24): n_events narrowed to"
                                + " [4.9, 5.1] by the table's relations jointly"),
                found.get(0).rows());
        // The control withholds one more cell: P1's figure at 12 months. Then e1@12 = e1@24 = 21 − e2@24 ∈ [4.9, 14.9]:
        // 10 people wide. Nothing else changes, and the audit accepts the result.
        var decl = RULES.table("retention_summary").orElseThrow();
        Decision d = CellSuppression.protect(Map.of("retention_summary", before), source, RULES, K)
                .get("retention_summary");
        List<Map<String, Object>> shown = DisclosureControl.hide(before, decl, d, K);
        assertTrue(
                d.coarsened().get(1).rule().startsWith("joint"),
                d.coarsened().get(1).rule());
        assertEquals(Set.of(), hidden(d, rows, "program_id", "horizon_months"));
        assertEquals(null, shown.get(1).get("difference"));
        assertEquals(200L, shown.get(1).get("n_employees"));
        for (int i : new int[] {0, 2, 3, 4, 5, 6, 7}) {
            assertEquals(before.get(i), shown.get(i), "row " + i + " unchanged");
        }
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", shown), source, RULES, K));
        // The adversary, by brute force over whole exits: e1@12 + e2@12 = e1@24 + e2@24 = 21, exits cumulative,
        // each shown figure reproduced (retention 1 − e / 200 against the comparison's S0: 0.9495 for P1, 0.9445 for
        // P2).
        assertEquals(Set.of(5), exitsOfP1At12ConsistentWith(before));
        Set<Integer> after = exitsOfP1At12ConsistentWith(shown);
        assertTrue(after.size() >= K, after.toString());
    }

    private static Set<Integer> exitsOfP1At12ConsistentWith(List<Map<String, Object>> published) {
        Set<Integer> out = new TreeSet<>();
        for (int e1 = 0; e1 <= 21; e1++) {
            for (int f1 = e1; f1 <= 21; f1++) { // P1 by 24 months
                int e2 = 21 - e1;
                int f2 = 21 - f1;
                if (f2 < e2) {
                    continue;
                }
                boolean consistent = figureMatches(published.get(1), e1, 0.9495)
                        && figureMatches(published.get(2), e2, 0.9445)
                        && figureMatches(published.get(5), f1, 0.9495)
                        && figureMatches(published.get(6), f2, 0.9445);
                if (consistent) {
                    out.add(e1);
                }
            }
        }
        return out;
    }

    private static boolean figureMatches(Map<String, Object> row, int exits, double s0) {
        Object shown = row.get("difference");
        return shown == null
                || Math.abs(CellSuppression.roundToStep(1.0 - exits / 200.0 - s0, 0.05) - (double) shown) < 1e-9;
    }

    @Test
    void hiddenCountsTheRelationsLeaveWideAreNotFlagged() {
        // The same two horizons, but P1 and P2 withheld at both (sizes only) and P1 rounded at 12 months only:
        // e1@12 + e2@12 = 21, e1@24 + e2@24 = 31 (10 more exits by 24 months, P1 5 → 7, P2 16 → 24), exits
        // cumulative. A reader can put every exit in P2: e1@12 = 0, e1@24 = 0, e2@12 = 21, e2@24 = 31 satisfies
        // everything, so each P1 count admits 0 (and e1@24 ∈ [0, 31] is 31 wide). Nothing is narrowed.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "matched", 12, 500, 50),
                withDifference(retention("P1", "mentee", "matched", 12, 200, 5), 0.0255),
                withDifference(retention("P2", "mentee", "matched", 12, 200, 16), 0.0),
                retention("P3", "mentee", "matched", 12, 100, 29),
                retention("ALL", "mentee", "matched", 24, 500, 60),
                withDifference(retention("P1", "mentee", "matched", 24, 200, 7), 0.02),
                withDifference(retention("P2", "mentee", "matched", 24, 200, 24), -0.0245),
                retention("P3", "mentee", "matched", 24, 100, 29));
        Map<String, List<Map<String, Object>>> source = twoHorizons(rows);
        List<Map<String, Object>> release = new ArrayList<>(rows);
        release.set(1, published(rows.get(1), 0.05));
        release.set(2, published(rows.get(2), null));
        release.set(5, published(rows.get(5), null));
        release.set(6, published(rows.get(6), null));
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", release), source, RULES, K));
        Decision d = CellSuppression.protect(Map.of("retention_summary", release), source, RULES, K)
                .get("retention_summary");
        assertEquals(
                release,
                DisclosureControl.hide(release, RULES.table("retention_summary").orElseThrow(), d, K),
                "a release the joint check accepts is left as it is");
    }

    private static Set<Integer> exitsOfP1ConsistentWith(List<Map<String, Object>> published) {
        long total = (long) published.get(0).get("n_events")
                - (long) published.get(3).get("n_events");
        double[] s0 = {0.9495, 0.9445};
        Set<Integer> out = new TreeSet<>();
        for (int e1 = 0; e1 <= total; e1++) {
            int[] e = {e1, (int) total - e1};
            boolean consistent = true;
            for (int j = 0; j < 2; j++) {
                Object shownFigure = published.get(1 + j).get("difference");
                if (shownFigure != null) {
                    double figure = CellSuppression.roundToStep(1.0 - e[j] / 200.0 - s0[j], 0.05);
                    consistent &= Math.abs(figure - (double) shownFigure) < 1e-9;
                }
            }
            if (consistent) {
                out.add(e1);
            }
        }
        return out;
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
    void aMonthAfterAHiddenHorizonIsJudgedFromTheLastMonthTheCurveShowsAndTheAuditSeesIt() {
        // Found by a reader of the sample's gold: P-ONB's 23 matched mentees, one exit (month 2) by month 25.
        // The summary's horizons 6, 12 and 24 are anchors, but its rows are hidden (one exit among 23), so
        // survival at month 25 (20/21, with 0 steps since the anchor at 24) gave the one exit away against
        // month 0. Only month 0 may show: every later month is one exit from it (or under k at risk).
        long[][] m = {
            {23, 0, 0}, {23, 0, 1}, {22, 1, 1}, {20, 0, 0}, {20, 0, 1}, {19, 0, 0}, {19, 0, 0}, {19, 0, 0},
            {19, 0, 1}, {18, 0, 0}, {18, 0, 1}, {17, 0, 0}, {17, 0, 0}, {17, 0, 0}, {17, 0, 2}, {15, 0, 0},
            {15, 0, 0}, {15, 0, 1}, {14, 0, 0}, {14, 0, 0}, {14, 0, 1}, {13, 0, 1}, {12, 0, 0}, {12, 0, 0},
            {12, 0, 0}, {12, 0, 0}, {12, 0, 0}, {12, 0, 1}, {11, 0, 0}, {11, 0, 0}, {11, 1, 2}, {8, 0, 0}
        };
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            curve.add(curveRow("P-ONB", i, m[i][0], m[i][1], m[i][2]));
        }
        List<Map<String, Object>> summary = new ArrayList<>();
        for (int h : new int[] {6, 12, 24}) {
            summary.add(retention("P-ONB", "mentee", "naive", h, 23, 1));
        }
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("retention_summary", summary);
        release.put("retention_curve", curve);
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        Set<String> months = new TreeSet<>();
        for (int i = 1; i < m.length; i++) {
            months.add(String.valueOf(i));
        }
        assertEquals(months, hidden(d.get("retention_curve"), curve, "month"));

        // The audit judges the published curve's steps on the counts before control (the published months
        // show none): the release as controlled passes; months 25-27 shown as before the fix are refused.
        Map<String, List<Map<String, Object>>> released = new LinkedHashMap<>();
        released.put(
                "retention_summary",
                DisclosureControl.hide(
                        summary, RULES.table("retention_summary").orElseThrow(), d.get("retention_summary"), K));
        List<Map<String, Object>> controlled = DisclosureControl.hide(
                curve, RULES.table("retention_curve").orElseThrow(), d.get("retention_curve"), K);
        released.put("retention_curve", controlled);
        assertEquals(List.of(), DisclosureAudit.violations(released, release, RULES, K));
        List<Map<String, Object>> careless = new ArrayList<>(controlled);
        for (int month = 25; month <= 27; month++) {
            Map<String, Object> shown = new LinkedHashMap<>(curve.get(month));
            shown.put("n_events", null);
            shown.put("n_censored", null);
            careless.set(month, shown);
        }
        released.put("retention_curve", careless);
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(released, release, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("disclosure:complementary", found.get(0).rule());
        assertEquals(3, found.get(0).rows().size(), found.toString());
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
    void declarationsAreStrict() throws Exception {
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
        String nested = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    people: [n, e]\n    within: [[n, e]]\n"
                + "    relations:\n      - {kind: contains, column: a, whole: x, part: y, nested: true}\n";
        assertTrue(parse(nested).table("t").orElseThrow().relations().get(0).nested());
        assertThrows(
                Exception.class,
                () -> parse(nested.replace(
                        "kind: contains, column: a, whole: x, part: y", "kind: sum, column: a, whole: x")),
                "a sum is not nested");
        assertThrows(Exception.class, () -> parse(nested.replace("nested: true", "nested: maybe")));
        String atRisk = "tables:\n  t:\n    audience: gold\n    keys: [a, h]\n    people: [n, e]\n"
                + "    coarsen: {count: e, rounded: d, at_risk: {table: u, column: n, up_to: h}}\n"
                + "  u:\n    audience: gold\n    keys: [a, m]\n    people: [n]\n    curve: m\n"
                + "    links: [{column: n, program_id: a}]\n";
        parse(atRisk);
        assertThrows(Exception.class, () -> parse(atRisk.replace("    curve: m\n", "")), "at risk comes from a curve");
        assertThrows(Exception.class, () -> parse(atRisk.replace("up_to: h", "up_to: x")), "up_to is a key");
        assertThrows(Exception.class, () -> parse(atRisk.replace("column: n, up_to", "column: z, up_to")));
        assertThrows(
                IllegalStateException.class,
                () -> CellSuppression.protect(Map.of("undeclared_table", List.of()), RULES, K),
                "an undeclared table is refused");
        String score = "tables:\n  t:\n    audience: gold\n    keys: [a, m]\n    people: [n]\n    scores:\n"
                + "      - {figure: v, size: n, per: 100, counts: [p, d], where: {m: enps}}\n";
        assertEquals(List.of("p", "d"), parse(score).table("t").orElseThrow().latent());
        assertThrows(Exception.class, () -> parse(score.replace("size: n", "size: v")), "the size counts people");
        assertThrows(Exception.class, () -> parse(score.replace("figure: v", "figure: n")), "a figure, not a count");
        assertThrows(Exception.class, () -> parse(score.replace("figure: v", "figure: a")), "a figure, not a key");
        assertThrows(Exception.class, () -> parse(score.replace("[p, d]", "[p, p]")), "two counts");
        assertThrows(Exception.class, () -> parse(score.replace("[p, d]", "[p]")), "two counts");
        assertThrows(Exception.class, () -> parse(score.replace("[p, d]", "[p, n]")), "shown nowhere");
        assertThrows(Exception.class, () -> parse(score.replace("per: 100", "per: 0")), "a positive per");
        assertThrows(Exception.class, () -> parse(score.replace("per: 100, ", "")), "per is required");
        assertThrows(Exception.class, () -> parse(score.replace("{m: enps}", "{x: enps}")), "where names keys");
        assertThrows(Exception.class, () -> parse(score.replace("per: 100", "per: 100, weighted: no")));
        String reference = "tables:\n  t:\n    audience: gold\n    kind: reference\n    keys: [a]\n";
        assertTrue(parse(reference).table("t").orElseThrow().isReference());
        assertThrows(Exception.class, () -> parse(reference + "    people: [n]\n"), "a reference counts no one");
        assertThrows(Exception.class, () -> parse(reference + "    keep: [b]\n"), "nothing to keep: nothing is hidden");
        assertThrows(Exception.class, () -> parse(reference.replace("audience: gold", "audience: admin")));
        assertThrows(Exception.class, () -> parse(reference.replace("reference", "catalogue")), "unknown kind");
        assertThrows(
                Exception.class,
                () -> parse(reference.replace("    kind: reference\n", "")),
                "a gold table without people columns says it is a reference");
    }

    @Test
    void aReferenceTableIsNotAuditedForPeopleButItsStrayCountsAre() {
        // dim_program is declared kind: reference: names and dates of programs, published as is.
        ReleaseRules.Table dim = RULES.table("dim_program").orElseThrow();
        assertTrue(dim.isReference());
        Map<String, Object> tiny = new java.util.LinkedHashMap<>();
        tiny.put("program_id", "P9");
        tiny.put("program_name", "Three people");
        tiny.put("as_of", java.sql.Date.valueOf("2026-10-31"));
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("dim_program", List.of(tiny)), RULES, K));
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("program_id", org.apache.spark.sql.types.DataTypes.StringType)
                .add("n_participants", org.apache.spark.sql.types.DataTypes.LongType);
        assertEquals(
                List.of("column n_participants (bigint) is neither people nor not_people"),
                DisclosureAudit.undeclaredCounts(schema, dim));
    }

    /** An engagement_summary row; goals of every category are not delivered (null) unless set after. */
    static Map<String, Object> engagement(
            String program, long matches, long mentees, long active, long eligible, long stalled) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", program);
        r.put("n_matches", matches);
        r.put("n_active_matches", active);
        r.put("n_mentees", mentees);
        r.put("meetings_held", 10 * matches);
        r.put("stall_eligible_matches", eligible);
        r.put("stalled_matches", stalled);
        r.put("stalled_share", (double) stalled / eligible);
        for (String g : List.of("task", "business", "talent")) {
            r.put("goals_" + g + "_set", null);
            r.put("goals_" + g + "_achieved", null);
            r.put("goals_" + g + "_achieved_rate", null);
        }
        r.put("suppressed", false);
        return r;
    }

    private static Map<String, Object> withTaskGoals(Map<String, Object> r, long set, long achieved) {
        r.put("goals_task_set", set);
        r.put("goals_task_achieved", achieved);
        r.put("goals_task_achieved_rate", (double) achieved / set);
        return r;
    }

    private static final List<String> STALL = List.of("stall_eligible_matches", "stalled_matches", "stalled_share");

    @Test
    void twoTablesCountingOneGroupDifferByZeroOrAtLeastKAndTheAuditSeesIt() {
        // Found by a reader of the sample's gold: engagement_summary counts every matched mentee (ALL 306),
        // retention_summary the matched cohort among them (ALL 302): 4 people outside the headline cohort.
        // ALL: 306 − 302 = 4 and P2: 106 − 102 = 4 hide engagement's n_mentees facet on those rows (the
        // declared sacrifice), not the retention rows; P1: 200 − 200 = 0 stays. Every table on its own passes.
        List<Map<String, Object>> engagement = List.of(
                engagement("ALL", 400, 306, 300, 200, 20),
                engagement("P1", 250, 200, 180, 120, 10),
                engagement("P2", 150, 106, 120, 80, 10));
        List<Map<String, Object>> retention = List.of(
                retention("ALL", "mentee", "matched", 12, 302, 20),
                retention("P1", "mentee", "matched", 12, 200, 10),
                retention("P2", "mentee", "matched", 12, 102, 10));
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("engagement_summary", engagement);
        release.put("retention_summary", retention);
        for (String table : release.keySet()) {
            assertEquals(List.of(), DisclosureAudit.violations(Map.of(table, release.get(table)), RULES, K), table);
        }
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertEquals(Map.of(), d.get("retention_summary").rows());
        assertEquals(Map.of(), d.get("engagement_summary").rows());
        for (int i = 0; i < engagement.size(); i++) {
            assertEquals(
                    i != 1,
                    d.get("engagement_summary")
                            .columns()
                            .getOrDefault(i, Set.of())
                            .contains("n_mentees"),
                    "row " + engagement.get(i).get("program_id"));
        }
        Map<String, List<Map<String, Object>>> released = released(release, d);
        assertEquals(null, released.get("engagement_summary").get(0).get("n_mentees"));
        assertEquals(400L, released.get("engagement_summary").get(0).get("n_matches"));
        assertEquals(302L, released.get("retention_summary").get(0).get("n_employees"));
        assertEquals(List.of(), DisclosureAudit.violations(released, release, RULES, K));
        // Published as the tables were, each passing alone, the pair is refused.
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(release, release, RULES, K);
        assertEquals(1, found.size(), found.toString());
        assertEquals("engagement_summary", found.get(0).table());
        assertEquals("disclosure:complementary", found.get(0).rule());
        assertEquals(2, found.get(0).rows().size(), found.toString());
    }

    @Test
    void surveyRespondentsAreJudgedAgainstTheCohortTheyBelongTo() {
        // P1's 23 matched and 38 naive mentees, 205 comparators each way (retention_summary). The matched eNPS
        // row's 18 respondents leave 5 mentees who did not answer, and the matched DiD row's 200 responding
        // comparators leave 5 comparators: both survey rows go (the declared sacrifice), the retention rows
        // stay. The naive eNPS row (28 of 38 mentees, 195 of 205 comparators: 10 did not answer each) stays.
        List<Map<String, Object>> retention = List.of(
                retention("P1", "mentee", "matched", 12, 23, 0),
                retention("P1", "comparison", "matched", 12, 205, 30),
                retention("P1", "mentee", "naive", 12, 38, 0),
                retention("P1", "comparison", "naive", 12, 205, 30));
        List<Map<String, Object>> survey = List.of(
                satisfaction("enps", "matched", 18, 205),
                satisfaction("engagement_did", "matched", 23, 200),
                satisfaction("enps", "naive", 28, 195));
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("retention_summary", retention);
        release.put("satisfaction_summary", survey);
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("satisfaction_summary", survey), RULES, K));
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertEquals(Map.of(), d.get("retention_summary").rows());
        assertEquals(Set.of(0, 1), d.get("satisfaction_summary").rows().keySet());
        d.get("satisfaction_summary")
                .rows()
                .values()
                .forEach(h -> assertTrue(h.rule().startsWith("across"), h.rule()));
    }

    @Test
    void aGroupSizeShownInAnotherTableAndNestedMethodsPinAHiddenCountAndTheRestIsProtectedTogether() {
        // Found by a reader of the sample's gold (promotion_summary, 12 months, matched mentees): ALL 302 people,
        // 22 promotions = P-CAR + P-LDR + P-ONB. P-LDR's 4 and P-ONB's 3 are under k (primary); together 7, so
        // P-CAR's matched row goes too (complementary). But retention_summary shows P-CAR's matched mentees are
        // 168, and promotion_summary shows its 168 naive mentees with 15 promotions: the matched are all of them
        // (the non-promoted matched are among the non-promoted naive: 168 − e ≤ 168 − 15, and e ≤ 15), so P-CAR
        // matched has 15 and P-LDR + P-ONB have 22 − 15 = 7 promotions between them. The naive row goes too
        // (sacrificed first); ALL stays.
        List<Map<String, Object>> promotion = List.of(
                promotion("ALL", "matched", 302, 22),
                promotion("P-CAR", "naive", 168, 15),
                promotion("P-CAR", "matched", 168, 15),
                promotion("P-LDR", "matched", 111, 4),
                promotion("P-ONB", "matched", 23, 3));
        List<Map<String, Object>> retention = List.of(retention("P-CAR", "mentee", "matched", 12, 168, 20));
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("promotion_summary", promotion);
        release.put("retention_summary", retention);
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertEquals(
                Set.of("P-CAR/naive", "P-CAR/matched", "P-LDR/matched", "P-ONB/matched"),
                hidden(d.get("promotion_summary"), promotion, "program_id", "method"));
        assertTrue(
                d.get("promotion_summary").rows().get(1).rule().contains("together"),
                d.get("promotion_summary").rows().get(1).rule());
        assertEquals(Map.of(), d.get("retention_summary").rows());

        // Released as the per-relation rules alone left it, the audit names the 7 and blocks it.
        Map<String, List<Map<String, Object>>> careless = new LinkedHashMap<>(release);
        careless.put(
                "promotion_summary",
                DisclosureControl.hide(
                        promotion,
                        RULES.table("promotion_summary").orElseThrow(),
                        new Decision(
                                Map.of(
                                        2, new CellSuppression.Hidden("complementary", "n_events"),
                                        3, new CellSuppression.Hidden("primary", "n_events"),
                                        4, new CellSuppression.Hidden("primary", "n_events")),
                                Map.of(),
                                Map.of()),
                        K));
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(careless, release, RULES, K);
        assertTrue(
                found.stream()
                        .anyMatch(v -> v.table().equals("promotion_summary")
                                && v.rule().equals("disclosure:joint_range")
                                && v.rows().toString().contains("[7.0, 7.0]")),
                found.toString());
        Map<String, List<Map<String, Object>>> released = released(release, d);
        assertEquals(List.of(), DisclosureAudit.violations(released, release, RULES, K));

        // Without retention_summary, P-CAR's matched size is unknown (anything up to 168): the naive row stays.
        Decision alone = CellSuppression.protect(Map.of("promotion_summary", promotion), RULES, K)
                .get("promotion_summary");
        assertEquals(
                Set.of("P-CAR/matched", "P-LDR/matched", "P-ONB/matched"),
                hidden(alone, promotion, "program_id", "method"));
        // Two naive mentees more than matched: the matched have 13 to 15 promotions, the other two 7 to 9.
        List<Map<String, Object>> twoMore = new ArrayList<>(promotion);
        twoMore.set(1, promotion("P-CAR", "naive", 170, 15));
        release.put("promotion_summary", twoMore);
        assertTrue(CellSuppression.protect(release, RULES, K)
                .get("promotion_summary")
                .rows()
                .containsKey(1));
    }

    @Test
    void aHiddenWholeBoundedByWhatIsShownBesideItStillProtectsItsPart() {
        // Found by a reader of the sample's gold: P1 has 29 matches and 26 mentees, so its mentee count is a
        // hidden facet (29 − 26 = 3 repeat matches). But its 23 matched mentees (retention_summary) and its 29
        // matches bound it to 23..29, and 20 mentees have a match with six rated meetings
        // (satisfaction_summary): 3 to 9 have none, a range under k that excludes 0. The rating row goes.
        List<Map<String, Object>> engagement = List.of(engagement("P1", 29, 26, 15, 20, 10));
        List<Map<String, Object>> retention = List.of(retention("P1", "mentee", "matched", 12, 23, 0));
        Map<String, Object> rating = satisfaction("action_rating_first3_vs_last3", "observed", 20, 20);
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        release.put("engagement_summary", engagement);
        release.put("retention_summary", retention);
        release.put("satisfaction_summary", List.of(rating));
        Map<String, Decision> d = CellSuppression.protect(release, RULES, K);
        assertTrue(d.get("engagement_summary").columns().get(0).contains("n_mentees"));
        assertEquals(Set.of(0), d.get("satisfaction_summary").rows().keySet());
        assertTrue(
                d.get("satisfaction_summary").rows().get(0).rule().contains("bounded"),
                d.get("satisfaction_summary").rows().get(0).rule());
        assertEquals(Map.of(), d.get("retention_summary").rows());
        // Published with only the mentee facet hidden, the audit's re-run names the rating row.
        Map<String, List<Map<String, Object>>> careless = new LinkedHashMap<>(release);
        careless.put(
                "engagement_summary",
                DisclosureControl.hide(
                        engagement, RULES.table("engagement_summary").orElseThrow(), d.get("engagement_summary"), K));
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(careless, release, RULES, K);
        assertTrue(
                found.stream()
                        .anyMatch(v -> v.table().equals("satisfaction_summary")
                                && v.rule().equals("disclosure:complementary")),
                found.toString());
        // With 40 matches (37 mentees) the bounds are 23..40: 3 to 20 without, nothing pinned. The row stays.
        release.put("engagement_summary", List.of(engagement("P1", 40, 37, 15, 20, 10)));
        assertEquals(
                Map.of(),
                CellSuppression.protect(release, RULES, K)
                        .get("satisfaction_summary")
                        .rows());
    }

    /** Every table of a release as disclosure control publishes it under decisions {@code d}. */
    private static Map<String, List<Map<String, Object>>> released(
            Map<String, List<Map<String, Object>>> release, Map<String, Decision> d) {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        for (String table : release.keySet()) {
            out.put(
                    table,
                    DisclosureControl.hide(
                            release.get(table), RULES.table(table).orElseThrow(), d.get(table), K));
        }
        return out;
    }

    /** A mentee row of promotion_summary at 12 months. */
    private static Map<String, Object> promotion(String program, String method, long n, long promotions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", program);
        r.put("cohort", "mentee");
        r.put("method", method);
        r.put("horizon_months", 12);
        r.put("n_employees", n);
        r.put("n_events", promotions);
        r.put("promotion_rate", (double) promotions / n);
        r.put("suppressed", false);
        return r;
    }

    /** A mentee row of satisfaction_summary for P1: its respondents and the comparison arm's. */
    private static Map<String, Object> satisfaction(String metric, String method, long n, long comparisonN) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", "P1");
        r.put("metric", metric);
        r.put("cohort", "mentee");
        r.put("method", method);
        r.put("n_employees", n);
        // An eNPS is a whole number of people per its respondents (0: as many promoters as detractors).
        r.put("value", metric.equals("enps") ? 0.0 : 0.5);
        r.put("comparison_n_employees", comparisonN);
        r.put("comparison_value", metric.equals("enps") ? 0.0 : 0.4);
        r.put("suppressed", false);
        return r;
    }

    /** An eNPS row of mentees: n respondents, promoters − detractors = d, 200 naive comparators at 0. */
    private static Map<String, Object> enps(String program, String method, long n, long d) {
        Map<String, Object> r = satisfaction("enps", method, n, 200);
        r.put("program_id", program);
        r.put("value", 100.0 * d / n);
        return r;
    }

    @Test
    void anEnpsAndItsRespondentsBoundPromotersDetractorsAndPassivesAndARowPinningOneUnderKGoes() {
        // eNPS = 100 (P − D) / n, so P − D = d; with P + D ≤ n, P ∈ [max(0, d), ⌊(n + d)/2⌋], D ∈ [max(0, −d),
        // ⌊(n − d)/2⌋], and the passives n − P − D ∈ [(n − d) mod 2, n − |d|] (P + D has d's parity).
        //   P1: 18, d = −1 (−5.56): D ∈ [1, 9], at least one and at most nine detractors: hidden.
        //   P2: 40, d = −10 (−25): P ∈ [0, 15], D ∈ [10, 25], passives ∈ [0, 30]: shown.
        //   P3: 19, d = −10 (−52.63): P ∈ [0, 4], D ∈ [10, 14], passives odd so ∈ [1, 9]: hidden.
        //   P4: 12, d = 12 (100): everyone a promoter, P = 12 (not under k), D and passives 0: shown.
        //   P5: 20 and 3.3: not a whole number of people (the figure is not the declared score): hidden.
        List<Map<String, Object>> rows = new ArrayList<>(List.of(
                enps("P1", "matched", 18, -1),
                enps("P2", "matched", 40, -10),
                enps("P3", "matched", 19, -10),
                enps("P4", "matched", 12, 12),
                enps("P5", "matched", 20, 0)));
        rows.get(4).put("value", 3.3);
        Decision d = CellSuppression.protect(Map.of("satisfaction_summary", rows), RULES, K)
                .get("satisfaction_summary");
        assertEquals(Set.of("P1", "P3", "P5"), hidden(d, rows, "program_id"));
        assertEquals(
                "primary: value of n_employees puts detractors in [1, 9]",
                d.rows().get(0).rule());
        assertEquals(
                "primary: value of n_employees puts n_employees − promoters − detractors in [1, 9]",
                d.rows().get(2).rule());
        assertTrue(
                d.rows().get(4).rule().contains("not a whole number"),
                d.rows().get(4).rule());
        // The audit names the same rows of the careless release, and passes the controlled one.
        assertTrue(
                DisclosureAudit.violations(Map.of("satisfaction_summary", rows), RULES, K)
                        .contains(new DisclosureAudit.Violation(
                                "satisfaction_summary",
                                "disclosure:score:value",
                                List.of(
                                        "(program_id=P1, metric=enps, cohort=mentee, method=matched)",
                                        "(program_id=P3, metric=enps, cohort=mentee, method=matched)",
                                        "(program_id=P5, metric=enps, cohort=mentee, method=matched)"))),
                DisclosureAudit.violations(Map.of("satisfaction_summary", rows), RULES, K)
                        .toString());
        Map<String, List<Map<String, Object>>> release = Map.of("satisfaction_summary", rows);
        assertEquals(
                List.of(), DisclosureAudit.violations(released(release, Map.of("satisfaction_summary", d)), RULES, K));
    }

    @Test
    void promotersAndDetractorsNoTableShowsAreCarriedThroughTheRelations() {
        // P1's matched mentees are among its naive ones (the declared containment): 30 matched respondents with
        // d = +20 (P ∈ [20, 25]) and 40 naive ones with d = +15. Each row alone leaves the naive detractors in
        // [0, 12]. Together: the naive promoters are at least the matched 20, so the naive detractors are
        // P − 15 ∈ [5, 12.5] (the linear program's bound; 12 in whole people), five to twelve of them. The
        // joint range check finds it and the naive row goes (the declared sacrifice); the matched row stays.
        // Comparators (200 at d = 0) are wide either way; 40 − 30 naive but not matched is at least k.
        List<Map<String, Object>> rows = List.of(enps("P1", "matched", 30, 20), enps("P1", "naive", 40, 15));
        Map<String, List<Map<String, Object>>> release = Map.of("satisfaction_summary", rows);
        List<DisclosureAudit.Violation> careless = DisclosureAudit.violations(release, RULES, K);
        assertTrue(
                careless.contains(new DisclosureAudit.Violation(
                        "satisfaction_summary",
                        "disclosure:joint_range",
                        List.of("(program_id=P1, metric=enps, cohort=mentee, method=naive): detractors narrowed to"
                                + " [5.0, 12.5] by the table's relations jointly"))),
                careless.toString());
        // Each row alone passes: only the rows together say it.
        assertTrue(careless.stream().noneMatch(v -> v.rule().startsWith("disclosure:score")), careless.toString());
        Decision d = CellSuppression.protect(release, RULES, K).get("satisfaction_summary");
        assertEquals(Set.of(1), d.rows().keySet());
        assertTrue(
                d.rows().get(1).rule().contains("detractors narrowed to [5.0, 12.5]"),
                d.rows().get(1).rule());
        assertEquals(
                List.of(), DisclosureAudit.violations(released(release, Map.of("satisfaction_summary", d)), RULES, K));
    }

    @Test
    void aFacetUnderKHidesItsCountsAndFiguresNotTheRow() {
        // ALL = P1 + P2 + P3: 95 = 30 + 25 + 40 matches, 47 = 15 + 12 + 20 old enough to stall, 12 = 2 + 0 + 10
        // stalled. P1's 2 stalled matches are under k: its stall facet (eligible, stalled, share) goes, not its
        // matches or meetings. ALL − P2 − P3 = 2 would give them back, so the smallest other program's facet (P2,
        // 25 matches) goes too; P1 + P2 = 12 − 10 = 2 stalled together is still a group under k, so P3's goes
        // as well. ALL keeps its 12 of 47: no hidden part is narrowed below k by it ([0, 12] each, admitting 0).
        // Goals were not delivered (null): their facets are hidden, and no row is (a missing optional count
        // used to hide every row).
        List<Map<String, Object>> rows = List.of(
                engagement("ALL", 95, 95, 75, 47, 12),
                engagement("P1", 30, 30, 20, 15, 2),
                engagement("P2", 25, 25, 25, 12, 0),
                engagement("P3", 40, 40, 30, 20, 10));
        Decision d = CellSuppression.protect(Map.of("engagement_summary", rows), RULES, K)
                .get("engagement_summary");
        assertEquals(Map.of(), d.rows());
        for (int i = 0; i < rows.size(); i++) {
            Set<String> expected = new TreeSet<>(List.of(
                    "goals_task_set",
                    "goals_task_achieved",
                    "goals_task_achieved_rate",
                    "goals_business_set",
                    "goals_business_achieved",
                    "goals_business_achieved_rate",
                    "goals_talent_set",
                    "goals_talent_achieved",
                    "goals_talent_achieved_rate"));
            if (i > 0) {
                expected.addAll(STALL);
            }
            assertEquals(
                    expected,
                    new TreeSet<>(d.columns().get(i)),
                    "row " + rows.get(i).get("program_id"));
        }
        ReleaseRules.Table decl = RULES.table("engagement_summary").orElseThrow();
        List<Map<String, Object>> released = DisclosureControl.hide(rows, decl, d, K);
        assertEquals(12L, released.get(0).get("stalled_matches"));
        assertEquals(12.0 / 47, released.get(0).get("stalled_share"));
        assertEquals(30L, released.get(1).get("n_matches"));
        assertEquals(300L, released.get(1).get("meetings_held"));
        assertEquals(false, released.get(1).get("suppressed"));
        for (String c : STALL) {
            assertEquals(null, released.get(1).get(c), c);
        }
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("engagement_summary", released), RULES, K));
        // Control applied to its own output changes nothing.
        Decision again = CellSuppression.protect(Map.of("engagement_summary", released), RULES, K)
                .get("engagement_summary");
        assertEquals(released, DisclosureControl.hide(released, decl, again, K));
        // A careless release that shows P2's and P3's facets lets ALL − P2 − P3 = 2 be subtracted (showing P2's
        // alone would be safe: P1 + P3 = 12 stalled, each in [0, 12]); one that shows P1's share beside its hidden
        // counts shows a rate whose numerator's cell is hidden.
        List<Map<String, Object>> careless = new ArrayList<>(released);
        careless.set(2, rows.get(2));
        careless.set(3, rows.get(3));
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(
                Map.of("engagement_summary", careless), Map.of("engagement_summary", rows), RULES, K);
        assertTrue(
                found.stream()
                        .anyMatch(v -> v.rule().equals("disclosure:complementary")
                                && v.rows().get(0).startsWith("(program_id=P2)")),
                found.toString());
        assertTrue(
                found.stream()
                        .anyMatch(v -> v.rule().equals("disclosure:joint_range")
                                && v.rows().get(0).startsWith("(program_id=P1)")),
                found.toString());
        Map<String, Object> share = new LinkedHashMap<>(released.get(1));
        share.put("stalled_share", 2.0 / 15);
        careless.set(2, released.get(2));
        careless.set(3, released.get(3));
        careless.set(1, share);
        assertEquals(
                List.of(new DisclosureAudit.Violation(
                        "engagement_summary",
                        "disclosure:facet_blank:stall_eligible_matches",
                        List.of("(program_id=P1)"))),
                DisclosureAudit.violations(Map.of("engagement_summary", careless), RULES, K));
    }

    @Test
    void aRateTimesItsDenominatorIsANumeratorAndIsProtectedLikeOne() {
        // P1 achieved 24 of 25 task goals: the rate 0.96 beside 25 set gives 1 goal (one mentee) not achieved.
        // That difference is under k, so P1's task-goal facet goes (set, achieved, rate); ALL − P2 would give it
        // back, so P2's goes too (ALL = 50 set, 39 achieved; P2 = 25, 15). ALL's 11 not achieved stay shown: the
        // two hidden differences add to 11 and each lies in [0, 11], admitting 0. Every row and its matches stay.
        List<Map<String, Object>> rows = List.of(
                withTaskGoals(engagement("ALL", 60, 60, 60, 40, 20), 50, 39),
                withTaskGoals(engagement("P1", 30, 30, 30, 20, 10), 25, 24),
                withTaskGoals(engagement("P2", 30, 30, 30, 20, 10), 25, 15));
        Decision d = CellSuppression.protect(Map.of("engagement_summary", rows), RULES, K)
                .get("engagement_summary");
        assertEquals(Map.of(), d.rows());
        List<String> task = List.of("goals_task_set", "goals_task_achieved", "goals_task_achieved_rate");
        assertTrue(!d.columns().get(0).contains("goals_task_set"), d.columns().toString());
        assertTrue(d.columns().get(1).containsAll(task), d.columns().toString());
        assertTrue(d.columns().get(2).containsAll(task), d.columns().toString());
        assertTrue(
                d.columns().values().stream().noneMatch(c -> c.contains("stalled_matches")),
                d.columns().toString());
        List<Map<String, Object>> released =
                DisclosureControl.hide(rows, RULES.table("engagement_summary").orElseThrow(), d, K);
        assertEquals(39.0 / 50, released.get(0).get("goals_task_achieved_rate"));
        assertEquals(null, released.get(1).get("goals_task_achieved_rate"));
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("engagement_summary", released), RULES, K));
        // Published as it was before facets (the rate, no count), P1's row is a disclosure the audit names.
        List<DisclosureAudit.Violation> raw = DisclosureAudit.violations(Map.of("engagement_summary", rows), RULES, K);
        assertTrue(
                raw.contains(new DisclosureAudit.Violation(
                        "engagement_summary",
                        "disclosure:within:goals_task_set-goals_task_achieved",
                        List.of("(program_id=P1)"))),
                raw.toString());
    }

    @Test
    void facetDeclarationsAreStrict() throws Exception {
        String ok = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    people: [n, e, s]\n"
                + "    within: [[e, s]]\n    facets: [{counts: [e, s], figures: [share]}]\n";
        assertEquals(
                List.of("e", "s", "share"),
                parse(ok)
                        .table("t")
                        .orElseThrow()
                        .facetOf("share")
                        .orElseThrow()
                        .columns());
        assertThrows(
                Exception.class, () -> parse(ok.replace("counts: [e, s]", "counts: [n, s]")), "the size is no facet");
        assertThrows(
                Exception.class, () -> parse(ok.replace("figures: [share]", "figures: [n]")), "a figure counts no one");
        assertThrows(
                Exception.class, () -> parse(ok.replace("counts: [e, s]", "counts: [e]")), "a whole's part with it");
        parse(ok.replace("counts: [e, s]", "counts: [s]")); // a part alone: the difference hides the part
        assertThrows(Exception.class, () -> parse(ok.replace("counts: [e, s]", "counts: [x]")), "counts are people");
        assertThrows(Exception.class, () -> parse(ok + "    links: [{column: share, program_id: a}]\n"), "no links");
        assertThrows(Exception.class, () -> parse(ok + "    curve: a\n"), "no facets on a curve");
        assertThrows(
                Exception.class,
                () -> parse(ok.replace("figures: [share]}]", "figures: [share]}, {counts: [s]}]")),
                "one facet per column");
    }

    private static ReleaseRules parse(String yaml) throws Exception {
        return ReleaseRules.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
