package io.mentoringoutcomes.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** Column comments of the outcome tables (Delta stores them; BI tools show them). */
final class OutcomeDocs {

    private OutcomeDocs() {}

    private static Map<String, String> of(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static final String[] COMMON_GROUP = {
        "program_id", "Program, or ALL for all programs together.",
        "cohort", "mentee, mentor or comparison.",
        "method",
                "matched (primary: time zero = first held meeting; coarsened exact matching at index, ATT weights), "
                        + "matched_itt (intention-to-treat sensitivity: time zero = match date, everyone matched whether they met or not, "
                        + "same matching) or naive (all non-participants, unweighted).",
        "suppressed",
                "True when disclosure control hid the row (a count of people under min_group_size, a complement that"
                        + " would give one away, or in program_roi a salary dominating its total): the figures are nulled.",
        "as_of", "The run's cutoff date."
    };

    private static Map<String, String> withCommon(Map<String, String> m, boolean cohortCols) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < COMMON_GROUP.length; i += 2) {
            if (cohortCols || !(COMMON_GROUP[i].equals("cohort") || COMMON_GROUP[i].equals("method"))) {
                out.put(COMMON_GROUP[i], COMMON_GROUP[i + 1]);
            }
        }
        out.putAll(m);
        return out;
    }

    static final Map<String, String> RETENTION_SUMMARY = withCommon(
            of(
                    "horizon_months",
                            "Months after the index date (the first held meeting; matched_itt: the match date; 1 month = 30.4375 days).",
                    "n_employees", "Employees in the cohort (unweighted).",
                    "n_events",
                            "Voluntary leavers by the horizon (unweighted); null on a rounded row (1..k-1 leavers, see difference).",
                    "retention", "Weighted Kaplan-Meier share not having left voluntarily by the horizon.",
                    "retention_ci_low", "95% CI low (log-log on the person-clustered robust standard error).",
                    "retention_ci_high", "95% CI high (log-log on the person-clustered robust standard error).",
                    "difference",
                            "Retention minus the comparison group's (same program and method); null on comparison rows. "
                                    + "When n_events is null on a row not suppressed, rounded to a step of at least k / n_employees.",
                    "difference_ci_low",
                            "95% CI low of the difference (normal, robust se of the per-person difference of influences).",
                    "difference_ci_high",
                            "95% CI high of the difference (normal, robust se of the per-person difference of influences)."),
            true);

    static final Map<String, String> RETENTION_CURVE = withCommon(
            of(
                    "month", "Whole months after the index date.",
                    "n_at_risk", "Distinct employees still followed at the start of the month (unweighted).",
                    "n_events",
                            "Voluntary leavers during the month (unweighted); never published in gold (disclosure control).",
                    "n_censored",
                            "Followed no further during the month: involuntary exit, as-of, comparator became a mentee; never published in gold.",
                    "survival", "Weighted Kaplan-Meier retention at the start of the month.",
                    "ci_low",
                            "95% CI low (log-log; matched methods on the person-clustered robust se, as retention_summary; naive on Greenwood's).",
                    "ci_high",
                            "95% CI high (log-log; matched methods on the person-clustered robust se, as retention_summary; naive on Greenwood's)."),
            true);

    static final Map<String, String> MATCHING_BALANCE = withCommon(
            of(
                    "n_mentees", "Mentees (matched, with at least one held meeting; index date = first held meeting).",
                    "n_matched_mentees", "Mentees whose matching cell had at least one comparator.",
                    "match_rate", "n_matched_mentees / n_mentees.",
                    "n_comparators", "Distinct matched comparators.",
                    "n_comparison_eligible",
                            "Never-participants employed at the program's median mentee index date (the naive group).",
                    "covariate_source",
                            "Where the matching's department and job level come from: job_events_at_index (in force on the "
                                    + "index date, rebuilt from hris_job_events) or snapshot_current (the HRIS snapshot's current values).",
                    "salary_performance_source",
                            "snapshot_current: salary and performance rating are the snapshot's current values, "
                                    + "not those at index (the HRIS delivers no history of them).",
                    "smd_tenure_years_before", "Standardized mean difference of tenure, mentees vs naive comparison.",
                    "smd_tenure_years_after",
                            "Standardized mean difference of tenure, matched mentees vs weighted comparators.",
                    "smd_annual_salary_before", "Standardized mean difference of current salary, before matching.",
                    "smd_annual_salary_after",
                            "Standardized mean difference of current salary, after matching and weighting.",
                    "smd_performance_rating_before",
                            "Standardized mean difference of current performance rating, before matching.",
                    "smd_performance_rating_after",
                            "Standardized mean difference of current performance rating, after matching and weighting."),
            false);

    static final Map<String, String> PROGRAM_ROI = withCommon(
            of(
                    "replacement_cost_ratio", "Replacement cost as a share of salary (assumption; sensitivity grid).",
                    "is_default_assumption", "True on the row with the default replacement cost ratio (0.21).",
                    "horizon_months",
                            "Months from each cohort mentee's time zero over which cost and benefit are counted (12).",
                    "window_start",
                            "First day of the ROI window: the cohort is matched mentees whose time zero (index_date) is in [window_start, window_end).",
                    "window_end",
                            "First day after the window: the first of the month holding as_of - horizon_months, so every cohort mentee has complete follow-up.",
                    "n_cohort_mentees",
                            "Matched mentees whose time zero lies in the window (the ROI cohort; recent and unmatched mentees are in neither cost nor benefit).",
                    "n_cohort_mentors",
                            "Distinct mentors of the cohort's held meetings counted in the cost (their salaries are in it).",
                    "held_meeting_hours",
                            "Held meeting hours of the cohort in the horizon_months after each mentee's time zero.",
                    "participant_time_cost",
                            "Held hours x (mentor + mentee) loaded hourly cost, annual_salary x (1 + overhead_rate) / hours_per_year.",
                    "fixed_cost",
                            "annual_fixed_cost x the share of the window's days the program ran (a multi-year cost pays only the window's share) x fixed_cost_share; ALL: every program's.",
                    "fixed_cost_share",
                            "The cohort's share of the window's fixed cost: cohort mentees / all mentees whose time zero lies in the window (the fixed cost pays for all of them, the benefit counts the matched ones); 1 when fewer than k window mentees have no comparator.",
                    "total_cost", "participant_time_cost + fixed_cost.",
                    "retention_difference",
                            "Voluntary departures avoided per matched mentee by the horizon: comparison minus mentee cumulative incidence of voluntary exit (Aalen-Johansen, involuntary exits competing), estimated on all the program's matched mentees (effect_estimated_on).",
                    "retention_difference_ci_low", "95% CI low of retention_difference (person-clustered robust se).",
                    "retention_difference_ci_high", "95% CI high of retention_difference (person-clustered robust se).",
                    "effect_estimated_on",
                            "Who retention_difference was estimated on: all_matched_mentees (every time zero), applied to the cohort's matched mentees only.",
                    "avoided_departures", "retention_difference x n_cohort_mentees.",
                    "mean_mentee_salary", "Mean annual salary of the cohort mentees.",
                    "replacement_cost_per_departure", "replacement_cost_ratio x mean_mentee_salary.",
                    "benefit", "avoided_departures x replacement_cost_per_departure.",
                    "roi", "(benefit - total_cost) / total_cost.",
                    "roi_ci_low", "ROI at the retention difference's CI low (ROI is linear in it).",
                    "roi_ci_high", "ROI at the retention difference's CI high.",
                    "break_even_retention_uplift",
                            "Retention difference at which benefit equals cost: total_cost / (n_cohort_mentees x replacement_cost_per_departure).",
                    "overhead_rate", "Overhead on salary for the loaded hourly cost (assumption).",
                    "hours_per_year", "Paid hours per year (assumption)."),
            false);

    static final Map<String, String> PROMOTION_SUMMARY = withCommon(
            of(
                    "horizon_months", "Months after the index date.",
                    "n_employees", "Employees in the cohort (unweighted).",
                    "n_events", "Employees promoted by the horizon (unweighted).",
                    "promotion_rate",
                            "Weighted Aalen-Johansen cumulative incidence of a first promotion, any separation competing.",
                    "ci_low", "95% CI low (log(-log) transform, person-clustered robust standard error).",
                    "ci_high", "95% CI high (log(-log) transform, person-clustered robust standard error).",
                    "difference", "Promotion rate minus the comparison group's; null on comparison rows.",
                    "difference_ci_low", "95% CI low of the difference (normal, person-clustered robust se).",
                    "difference_ci_high", "95% CI high of the difference (normal, person-clustered robust se)."),
            true);
}
