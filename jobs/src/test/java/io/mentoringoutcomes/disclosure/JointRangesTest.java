package io.mentoringoutcomes.disclosure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reader's arithmetic on a curve's people at risk, with k = 10 and the shipped declaration of
 * {@code retention_curve} (schemas/release.yaml: ALL is the sum of the programs at every month). Each
 * release here is what a reader is shown; the ranges are worked out by hand in the comments.
 */
class JointRangesTest {

    private static final int K = 10;
    private static final ReleaseRules.Table CURVE =
            ReleaseRules.standard().table("retention_curve").orElseThrow();

    /** A naive mentee curve row: program, month, people at risk. */
    private static Map<String, Object> row(String program, int month, long atRisk) {
        List<Map<String, Object>> one = CellSuppressionTest.atRisk(program, "mentee", "naive", atRisk);
        Map<String, Object> r = one.get(0);
        r.put("month", month);
        return r;
    }

    /** The exposures a reader finds when only the rows in {@code shown} show their people at risk. */
    private static List<JointRanges.Exposure> exposed(List<Map<String, Object>> rows, Set<Integer> shown) {
        return JointRanges.exposed(
                CURVE,
                rows,
                (i, c) -> {
                    double v = ((Number) rows.get(i).get(c)).doubleValue();
                    return shown.contains(i) ? JointRanges.Known.shown(v) : JointRanges.Known.unknown(v);
                },
                K,
                w -> {});
    }

    /** Rows 0, 1: ALL at months 0 and 1; 2, 3: P1; 4, 5: P2; 6, 7: P3 (ALL = P1 + P2 + P3 each month). */
    private static List<Map<String, Object>> threePrograms() {
        return new ArrayList<>(List.of(
                row("ALL", 0, 45),
                row("ALL", 1, 41),
                row("P1", 0, 12),
                row("P1", 1, 9),
                row("P2", 0, 28),
                row("P2", 1, 27),
                row("P3", 0, 5),
                row("P3", 1, 5)));
    }

    /**
     * ALL = P1 + P2 + P3 at months 0 and 1; shown: ALL 45 and 41, P1 12 at month 0. Hidden: P1 at month 1
     * (9 people), P2 (28, 27) and P3 (5, 5). A reader gets P2₀ + P3₀ = 45 − 12 = 33 from month 0, and, as
     * people at risk never grow, P2₁ + P3₁ ≤ P2₀ + P3₀ = 33. So P1₁ = 41 − (P2₁ + P3₁) ≥ 8, and P1₁ ≤ P1₀ = 12:
     * P1₁ ∈ [8, 12], 4 people wide, not admitting 0: exposed. P3's counts (5) lie anywhere in [0, 33]: safe.
     * Bounding each hidden month only by its own curve's shown months, as before, leaves P2₁ and P3₁
     * unbounded above (their curves show nothing) and P1₁ ∈ [0, 12]: the step through month 0's sum is missed.
     */
    @Test
    void aHiddenMonthIsNarrowedThroughAnotherGroupsHiddenMonthsAlongTheChain() {
        List<Map<String, Object>> rows = threePrograms();
        List<JointRanges.Exposure> found = exposed(rows, Set.of(0, 1, 2));
        assertEquals(1, found.size(), found.toString());
        JointRanges.Exposure e = found.get(0);
        assertEquals(3, e.row());
        assertEquals("n_at_risk", e.quantity());
        assertEquals(8.0, e.min(), 1e-6);
        assertEquals(12.0, e.max(), 1e-6);
    }

    /**
     * The same release with ALL's month 0 hidden too: nothing ties P2₀ + P3₀ to a figure, so P2₁ + P3₁ can
     * be anything up to 41 and P1₁ ∈ [0, 12] admits 0. Nothing is exposed.
     */
    @Test
    void withoutTheMonthThatPinsTheOtherGroupsNothingIsNarrowed() {
        List<Map<String, Object>> rows = threePrograms();
        assertEquals(List.of(), exposed(rows, Set.of(1, 2)));
    }
}
