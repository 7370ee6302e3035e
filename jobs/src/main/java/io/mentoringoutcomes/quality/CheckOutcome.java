package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.config.Level;
import io.mentoringoutcomes.config.QualityConfig;

/**
 * One evaluated constraint: a row of {@code ops.dq_results}.
 *
 * @param dataset     dataset (input gate) or staging table (output audit)
 * @param check       the contract's name for the check, e.g. {@code range:action_rating}
 * @param constraint  Deequ's description of the constraint that was evaluated
 * @param metricValue the measured figure (compliance share, row count, ...), null when none
 * @param threshold   what the figure had to satisfy, human readable
 */
public record CheckOutcome(
        String dataset,
        String check,
        String constraint,
        Level level,
        boolean passed,
        Double metricValue,
        String threshold,
        String message) {

    public String status() {
        return passed ? "success" : "failure";
    }

    /** Whether this outcome blocks publication under {@code cfg}: it failed, at a blocking level. */
    public boolean blocks(QualityConfig cfg) {
        return !passed && cfg.blocks(level);
    }

    /** One line for stderr or a report: {@code [error] meetings range:action_rating: 0.5 (needs >= 0.99)}. */
    public String describe() {
        return "[" + level.label() + "] " + dataset + " " + check + ": "
                + (metricValue == null ? "n/a" : QualityReport.figure(metricValue))
                + " (needs " + threshold + ")" + (message == null || message.isBlank() ? "" : " - " + message);
    }
}
