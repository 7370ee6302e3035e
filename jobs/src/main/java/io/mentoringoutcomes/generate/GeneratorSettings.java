package io.mentoringoutcomes.generate;

import java.time.LocalDate;

/**
 * Everything that determines a generated organisation: the same settings always give
 * byte-identical files.
 *
 * @param employees        target active headcount (hires replace leavers around it)
 * @param seed             random seed
 * @param startDate        first day simulated; employees hired before it are in the opening population
 * @param asOf             extract date: nothing is dated after it
 * @param withDefects      append a few deliberately bad rows after the clean data
 * @param hazardRatio      planted multiplier on a mentee's voluntary hazard after the matched date
 * @param menteeShare      share of the headcount that becomes a mentee over the period
 * @param engagementEffect planted additive effect on engagement_score from 3 months after matching
 */
public record GeneratorSettings(
        int employees,
        long seed,
        LocalDate startDate,
        LocalDate asOf,
        boolean withDefects,
        double hazardRatio,
        double menteeShare,
        double engagementEffect) {

    public static final int DEFAULT_EMPLOYEES = 2000;
    public static final long DEFAULT_SEED = 42;
    public static final LocalDate DEFAULT_START = LocalDate.of(2023, 1, 1);
    public static final LocalDate DEFAULT_AS_OF = LocalDate.of(2026, 10, 31);
    public static final double DEFAULT_HAZARD_RATIO = 0.6;
    public static final double DEFAULT_MENTEE_SHARE = 0.15;
    public static final double DEFAULT_ENGAGEMENT_EFFECT = 0.30;

    public GeneratorSettings {
        if (employees < 50) {
            throw new IllegalArgumentException("employees must be at least 50, not " + employees);
        }
        if (!asOf.isAfter(startDate.plusMonths(6))) {
            throw new IllegalArgumentException(
                    "as-of " + asOf + " must be more than 6 months after start " + startDate);
        }
        if (hazardRatio <= 0) {
            throw new IllegalArgumentException("hazard ratio must be positive: " + hazardRatio);
        }
    }

    public static GeneratorSettings defaults() {
        return of(DEFAULT_EMPLOYEES, DEFAULT_SEED, DEFAULT_START, DEFAULT_AS_OF, true);
    }

    public static GeneratorSettings of(int employees, long seed, LocalDate start, LocalDate asOf, boolean withDefects) {
        return new GeneratorSettings(
                employees,
                seed,
                start,
                asOf,
                withDefects,
                DEFAULT_HAZARD_RATIO,
                DEFAULT_MENTEE_SHARE,
                DEFAULT_ENGAGEMENT_EFFECT);
    }

    public GeneratorSettings withDefects(boolean on) {
        return new GeneratorSettings(employees, seed, startDate, asOf, on, hazardRatio, menteeShare, engagementEffect);
    }

    public GeneratorSettings withSeed(long newSeed) {
        return new GeneratorSettings(
                employees, newSeed, startDate, asOf, withDefects, hazardRatio, menteeShare, engagementEffect);
    }
}
