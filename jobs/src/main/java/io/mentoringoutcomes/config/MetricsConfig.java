package io.mentoringoutcomes.config;

import java.util.List;

/**
 * Assumptions of the outcome tables; each ends up as a column where it shapes a figure.
 *
 * @param minGroupSize figures from fewer employees are suppressed (default 10)
 * @param dominancePPercent p of the p% rule on salary and cost totals (default 10; 0 turns it off,
 *     which only tests do: settings refuse it)
 * @param overheadRate benefits and overhead on top of salary for a loaded hourly cost (default 0.25)
 * @param hoursPerYear paid hours in a year (default 2080 = 52 x 40)
 * @param replacementCostRatio replacement cost of a leaver as a share of salary (default 0.21, the
 *     Center for American Progress median across jobs)
 * @param replacementCostRatios the ROI sensitivity grid (default 0.21, 0.5, 1.0, 2.0)
 * @param roiHorizonMonths the ROI horizon (default 12): each cohort mentee's cost and benefit run this
 *     many months from their time zero
 * @param roiWindowMonths the ROI cohort's window of time zeros (default 12 calendar months, ending on
 *     the first day of the month holding as-of − horizon, so everyone in it has complete follow-up)
 * @param retentionHorizonsMonths retention horizons (default 6, 12, 24)
 * @param promotionHorizonsMonths promotion horizons (default 12, 24)
 */
public record MetricsConfig(
        int minGroupSize,
        double dominancePPercent,
        double overheadRate,
        double hoursPerYear,
        double replacementCostRatio,
        List<Double> replacementCostRatios,
        int roiHorizonMonths,
        int roiWindowMonths,
        List<Integer> retentionHorizonsMonths,
        List<Integer> promotionHorizonsMonths) {

    /** The default k: no published figure about fewer people. */
    public static final int DEFAULT_MIN_GROUP_SIZE = 10;

    /** The default p of the p% rule (Hundepool et al. 2012 use 10 in their examples). */
    public static final double DEFAULT_DOMINANCE_P_PERCENT = 10.0;

    public static MetricsConfig defaults() {
        return new MetricsConfig(
                DEFAULT_MIN_GROUP_SIZE,
                DEFAULT_DOMINANCE_P_PERCENT,
                0.25,
                2080,
                0.21,
                List.of(0.21, 0.5, 1.0, 2.0),
                12,
                12,
                List.of(6, 12, 24),
                List.of(12, 24));
    }

    public MetricsConfig withMinGroupSize(int size) {
        return new MetricsConfig(
                size,
                dominancePPercent,
                overheadRate,
                hoursPerYear,
                replacementCostRatio,
                replacementCostRatios,
                roiHorizonMonths,
                roiWindowMonths,
                retentionHorizonsMonths,
                promotionHorizonsMonths);
    }

    /** These assumptions with another p for the p% rule; 0 turns the rule off (tests with one-person groups). */
    public MetricsConfig withDominancePPercent(double p) {
        return new MetricsConfig(
                minGroupSize,
                p,
                overheadRate,
                hoursPerYear,
                replacementCostRatio,
                replacementCostRatios,
                roiHorizonMonths,
                roiWindowMonths,
                retentionHorizonsMonths,
                promotionHorizonsMonths);
    }
}
