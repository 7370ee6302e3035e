package io.mentoringoutcomes.generate;

import java.util.SplittableRandom;

/** The organisation's vocabulary and the shares it is drawn with. Indices are used everywhere else. */
final class OrgCatalog {

    private OrgCatalog() {}

    static final String[] DEPARTMENTS = {"Engineering", "Sales", "Operations", "Finance", "HR", "Marketing", "Support"};
    static final double[] DEPARTMENT_SHARE = {0.30, 0.18, 0.15, 0.08, 0.05, 0.09, 0.15};
    /** Annual voluntary turnover before level/tenure factors: what makes departments differ. */
    static final double[] DEPARTMENT_ANNUAL_VOLUNTARY = {0.12, 0.22, 0.16, 0.08, 0.10, 0.14, 0.26};

    static final double[] DEPARTMENT_SALARY_FACTOR = {1.15, 1.00, 0.90, 1.05, 0.95, 1.00, 0.80};

    static final String[] LEVELS = {"L1", "L2", "L3", "L4", "L5", "L6"};
    static final double[] LEVEL_HAZARD_FACTOR = {1.30, 1.15, 1.00, 0.85, 0.70, 0.60};
    static final double[] LEVEL_BASE_SALARY = {42000, 55000, 72000, 95000, 125000, 165000};
    static final double[] HIRE_LEVEL_SHARE = {0.38, 0.30, 0.17, 0.09, 0.045, 0.015};
    static final double[] OPENING_LEVEL_SHARE = {0.22, 0.27, 0.23, 0.15, 0.09, 0.04};
    static final double[] MONTHLY_PROMOTION = {0.020, 0.015, 0.010, 0.006, 0.003, 0.0};
    static final double MONTHLY_TRANSFER = 0.003;

    static final String[] TENURE_BANDS = {"<1", "1-3", "3-5", "5+"};
    static final double[] TENURE_HAZARD_FACTOR = {1.50, 1.10, 0.85, 0.65};

    static final String[] LOCATIONS = {"London", "New York", "Berlin", "Singapore", "Remote"};
    static final double[] LOCATION_SHARE = {0.30, 0.25, 0.15, 0.10, 0.20};
    /** null = not disclosed: an empty field in the file. */
    static final String[] GENDERS = {"Female", "Male", "Non-binary", null};

    static final double[] GENDER_SHARE = {0.46, 0.50, 0.02, 0.02};
    static final String[] ETHNICITIES = {"White", "Asian", "Black", "Hispanic or Latino", "Mixed", "Prefer not to say"};
    static final double[] ETHNICITY_SHARE = {0.52, 0.18, 0.11, 0.09, 0.05, 0.05};
    /** Ratings 1..5. */
    static final double[] PERFORMANCE_SHARE = {0.05, 0.15, 0.45, 0.27, 0.08};

    /** Index drawn with the given shares (they need not sum exactly to 1). */
    static int pick(double[] shares, SplittableRandom rng) {
        double total = 0;
        for (double s : shares) {
            total += s;
        }
        double u = rng.nextDouble() * total;
        for (int i = 0; i < shares.length; i++) {
            u -= shares[i];
            if (u < 0) {
                return i;
            }
        }
        return shares.length - 1;
    }
}
