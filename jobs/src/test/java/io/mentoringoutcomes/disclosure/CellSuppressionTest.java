package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.CellSuppression.Decision;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suppression rules on hand-built releases, with k = 10 and the shipped declarations
 * (schemas/release.yaml). Every expected cell set is worked out by hand in the comments.
 */
class CellSuppressionTest {

    private static final int K = 10;
    private static final ReleaseRules RULES = ReleaseRules.standard();

    static Map<String, Object> retention(String program, String cohort, String method, int horizon, long n, long events) {
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

    @Test
    void primaryHidesEveryPeopleCountUnderKIncludingEventsAndComplements() {
        List<Map<String, Object>> rows = List.of(
                retention("P1", "mentee", "naive", 12, 40, 0),         // 0 events is no one, but see below
                retention("P1", "mentee", "naive", 24, 40, 35),        // 5 still there: n − events under k
                retention("P1", "comparison", "naive", 12, 400, 5),    // 5 events: hidden
                retention("P1", "comparison", "naive", 24, 400, 10));  // shown
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K).get("retention_summary");
        // The mentee 12-month row goes too: its difference is its retention minus the hidden comparison's.
        assertEquals(Set.of("P1/comparison/naive/12", "P1/mentee/naive/12", "P1/mentee/naive/24"),
                hidden(d, rows, "program_id", "cohort", "method", "horizon_months"));
        assertEquals("n_events", d.rows().get(2).column());
        assertTrue(d.rows().get(1).rule().contains("n_employees − n_events"), d.rows().get(1).rule());
        assertTrue(d.rows().get(0).rule().startsWith("linked"), d.rows().get(0).rule());
    }

    @Test
    void secondarySuppressionHidesASecondCellSoTheFirstCannotBeSubtracted() {
        // ALL = P1 + P2 + P3 for mentees. P3 has 8 exits (primary). ALL − P1 − P2 would give them back,
        // so the smallest other program, P2 (25 < 35 people), is hidden too; ALL and P1 stay.
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 90, 30),
                retention("P1", "mentee", "naive", 12, 35, 12),
                retention("P2", "mentee", "naive", 12, 25, 10),
                retention("P3", "mentee", "naive", 12, 30, 8));
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K).get("retention_summary");
        assertEquals(Set.of("P2", "P3"), hidden(d, rows, "program_id"));
        assertTrue(d.rows().get(2).rule().startsWith("complementary"), d.rows().get(2).rule());
        assertTrue(d.rows().get(3).rule().startsWith("primary"), d.rows().get(3).rule());
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
        List<Map<String, Object>> shown = DisclosureControl.hide(roi, RULES.table("program_roi").orElseThrow(), d.get("program_roi"));
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
        Decision d = CellSuppression.protect(Map.of("retention_curve", rows), RULES, K).get("retention_curve");
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
        Decision d = CellSuppression.protect(Map.of("retention_curve", rows), RULES, K).get("retention_curve");
        assertEquals(Set.of("1"), hidden(d, rows, "month"));
    }

    @Test
    void theAuditFindsWhatTheControlFixesAndAcceptsItsOutput() {
        List<Map<String, Object>> rows = List.of(
                retention("ALL", "mentee", "naive", 12, 90, 30),
                retention("P1", "mentee", "naive", 12, 35, 12),
                retention("P2", "mentee", "naive", 12, 25, 10),
                retention("P3", "mentee", "naive", 12, 30, 8));
        List<DisclosureAudit.Violation> before = DisclosureAudit.violations(Map.of("retention_summary", rows), RULES, K);
        assertEquals(2, before.size(), before.toString());
        assertEquals(new DisclosureAudit.Violation("retention_summary", "disclosure:primary:n_events",
                List.of("(program_id=P3, cohort=mentee, method=naive, horizon_months=12)")), before.get(0));
        assertEquals("disclosure:complementary", before.get(1).rule());
        assertTrue(before.get(1).rows().get(0).startsWith("(program_id=P2"), before.toString());
        Decision d = CellSuppression.protect(Map.of("retention_summary", rows), RULES, K).get("retention_summary");
        List<Map<String, Object>> released = DisclosureControl.hide(rows, RULES.table("retention_summary").orElseThrow(), d);
        assertEquals(List.of(), DisclosureAudit.violations(Map.of("retention_summary", released), RULES, K));
        // Publishing P3 hidden but P2 shown is what a careless release does: recoverable by subtraction.
        List<Map<String, Object>> careless = new ArrayList<>(released);
        careless.set(2, rows.get(2));
        List<DisclosureAudit.Violation> found = DisclosureAudit.violations(Map.of("retention_summary", careless), RULES, K);
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
        String withinNotPeople = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    people: [n]\n    within: [[n, m]]\n";
        assertThrows(Exception.class, () -> parse(withinNotPeople));
        String sqlInName = "tables:\n  t:\n    audience: gold\n    keys: [\"a; DROP TABLE x\"]\n";
        assertThrows(Exception.class, () -> parse(sqlInName));
        String unknownKind = "tables:\n  t:\n    audience: gold\n    keys: [a]\n    relations:\n"
                + "      - {kind: product, column: a, whole: ALL}\n";
        assertThrows(Exception.class, () -> parse(unknownKind));
        assertThrows(IllegalStateException.class, () -> CellSuppression.protect(
                Map.of("undeclared_table", List.of()), RULES, K), "an undeclared table is refused");
    }

    private static ReleaseRules parse(String yaml) throws Exception {
        return ReleaseRules.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }
}
