package io.mentoringoutcomes.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built report inputs: program P-A with figures, P-SMALL suppressed, and ALL. */
final class ReportFixtures {

    private ReportFixtures() {}

    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Map<String, Object> roi(
            String program, double ratio, boolean isDefault, Double roi, Double low, Double high, boolean suppressed) {
        return row(
                "program_id",
                program,
                "horizon_months",
                12,
                "n_cohort_mentees",
                suppressed ? null : 120L,
                "held_meeting_hours",
                900.0,
                "participant_time_cost",
                81000.0,
                "fixed_cost",
                48000.0,
                "total_cost",
                129000.0,
                "retention_difference",
                suppressed ? null : 0.061,
                "retention_difference_ci_low",
                suppressed ? null : 0.012,
                "retention_difference_ci_high",
                suppressed ? null : 0.11,
                "replacement_cost_ratio",
                ratio,
                "is_default_assumption",
                isDefault,
                "benefit",
                suppressed ? null : 250000.0,
                "roi",
                roi,
                "roi_ci_low",
                low,
                "roi_ci_high",
                high,
                "break_even_retention_uplift",
                suppressed ? null : 0.031,
                "overhead_rate",
                0.25,
                "hours_per_year",
                2080.0,
                "suppressed",
                suppressed,
                "as_of",
                "2026-10-31");
    }

    static List<Map<String, Object>> curve(String program, String cohort, double hazard, boolean suppressed) {
        List<Map<String, Object>> out = new ArrayList<>();
        double s = 1.0;
        for (int m = 0; m <= 24; m++) {
            double w = 0.01 + 0.004 * m;
            out.add(row(
                    "program_id",
                    program,
                    "cohort",
                    cohort,
                    "method",
                    "matched",
                    "month",
                    m,
                    "survival",
                    suppressed ? null : s,
                    "ci_low",
                    suppressed ? null : Math.max(0, s - w),
                    "ci_high",
                    suppressed ? null : Math.min(1, s + w),
                    "suppressed",
                    suppressed));
            s *= 1 - hazard;
        }
        return out;
    }

