package io.mentoringoutcomes.config;

import java.util.EnumSet;
import java.util.Set;

/**
 * Thresholds of the quality gates. Row-level failures are always quarantined; these decide when
 * a dataset as a whole is too broken to publish.
 *
 * @param maxErrorFailureRate   share of a batch's rows that may fail one Error rule before the rule
 *                              blocks (default 1%: a handful of bad rows in thousands is quarantined, a
 *                              broken export blocks)
 * @param maxWarningFailureRate share of rows that may fail one Warning rule before it is reported (default 0)
 * @param maxDuplicateKeyRate   share of a batch's rows that may be surplus copies of a key (default 1%)
 * @param blockingLevels        levels whose failures block publication (default: Error)
 * @param anomalyLevel          level of the night-over-night anomaly checks (default: Warning)
 * @param maxSizeDecrease       largest relative drop of a snapshot dataset's row count vs the previous
 *                              night (default 0.5: losing more than half the employees is anomalous)
 * @param maxQuarantineRateIncrease largest absolute rise of the quarantined share vs the previous night
 *                              (default 0.05 = five percentage points)
 * @param anomalyHistoryNights  how many previous nights of stored metrics the anomaly checks read
 * @param minGroupSize          privacy threshold the output audit enforces (rows with fewer employees
 *                              must be suppressed)
 */
public record QualityConfig(
        double maxErrorFailureRate,
        double maxWarningFailureRate,
        double maxDuplicateKeyRate,
        Set<Level> blockingLevels,
        Level anomalyLevel,
        double maxSizeDecrease,
        double maxQuarantineRateIncrease,
        int anomalyHistoryNights,
        int minGroupSize) {

    public QualityConfig {
        requireRate("maxErrorFailureRate", maxErrorFailureRate);
        requireRate("maxWarningFailureRate", maxWarningFailureRate);
        requireRate("maxDuplicateKeyRate", maxDuplicateKeyRate);
        requireRate("maxSizeDecrease", maxSizeDecrease);
        requireRate("maxQuarantineRateIncrease", maxQuarantineRateIncrease);
        blockingLevels = blockingLevels == null || blockingLevels.isEmpty()
                ? EnumSet.of(Level.ERROR)
                : EnumSet.copyOf(blockingLevels);
        anomalyLevel = anomalyLevel == null ? Level.WARNING : anomalyLevel;
        if (anomalyHistoryNights < 1 || minGroupSize < 1) {
            throw new IllegalArgumentException("anomalyHistoryNights and minGroupSize must be at least 1");
        }
    }

    public static QualityConfig defaults() {
        return new QualityConfig(
                0.01,
                0.0,
                0.01,
                EnumSet.of(Level.ERROR),
                Level.WARNING,
                0.5,
                0.05,
                7,
                io.mentoringoutcomes.metrics.Suppression.DEFAULT_MIN_GROUP_SIZE);
    }

    public QualityConfig withMaxErrorFailureRate(double rate) {
        return new QualityConfig(
                rate,
                maxWarningFailureRate,
                maxDuplicateKeyRate,
                blockingLevels,
                anomalyLevel,
                maxSizeDecrease,
                maxQuarantineRateIncrease,
                anomalyHistoryNights,
                minGroupSize);
    }

    public QualityConfig withMaxDuplicateKeyRate(double rate) {
        return new QualityConfig(
                maxErrorFailureRate,
                maxWarningFailureRate,
                rate,
                blockingLevels,
                anomalyLevel,
                maxSizeDecrease,
                maxQuarantineRateIncrease,
                anomalyHistoryNights,
                minGroupSize);
    }

    public QualityConfig withAnomalyLevel(Level level) {
        return new QualityConfig(
                maxErrorFailureRate,
                maxWarningFailureRate,
                maxDuplicateKeyRate,
                blockingLevels,
                level,
                maxSizeDecrease,
                maxQuarantineRateIncrease,
                anomalyHistoryNights,
                minGroupSize);
    }

    public QualityConfig withMinGroupSize(int size) {
        return new QualityConfig(
                maxErrorFailureRate,
                maxWarningFailureRate,
                maxDuplicateKeyRate,
                blockingLevels,
                anomalyLevel,
                maxSizeDecrease,
                maxQuarantineRateIncrease,
                anomalyHistoryNights,
                size);
    }

    public boolean blocks(Level level) {
        return blockingLevels.contains(level);
    }

    /** Share of rows that may fail a rule of this level. */
    public double maxFailureRate(Level level) {
        return level == Level.ERROR ? maxErrorFailureRate : maxWarningFailureRate;
    }

    private static void requireRate(String name, double v) {
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new IllegalArgumentException(name + " is a share between 0 and 1, not " + v);
        }
    }
}
