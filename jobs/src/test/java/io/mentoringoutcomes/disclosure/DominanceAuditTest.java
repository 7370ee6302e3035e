package io.mentoringoutcomes.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The audit's p% rule on hand-built program_roi rows and evidence, as the shipped release.yaml declares
 * the table ({@code dominance: program_id}, magnitudes participant_time_cost and mean_mentee_salary).
 */
class DominanceAuditTest {

    private static final ReleaseRules.Table ROI =
            ReleaseRules.standard().table("program_roi").orElseThrow();
    private static final Date AS_OF = Date.valueOf("2026-10-31");

    private static Map<String, Object> roiRow(String program, boolean suppressed, Double salary, Double cost) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("program_id", program);
        r.put("replacement_cost_ratio", 0.5);
        r.put("mean_mentee_salary", salary);
        r.put("participant_time_cost", cost);
        r.put("suppressed", suppressed);
        r.put("as_of", AS_OF);
        return r;
    }

    private static Map<String, Object> evidence(
            String program, String figure, double total, double x1, Double x2, double p, Date asOf) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("table", "program_roi");
        e.put("program_id", program);
        e.put("figure", figure);
        e.put("n_contributors", 10L);
        e.put("total_value", total);
        e.put("largest_value", x1);
        e.put("second_largest_value", x2);
        e.put("p_percent", p);
        e.put("as_of", asOf);
        return e;
    }

    private static List<String> judge(List<Map<String, Object>> rows, Optional<List<Map<String, Object>>> ev) {
        List<String> out = new ArrayList<>();
        for (DisclosureAudit.Violation v : DisclosureAudit.dominance("program_roi", ROI, rows, ev)) {
            assertEquals("disclosure:dominance", v.rule());
            assertEquals("program_roi", v.table());
            out.addAll(v.rows());
        }
        return out;
    }

    @Test
    void aDominatedProgramMustBeSuppressedAndEveryShownMagnitudeJudged() {
        String salary = "mean_mentee_salary";
        String cost = "participant_time_cost";
        List<Map<String, Object>> ev = List.of(
                // CEO: 2,000,000 beside nine of 20,000: 2,180,000 − 2,000,000 − 20,000 = 160,000 < 200,000.
                evidence("CEO", salary, 2.18e6, 2e6, 20e3, 10, AS_OF),
                evidence("CEO", cost, 9e3, 1e3, 1e3, 10, AS_OF),
                // EDGE: 1,000,000 and nine of 12,500: the rest is exactly 10% of the largest, not under it.
                evidence("EDGE", salary, 1.1125e6, 1e6, 12.5e3, 10, AS_OF),
                // EVEN: ten of 50,000. HIDDEN: dominated, and its row is suppressed.
                evidence("EVEN", salary, 500e3, 50e3, 50e3, 10, AS_OF),
                evidence("HIDDEN", salary, 70e3, 70e3, null, 10, AS_OF),
                // STALE: last night's evidence; OFF: judged with the rule off.
                evidence("STALE", salary, 500e3, 50e3, 50e3, 10, Date.valueOf("2026-10-30")),
                evidence("OFF", salary, 500e3, 50e3, 50e3, 0, AS_OF),
                // COST: its time cost is one mentor's 900 of 1,000 (the second gives 50): 50 < 90.
                evidence("COST", salary, 500e3, 50e3, 50e3, 10, AS_OF),
                evidence("COST", cost, 1e3, 900.0, 50.0, 10, AS_OF),
                // another table's evidence judges nothing here
                new LinkedHashMap<>(Map.of("table", "other", "program_id", "NONE", "figure", salary)));
        List<Map<String, Object>> rows = List.of(
                roiRow("CEO", false, 218e3, 9e3),
                roiRow("EDGE", false, 111.25e3, 0.0),
                roiRow("EVEN", false, 50e3, null),
                roiRow("HIDDEN", true, null, null),
                roiRow("STALE", false, 50e3, 0.0),
                roiRow("OFF", false, 50e3, 0.0),
                roiRow("COST", false, 50e3, 1e3),
                // NONE: a salary shown that no evidence of this table judged
                roiRow("NONE", false, 60e3, 0.0));
        assertEquals(
                List.of(
                        "(program_id=CEO, replacement_cost_ratio=0.5): mean_mentee_salary dominated: one contribution"
                                + " is within p = 10.0% of the total less the second largest",
                        "(program_id=STALE, replacement_cost_ratio=0.5): mean_mentee_salary judged as of 2026-10-30,"
                                + " the row is as of 2026-10-31",
                        "(program_id=OFF, replacement_cost_ratio=0.5): mean_mentee_salary judged with p = 0.0",
                        "(program_id=COST, replacement_cost_ratio=0.5): participant_time_cost dominated: one"
                                + " contribution is within p = 10.0% of the total less the second largest",
                        "(program_id=NONE, replacement_cost_ratio=0.5): mean_mentee_salary not judged (no evidence"
                                + " for program_id=NONE)"),
                judge(rows, Optional.of(ev)));
    }

    @Test
    void withoutEvidenceNoShownRowPasses() {
        List<Map<String, Object>> rows =
                Arrays.asList(roiRow("EVEN", false, 50e3, 0.0), roiRow("HIDDEN", true, null, null));
        assertEquals(
                List.of("(program_id=EVEN, replacement_cost_ratio=0.5): no evidence.dominance to judge the p% rule"
                        + " on (run metrics again)"),
                judge(rows, Optional.empty()));
    }

    @Test
    void thePPercentRuleAsHandWorked() {
        // total − x1 − x2 < p/100 · x1
        assertEquals(true, DisclosureAudit.dominated(2.18e6, 2e6, 20e3, 10));
        assertEquals(false, DisclosureAudit.dominated(1.1125e6, 1e6, 12.5e3, 10));
        assertEquals(true, DisclosureAudit.dominated(1.1125e6, 1e6, 12.5e3, 20));
        assertEquals(true, DisclosureAudit.dominated(70e3, 70e3, null, 10), "one contributor is their own total");
        assertEquals(false, DisclosureAudit.dominated(0, 0, 0.0, 10), "nothing to learn");
    }
}
