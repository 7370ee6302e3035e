package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Coverage, width and error of the calibration summary, worked by hand; no Spark. */
class CalibrationTest {

    // Retention truth 0.04 in all three; DiD truths on the published scale differ by organisation.
    // Org 1: retention [0.00, 0.10] covers (error +0.01); DiD 0.28 [0.20, 0.36] covers truth 0.29 (error -0.01).
    // Org 2: retention [0.06, 0.12] misses (error +0.05); DiD 0.10 [-0.05, 0.25] misses truth 0.27 (error -0.17).
    // Org 3: retention not estimable; DiD 0.30 [0.29, 0.31] covers truth 0.29 exactly at the bound
    // (error +0.01).
    private static final Calibration.Summary SUMMARY = new Calibration.Summary(List.of(
            new Calibration.Organisation(1, 0.04, 0.05, 0.00, 0.10, 0.29, 0.28, 0.20, 0.36, 1, 0.045),
            new Calibration.Organisation(2, 0.04, 0.09, 0.06, 0.12, 0.27, 0.10, -0.05, 0.25, 1, 0.085),
            new Calibration.Organisation(3, 0.04, null, null, null, 0.29, 0.30, 0.29, 0.31, 1, null)));

    @Test
    void coverageWidthAndErrorOverTheEstimableOrganisations() {
        assertEquals(2, SUMMARY.retentionEstimable());
        assertEquals(0.5, SUMMARY.retentionCoverage(), 1e-12);
        assertEquals((0.10 + 0.06) / 2, SUMMARY.retentionMeanWidth(), 1e-12);
        assertEquals((0.01 + 0.05) / 2, SUMMARY.retentionMeanError(), 1e-12);
        assertEquals((0.005 + 0.045) / 2, SUMMARY.retentionKeptMeanError(), 1e-12);
        assertEquals(3, SUMMARY.didEstimable());
        assertEquals(2 / 3.0, SUMMARY.didCoverage(), 1e-12);
        assertEquals((0.16 + 0.30 + 0.02) / 3, SUMMARY.didMeanWidth(), 1e-12);
        assertEquals((-0.01 - 0.17 + 0.01) / 3, SUMMARY.didMeanError(), 1e-12);
    }

    @Test
    void markdownShowsEachTruthToFourDecimals() {
        String md = Calibration.markdown(SUMMARY, 500, "cmd");
        assertTrue(md.contains("| 2 | 0.0400 | 0.0900 | [0.0600, 0.1200] | **no** | 0.2700 | 0.1000 |"), md);
        assertTrue(md.contains("Engagement DiD (ALL, matched): coverage 2/3 = 66.7%"), md);
    }
}
