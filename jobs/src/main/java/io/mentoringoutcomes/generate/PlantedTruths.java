package io.mentoringoutcomes.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The truths the pipeline must recover, computed from the simulation's own hazards, not from
 * the files. The retention effect is the average effect on the treated: over mentees with a
 * held meeting, exp(-t*HR*h) - exp(-t*h) with h their baseline monthly voluntary hazard at the
 * matched date (voluntary exits only; involuntary exits are censoring).
 */
final class PlantedTruths {

    private PlantedTruths() {}

    static final int[] HORIZONS_MONTHS = {6, 12, 24};

    static Map<String, Object> compute(
            GeneratorSettings settings,
            List<Program> programs,
            List<Employee> everyone,
            double meanNonMenteeMonthlyHazard,
            double engagementEffectAsPublished) {
        double hr = settings.hazardRatio();
        Map<String, Object> truth = new LinkedHashMap<>();
        truth.put("seed", settings.seed());
        truth.put("employees", settings.employees());
        truth.put("start_date", settings.startDate().toString());
        truth.put("as_of", settings.asOf().toString());
        truth.put("index_date", "matched_date of the mentee's first match");
        truth.put("voluntary_hazard_ratio", hr);

        int selected = 0;
        int treated = 0;
        double hazardSum = 0;
        double[] diff = new double[HORIZONS_MONTHS.length];
        double[] untreated = new double[HORIZONS_MONTHS.length];
        Map<String, double[]> byProgram = new LinkedHashMap<>(); // count, diff12
        for (Program p : programs) {
            byProgram.put(p.id(), new double[3]);
        }
        for (Employee e : everyone) {
            if (e.mentee == null) {
                continue;
            }
            selected++;
            if (!e.hadHeldMeeting) {
                continue;
            }
            treated++;
            double h = e.mentee.baselineMonthlyHazard();
            hazardSum += h;
            for (int i = 0; i < HORIZONS_MONTHS.length; i++) {
                double t = HORIZONS_MONTHS[i];
                diff[i] += Math.exp(-t * hr * h) - Math.exp(-t * h);
                untreated[i] += Math.exp(-t * h);
            }
            double[] p = byProgram.get(programs.get(e.mentee.program()).id());
            p[0]++;
            p[1] += Math.exp(-12 * hr * h) - Math.exp(-12 * h);
            p[2] += h;
        }
        truth.put("mentees", selected);
        truth.put("mentees_with_held_meeting", treated);
        for (int i = 0; i < HORIZONS_MONTHS.length; i++) {
            truth.put("retention_difference_" + HORIZONS_MONTHS[i] + "m_att", round(diff[i] / treated));
        }
        for (int i = 0; i < HORIZONS_MONTHS.length; i++) {
            truth.put("retention_" + HORIZONS_MONTHS[i] + "m_mentees_without_mentoring", round(untreated[i] / treated));
        }
        Map<String, Object> programTruths = new LinkedHashMap<>();
        byProgram.forEach((id, p) -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("mentees_with_held_meeting", (int) p[0]);
            t.put("retention_difference_12m_att", p[0] == 0 ? null : round(p[1] / p[0]));
            t.put("mean_baseline_monthly_hazard_at_index", p[0] == 0 ? null : round(p[2] / p[0]));
            programTruths.put(id, t);
        });
        truth.put("by_program", programTruths);

        Map<String, Object> selection = new LinkedHashMap<>();
        selection.put(
                "description",
                "Each month, employees not yet mentored (levels L1-L5, hired before the month) join with "
                        + "probability proportional to (h / h_ref)^" + WorkforceSimulation.SELECTION_EXPONENT
                        + ", h being their baseline voluntary hazard (department x job_level x tenure band), x"
                        + WorkforceSimulation.NEW_STARTER_SELECTION_BOOST + " in their first "
                        + WorkforceSimulation.ONBOARDING_MAX_TENURE_DAYS
                        + " days (onboarding; within the <1 band the hazard is flat, so this does not confound). Joiners therefore "
                        + "come from low-turnover cells: a naive mentee vs non-participant comparison overstates the effect; "
                        + "matching on department x job_level x tenure band x calendar month removes the bias.");
        selection.put("covariates", List.of("department", "job_level", "tenure_band"));
        selection.put("tenure_bands_years", List.of(OrgCatalog.TENURE_BANDS));
        selection.put("mean_baseline_monthly_hazard_mentees_at_index", round(hazardSum / treated));
        selection.put("mean_baseline_monthly_hazard_non_mentee_person_months", round(meanNonMenteeMonthlyHazard));
        truth.put("selection", selection);

        truth.put("engagement_did", settings.engagementEffect());
        // What the DiD estimates: the effect on the published 1-5 scores, not on the latent scale.
        truth.put("engagement_did_att", round(engagementEffectAsPublished));
        Map<String, Object> engagement = new LinkedHashMap<>();
        engagement.put("effect", settings.engagementEffect());
        engagement.put(
                "applies_to",
                "engagement surveys dated " + SurveyResponses.EFFECT_STARTS_MONTHS_AFTER_MATCH
                        + " months or more after matched_date (so any post window inside that, e.g. 3-15 months, recovers it)");
        engagement.put(
                "engagement_did_att",
                "the effect as the published scores carry it (clamped to 1-5, rounded): over mentees with a held meeting and an "
                        + "answer " + SurveyResponses.POST_FROM_MONTHS + "-" + SurveyResponses.POST_TO_MONTHS
                        + " months after their first held meeting, the mean of each one's mean (published score - score without "
                        + "the effect) over those answers; below the planted effect because the ceiling at 5 absorbs part of it");
        engagement.put("joiner_baseline_level_difference", SurveyResponses.JOINER_LEVEL_DIFFERENCE);
        engagement.put("organisation_trend_per_year", SurveyResponses.ORGANISATION_TREND_PER_YEAR);
        engagement.put("waves", "10 April and 10 October (+0-14 days), response rate " + SurveyResponses.RESPONSE_RATE);
        truth.put("engagement_model", engagement);

        Map<String, Object> hazards = new LinkedHashMap<>();
        hazards.put("unit", "per month of 365.25/12 days");
        Map<String, Object> departments = new LinkedHashMap<>();
        for (int i = 0; i < OrgCatalog.DEPARTMENTS.length; i++) {
            departments.put(OrgCatalog.DEPARTMENTS[i], OrgCatalog.DEPARTMENT_ANNUAL_VOLUNTARY[i]);
        }
        hazards.put("department_annual_voluntary_turnover", departments);
        hazards.put("job_level_factor", factors(OrgCatalog.LEVELS, OrgCatalog.LEVEL_HAZARD_FACTOR));
        hazards.put("tenure_band_factor", factors(OrgCatalog.TENURE_BANDS, OrgCatalog.TENURE_HAZARD_FACTOR));
        hazards.put("cell_noise_sd_log", HazardModel.CELL_NOISE_SD_LOG);
        hazards.put(
                "involuntary_monthly",
                factors(
                        new String[] {"performance_rating_1_2", "performance_rating_3_5"},
                        new double[] {HazardModel.INVOLUNTARY_MONTHLY_LOW_PERFORMER, HazardModel.INVOLUNTARY_MONTHLY}));
        truth.put("hazard_model", hazards);
        return truth;
    }

    private static Map<String, Object> factors(String[] names, double[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], values[i]);
        }
        return m;
    }

    private static double round(double x) {
        return Math.round(x * 1e6) / 1e6;
    }
}