    static ReportData data() {
        Map<String, List<Map<String, Object>>> gold = new LinkedHashMap<>();
        List<Map<String, Object>> roi = new ArrayList<>();
        for (String p : List.of("ALL", "P-A")) {
            double shift = p.equals("ALL") ? 0.0 : 0.5;
            roi.add(roi(p, 0.21, true, 1.42 + shift, 0.3 + shift, 2.55 + shift, false));
            roi.add(roi(p, 0.5, false, 4.81 + shift, 1.9 + shift, 7.7 + shift, false));
        }
        roi.add(roi("P-SMALL", 0.21, true, null, null, null, true));
        roi.add(roi("P-SMALL", 0.5, false, null, null, null, true));
        gold.put("program_roi", roi);

        List<Map<String, Object>> curve = new ArrayList<>();
        curve.addAll(curve("ALL", "mentee", 0.008, false));
        curve.addAll(curve("ALL", "comparison", 0.013, false));
        curve.addAll(curve("P-A", "mentee", 0.006, false));
        curve.addAll(curve("P-A", "comparison", 0.012, false));
        curve.addAll(curve("P-SMALL", "mentee", 0.01, true));
        curve.addAll(curve("P-SMALL", "comparison", 0.01, true));
        gold.put("retention_curve", curve);

        gold.put(
                "retention_summary",
                List.of(
                        row(
                                "program_id",
                                "P-A",
                                "cohort",
                                "mentee",
                                "method",
                                "matched",
                                "horizon_months",
                                12,
                                "retention",
                                0.93,
                                "difference",
                                0.061,
                                "difference_ci_low",
                                0.012,
                                "difference_ci_high",
                                0.11,
                                "suppressed",
                                false),
                        row(
                                "program_id",
                                "P-SMALL",
                                "cohort",
                                "mentee",
                                "method",
                                "matched",
                                "horizon_months",
                                12,
                                "retention",
                                null,
                                "difference",
                                null,
                                "difference_ci_low",
                                null,
                                "difference_ci_high",
                                null,
                                "suppressed",
                                true)));

        gold.put(
                "matching_balance",
                List.of(row(
                        "program_id",
                        "P-A",
                        "n_mentees",
                        120L,
                        "n_matched_mentees",
                        114L,
                        "match_rate",
                        0.95,
                        "n_comparators",
                        610L,
                        "smd_tenure_years_after",
                        0.03,
                        "smd_annual_salary_after",
                        -0.05,
                        "smd_performance_rating_after",
                        0.01,
                        "suppressed",
                        false)));

        gold.put(
                "turnover_rate",
                List.of(
                        row(
                                "program_id",
                                "ALL",
                                "cohort",
                                "participant",
                                "window_start",
                                "2025-11-01",
                                "window_end",
                                "2026-10-31",
                                "avg_monthly_headcount",
                                410.0,
                                "total_turnover_rate",
                                0.092,
                                "voluntary_turnover_rate",
                                0.071,
                                "suppressed",
                                false),
                        row(
                                "program_id",
                                "ALL",
                                "cohort",
                                "non_participant",
                                "window_start",
                                "2025-11-01",
                                "window_end",
                                "2026-10-31",
                                "avg_monthly_headcount",
                                2210.0,
                                "total_turnover_rate",
                                0.148,
                                "voluntary_turnover_rate",
                                0.117,
                                "suppressed",
                                false),
                        row(
                                "program_id",
                                "P-SMALL",
                                "cohort",
                                "participant",
                                "window_start",
                                "2025-11-01",
                                "window_end",
                                "2026-10-31",
                                "avg_monthly_headcount",
                                null,
                                "total_turnover_rate",
                                null,
                                "voluntary_turnover_rate",
                                null,
                                "suppressed",
                                true)));

        gold.put(
                "satisfaction_summary",
                List.of(
                        row(
                                "program_id",
                                "ALL",
                                "metric",
                                "engagement_did",
                                "cohort",
                                "mentee",
                                "method",
                                "matched",
                                "n_employees",
                                300L,
                                "value",
                                0.21,
                                "comparison_value",
                                0.02,
                                "difference",
                                0.19,
                                "difference_ci_low",
                                0.08,
                                "difference_ci_high",
                                0.30,
                                "suppressed",
                                false,
                                "note",
                                "DiD"),
                        row(
                                "program_id",
                                "ALL",
                                "metric",
                                "enps",
                                "cohort",
                                "mentee",
                                "method",
                                "matched",
                                "n_employees",
                                280L,
                                "value",
                                31.0,
                                "comparison_value",
                                12.0,
                                "difference",
                                19.0,
                                "difference_ci_low",
                                7.0,
                                "difference_ci_high",
                                31.0,
                                "suppressed",
                                false,
                                "note",
                                "eNPS"),
                        row(
                                "program_id",
                                "P-SMALL",
                                "metric",
                                "enps",
                                "cohort",
                                "mentee",
                                "method",
                                "matched",
                                "n_employees",
                                null,
                                "value",
                                null,
                                "comparison_value",
                                null,
                                "difference",
                                null,
                                "difference_ci_low",
                                null,
                                "difference_ci_high",
                                null,
                                "suppressed",
                                true,
                                "note",
                                "eNPS")));

        gold.put(
                "engagement_summary",
                List.of(
                        row(
                                "program_id",
                                "ALL",
                                "n_matches",
                                357L,
                                "n_active_matches",
                                200L,
                                "meetings_held",
                                3100L,
                                "cancellation_rate",
                                0.11,
                                "no_show_rate",
                                0.04,
                                "median_days_between_meetings",
                                18.0,
                                "stall_eligible_matches",
                                180L,
                                "stalled_matches",
                                27L,
                                "stalled_share",
                                0.15,
                                "suppressed",
                                false),
                        row(
                                "program_id",
                                "P-SMALL",
                                "n_matches",
                                4L,
                                "n_active_matches",
                                3L,
                                "meetings_held",
                                null,
                                "cancellation_rate",
                                null,
                                "no_show_rate",
                                null,
                                "median_days_between_meetings",
                                null,
                                "stall_eligible_matches",
                                null,
                                "stalled_matches",
                                null,
                                "stalled_share",
                                null,
                                "suppressed",
                                true)));

        List<Map<String, Object>> checks = List.of(
                row(
                        "dataset",
                        "silver.matches",
                        "check",
                        "contract",
                        "constraint",
                        "CompletenessConstraint(mentee_id)",
                        "level",
                        "error",
                        "status",
                        "success",
                        "metric_value",
                        1.0,
                        "message",
                        null),
                row(
                        "dataset",
                        "silver.surveys",
                        "check",
                        "anomaly",
                        "constraint",
                        "Size within 20% of last night",
                        "level",
                        "warning",
                        "status",
                        "failure",
                        "metric_value",
                        0.7,
                        "message",
                        "size dropped 30% <night-over-night>"));
        List<Map<String, Object>> quarantine = List.of(row(
                "stage", "ingest", "dataset", "meetings", "rule", "meeting_before_match", "level", "error", "n", 3L));
        return new ReportData(
                LocalDate.of(2026, 10, 31),
                "run-2026-10-31-020000",
                "current tables",
                Instant.parse("2026-11-01T06:00:00Z"),
                10,
                gold,
                Map.of("gold.program_roi", 4L),
                Map.of("P-A", "Career <Development> & Growth", "P-SMALL", "Tiny pilot"),
                checks,
                quarantine,
                true,
                List.of());
    }
}
