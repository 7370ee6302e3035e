package io.mentoringoutcomes.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * schemas/release.yaml is configuration: read strictly, and a declaration that would let a figure
 * escape disclosure control fails the load with what is wrong. One corpus of refused declarations,
 * to grow with each new key.
 */
class ReleaseRulesTest {

    private static final String TABLE = "tables:\n  t:\n    audience: gold\n    keys: [program_id]\n"
            + "    people: [n_employees, n_events]\n    not_people: [meetings]\n    keep: [window_start]\n";

    private static ReleaseRules parse(String yaml) throws Exception {
        return ReleaseRules.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void magnitudesAreFiguresOfTheirTable() throws Exception {
        assertEquals(
                List.of("mean_salary"),
                parse(TABLE + "    magnitudes: [mean_salary]\n")
                        .table("t")
                        .orElseThrow()
                        .magnitudes());
        assertEquals(List.of(), parse(TABLE).table("t").orElseThrow().magnitudes());
        // The across-nights view keeps them: the rule that reads them runs on it.
        assertEquals(
                List.of("mean_salary"),
                parse(TABLE + "    magnitudes: [mean_salary]\n")
                        .table("t")
                        .orElseThrow()
                        .forChanges(List.of())
                        .magnitudes());
    }

    @Test
    void theShippedRoiTableIsJudgedByProgram() throws Exception {
        assertEquals(
                "program_id",
                ReleaseRules.standard().table("program_roi").orElseThrow().dominance());
        assertEquals(
                "program_id",
                parse(TABLE + "    magnitudes: [mean_salary]\n    dominance: program_id\n")
                        .table("t")
                        .orElseThrow()
                        .dominance());
    }

    @Test
    void hostileDeclarationsAreRefusedWithTheReason() {
        String[][] corpus = {
            // a magnitude that is a key, a count, a kept or a not-people column would never be a moved figure
            {TABLE + "    magnitudes: [program_id]\n", "a magnitude is a figure"},
            {TABLE + "    magnitudes: [n_events]\n", "a magnitude is a figure"},
            {TABLE + "    magnitudes: [window_start]\n", "a magnitude is a figure"},
            {TABLE + "    magnitudes: [meetings]\n", "a magnitude is a figure"},
            {TABLE + "    magnitudes: [Mean-Salary]\n", "magnitude"},
            {TABLE + "    magnitude: [mean_salary]\n", "magnitude"},
            {
                "tables:\n  r:\n    audience: gold\n    kind: reference\n    keys: [program_id]\n    magnitudes: [x]\n",
                "reference table"
            },
            {TABLE + "    facets: [{counts: [n_employees], figures: [rate]}]\n", "facet count"},
            {TABLE + "    within: [[n_employees, salary]]\n", "within pairs"},
            // the p% rule judges a key's groups, on declared magnitudes
            {TABLE + "    magnitudes: [mean_salary]\n    dominance: mean_salary\n", "dominance names the key"},
            {TABLE + "    dominance: program_id\n", "dominance names the key"},
            {TABLE + "    magnitudes: [mean_salary]\n    dominance: Program-Id\n", "dominance group"},
            {TABLE + "    magnitudes: [mean_salary]\n    dominance: [program_id]\n", "dominance"},
        };
        for (String[] c : corpus) {
            Exception e = assertThrows(Exception.class, () -> parse(c[0]), c[0]);
            String said = e.getMessage()
                    + (e.getCause() == null ? "" : " " + e.getCause().getMessage());
            assertTrue(said.contains(c[1]), c[0] + " -> " + said);
        }
    }
}
