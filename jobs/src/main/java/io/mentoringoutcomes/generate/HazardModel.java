package io.mentoringoutcomes.generate;

import java.util.SplittableRandom;

/**
 * Monthly exit hazards. The voluntary hazard is a function of department x job level x tenure
 * band ONLY (its noise is drawn once per cell), so a comparison matched on those cells sees
 * the same baseline hazard as the mentees it is matched to.
 */
final class HazardModel {

    /** A "month" of hazard is a twelfth of a year, so 12 monthly hazards make a 365.25-day year. */
    static final double DAYS_PER_MONTH = 365.25 / 12;

    static final double CELL_NOISE_SD_LOG = 0.15;
    static final double INVOLUNTARY_MONTHLY_LOW_PERFORMER = 0.005;
    static final double INVOLUNTARY_MONTHLY = 0.0018;

    private final double[][][] voluntary;

    HazardModel(long seed) {
        SplittableRandom cellNoise = new SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
        int d = OrgCatalog.DEPARTMENTS.length;
        int l = OrgCatalog.LEVELS.length;
        int b = OrgCatalog.TENURE_BANDS.length;
        voluntary = new double[d][l][b];
        for (int i = 0; i < d; i++) {
            double departmentMonthly = -Math.log(1 - OrgCatalog.DEPARTMENT_ANNUAL_VOLUNTARY[i]) / 12;
            for (int j = 0; j < l; j++) {
                for (int k = 0; k < b; k++) {
                    voluntary[i][j][k] = departmentMonthly
                            * OrgCatalog.LEVEL_HAZARD_FACTOR[j]
                            * OrgCatalog.TENURE_HAZARD_FACTOR[k]
                            * Math.exp(CELL_NOISE_SD_LOG * cellNoise.nextGaussian());
                }
            }
        }
    }

    /** Baseline monthly voluntary hazard of a cell, before any mentoring effect. */
    double voluntaryMonthly(int department, int level, int tenureBand) {
        return voluntary[department][level][tenureBand];
    }

    /** Involuntary exits are independent of mentoring and of the voluntary cells. */
    static double involuntaryMonthly(int performanceRating) {
        return performanceRating <= 2 ? INVOLUNTARY_MONTHLY_LOW_PERFORMER : INVOLUNTARY_MONTHLY;
    }

    /** Tenure band index on a day: <1, 1-3, 3-5, 5+ years. */
    static int tenureBand(int hireDay, int day) {
        double years = (day - hireDay) / 365.25;
        if (years < 1) {
            return 0;
        }
        if (years < 3) {
            return 1;
        }
        return years < 5 ? 2 : 3;
    }
}
