package io.mentoringoutcomes.generate;

/**
 * An employee chosen as a mentee: the index (matched) day, the program, and the covariates and
 * baseline voluntary hazard at that day, which is what the planted truths are computed from.
 */
record MenteeSelection(
        int matchedDay, int program, int department, int level, int tenureBand, double baselineMonthlyHazard) {}
