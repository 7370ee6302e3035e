package io.mentoringoutcomes.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders {@link ReportData} as one self-contained HTML page: inline CSS, inline SVG, no script
 * and no external resource, so it opens offline and prints as shown. Suppressed figures read
 * "suppressed (fewer than N employees)", never 0; figures that could not be estimated read "n/a".
 */
public final class OutcomesReport {

    static final String MENTEE_COLOR = "#1d5fa8";
    static final String COMPARISON_COLOR = "#c45a00";
    private static final String ALL = "ALL";

    private final ReportData data;
    private final Html h = new Html();

    private OutcomesReport(ReportData data) {
        this.data = data;
    }

    public static String render(ReportData data) {
        return new OutcomesReport(data).page();
    }

    /** The phrase shown instead of a suppressed figure. */
    public static String suppressedText(int minGroupSize) {
        return "suppressed (fewer than " + minGroupSize + " employees)";
    }

    private String page() {
        String title = "Mentoring outcomes" + (data.asOf() != null ? " — as of " + data.asOf() : "");
        h.raw("<!DOCTYPE html>")
                .nl()
                .open("html", "lang", "en")
                .nl()
                .open("head")
                .raw("<meta charset=\"utf-8\">")
                .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .el("title", title)
                .nl()
                .open("style")
                .raw(CSS)
                .close("style")
                .close("head")
                .nl()
                .open("body")
                .open("main");
        header(title);
        roi();
        retention();
        turnoverAndSatisfaction();
        engagement();
        quality();
        footer();
        h.close("main").close("body").close("html").nl();
        return h.toString();
    }

    // ---------------------------------------------------------------- header

    private void header(String title) {
        h.open("header", "class", "top").el("h1", title);
        h.open("p", "class", "meta")
                .text("Source: " + data.source())
                .text(data.runId() != null && !data.source().contains(data.runId()) ? " · run " + data.runId() : "")
                .text(" · generated "
                        + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                                .withZone(ZoneOffset.UTC)
                                .format(data.generatedAt()))
                .close("p");
        h.open("p", "class", "meta")
                .text(
                        "Figures from groups of fewer than " + data.minGroupSize()
                                + " employees are suppressed so nobody can be singled out. Intervals are 95% confidence intervals.")
                .close("p");
        for (String w : data.warnings()) {
            h.el("p", w, "class", "warning");
        }
        h.close("header").nl();
    }

    // ---------------------------------------------------------------- ROI

    private void roi() {
        List<Map<String, Object>> rows = data.rows("program_roi");
        h.open("section", "id", "roi").el("h2", "Return on investment");
        if (rows.isEmpty()) {
            h.el("p", "gold.program_roi was not published.", "class", "muted").close("section");
            return;
        }
        Map<String, Object> any = rows.get(0);
        h.open("p", "class", "lede")
                .text("ROI over a " + num(any.get("horizon_months"), 0) + "-month horizon: "
                        + "(avoided departures × replacement cost − program cost) / program cost. Avoided departures come from the "
                        + "matched retention difference between mentees and comparable non-participants; the interval maps that "
                        + "difference's 95% interval through.")
                .close("p");
        h.open("div", "class", "cards");
        for (String program : programs(rows)) {
            List<Map<String, Object>> grid = rows.stream()
                    .filter(r -> program.equals(r.get("program_id")))
                    .sorted(Comparator.comparingDouble(r -> dbl(r.get("replacement_cost_ratio"), 0.0)))
                    .toList();
            Map<String, Object> def = grid.stream()
                    .filter(r -> Boolean.TRUE.equals(r.get("is_default_assumption")))
                    .findFirst()
                    .orElse(grid.get(0));
            roiCard(program, def, grid);
        }
        h.close("div").close("section").nl();
    }

    private void roiCard(String program, Map<String, Object> def, List<Map<String, Object>> grid) {
        boolean suppressed = isSuppressed(def);
        h.open("article", "class", "card roi", "data-program", program);
        h.el("h3", programLabel(program));
        h.el(
                "div",
                "ROI at the default replacement cost (" + pct(def.get("replacement_cost_ratio"), 0) + " of salary)",
                "class",
                "kicker");
        h.open("div", "class", "headline");
        if (suppressed) {
            h.el("span", suppressedText(data.minGroupSize()), "class", "suppressed");
        } else if (def.get("roi") == null) {
            h.el(
                    "span",
                    "n/a",
                    "class",
                    "na",
                    "title",
                    "not estimable: no matched retention difference at the horizon");
        } else {
            h.el("span", pct(def.get("roi"), 0), "class", "big " + (dbl(def.get("roi"), 0) >= 0 ? "pos" : "neg"));
            h.el(
                    "span",
                    "95% CI " + pct(def.get("roi_ci_low"), 0) + " to " + pct(def.get("roi_ci_high"), 0),
                    "class",
                    "ci");
        }
        h.close("div");
        if (suppressed) {
            // One note instead of the same phrase in every line: only the cost side is not about people.
            h.open("dl", "class", "facts");
            fact("Program cost", money(def.get("total_cost")));
            h.close("dl");
            h.el(
                    "p",
                    "Mentee counts, retention, benefit and ROI are suppressed for every replacement cost ratio.",
                    "class",
                    "note");
            h.close("article");
            return;
        }
        h.open("dl", "class", "facts");
        fact("Mentees in the ROI cohort", num(def.get("n_cohort_mentees"), 0));
        fact("Program cost", money(def.get("total_cost")));
        fact("Benefit", figure(def, "benefit", this::money));
        fact(
                "Retention difference",
                figure(
                        def,
                        "retention_difference",
                        v -> pp(v)
                                + ci(
                                        def.get("retention_difference_ci_low"),
                                        def.get("retention_difference_ci_high"),
                                        this::pp)));
        fact("Break-even uplift", figure(def, "break_even_retention_uplift", this::pp));
        h.close("dl");
        h.open("p", "class", "assumptions")
                .text("Assumptions: replacement cost " + pct(def.get("replacement_cost_ratio"), 0)
                        + " of salary (default), overhead " + pct(def.get("overhead_rate"), 0) + " on salary, "
                        + num(def.get("hours_per_year"), 0)
                        + " paid hours a year, held meeting hours within the horizon.")
                .close("p");
        h.open("table", "class", "grid")
                .open("caption")
                .text("Sensitivity to the replacement cost ratio")
                .close("caption");
        h.open("thead")
                .open("tr")
                .el("th", "Replacement cost")
                .el("th", "ROI")
                .el("th", "95% CI")
                .close("tr")
                .close("thead");
        h.open("tbody");
        for (Map<String, Object> r : grid) {
            h.open("tr", "class", Boolean.TRUE.equals(r.get("is_default_assumption")) ? "default" : null);
            h.el(
                    "td",
                    pct(r.get("replacement_cost_ratio"), 0)
                            + (Boolean.TRUE.equals(r.get("is_default_assumption")) ? " (default)" : ""));
            if (isSuppressed(r)) {
                h.el("td", suppressedText(data.minGroupSize()), "colspan", "2", "class", "suppressed");
            } else {
                h.el("td", pct(r.get("roi"), 0), "class", "num");
                h.el(
                        "td",
                        ci(r.get("roi_ci_low"), r.get("roi_ci_high"), v -> pct(v, 0))
                                .trim(),
                        "class",
                        "num");
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("article");
    }

    private void fact(String label, String value) {
        h.el("dt", label)
                .open("dd", "class", value.startsWith("suppressed") ? "suppressed" : null)
                .text(value)
                .close("dd");
    }

    // ---------------------------------------------------------------- retention

    private void retention() {
        List<Map<String, Object>> curve = data.rows("retention_curve");
        h.open("section", "id", "retention").el("h2", "Retention: mentees against matched comparison");
        if (curve.isEmpty()) {
            h.el("p", "gold.retention_curve was not published.", "class", "muted")
                    .close("section");
            return;
        }
        h.el(
                "p",
                "Share of each group not having left voluntarily, by months since the mentee's first held meeting "
                        + "(comparators: the same date). Weighted Kaplan-Meier on coarsened-exact-matched comparators; shaded bands are "
                        + "95% confidence intervals. Gaps are months suppressed or not estimable.",
                "class",
                "lede");
        h.open("div", "class", "charts");
        for (String program : programs(curve)) {
            List<StepChart.Series> series = new ArrayList<>();
            boolean suppressedAll = true;
            for (String cohort : List.of("mentee", "comparison")) {
                List<StepChart.Point> pts = new ArrayList<>();
                for (Map<String, Object> r : curve) {
                    if (program.equals(r.get("program_id")) && cohort.equals(r.get("cohort"))) {
                        Double v = isSuppressed(r) ? null : dblOrNull(r.get("survival"));
                        suppressedAll &= v == null;
                        pts.add(new StepChart.Point(
                                ((Number) r.get("month")).intValue(),
                                v,
                                isSuppressed(r) ? null : dblOrNull(r.get("ci_low")),
                                isSuppressed(r) ? null : dblOrNull(r.get("ci_high"))));
                    }
                }
                series.add(new StepChart.Series(
                        cohort.equals("mentee") ? "Mentees" : "Matched comparison",
                        cohort.equals("mentee") ? MENTEE_COLOR : COMPARISON_COLOR,
                        pts));
            }
            h.open("figure", "class", "chart-box", "data-program", program);
            h.el("figcaption", programLabel(program));
            if (suppressedAll) {
                h.el("p", suppressedText(data.minGroupSize()), "class", "suppressed");
            } else {
                h.raw(StepChart.render(
                        "Retention of mentees vs matched comparison, " + programLabel(program),
                        "Months since index date",
                        "Retained (%)",
                        series));
            }
            retentionTable(program);
            balanceNote(program);
            h.close("figure");
        }
        h.close("div").close("section").nl();
    }

    private void retentionTable(String program) {
        List<Map<String, Object>> rows = data.rows("retention_summary").stream()
                .filter(r -> program.equals(r.get("program_id"))
                        && "matched".equals(r.get("method"))
                        && "mentee".equals(r.get("cohort")))
                .sorted(Comparator.comparingInt(r -> ((Number) r.get("horizon_months")).intValue()))
                .toList();
        if (rows.isEmpty()) {
            return;
        }
        h.open("table", "class", "compact")
                .open("thead")
                .open("tr")
                .el("th", "Horizon")
                .el("th", "Mentees retained")
                .el("th", "Difference vs comparison")
                .close("tr")
                .close("thead")
                .open("tbody");
        for (Map<String, Object> r : rows) {
            h.open("tr").el("td", num(r.get("horizon_months"), 0) + " months");
            if (isSuppressed(r)) {
                h.el("td", suppressedText(data.minGroupSize()), "colspan", "2", "class", "suppressed");
            } else {
                h.el("td", pct(r.get("retention"), 1), "class", "num");
                h.el(
                        "td",
                        pp(r.get("difference")) + ci(r.get("difference_ci_low"), r.get("difference_ci_high"), this::pp),
                        "class",
                        "num");
            }
            h.close("tr");
        }
        h.close("tbody").close("table");
    }

    /** How well the comparison matches: match rate and standardized mean differences after matching. */
    private void balanceNote(String program) {
        for (Map<String, Object> r : data.rows("matching_balance")) {
            if (!program.equals(r.get("program_id"))) {
                continue;
            }
            if (isSuppressed(r)) {
                h.el("p", "Matching: " + suppressedText(data.minGroupSize()), "class", "note suppressed");
                return;
            }
            h.el(
                    "p",
                    "Matching: " + num(r.get("n_matched_mentees"), 0) + " of " + num(r.get("n_mentees"), 0)
                            + " mentees matched (" + pct(r.get("match_rate"), 0) + ") to "
                            + num(r.get("n_comparators"), 0)
                            + " comparators. Standardized mean difference after matching: tenure "
                            + num(r.get("smd_tenure_years_after"), 2) + ", salary "
                            + num(r.get("smd_annual_salary_after"), 2)
                            + ", performance " + num(r.get("smd_performance_rating_after"), 2)
                            + " (below 0.1 is well balanced).",
                    "class",
                    "note");
            return;
        }
    }

    // ---------------------------------------------------------------- turnover and satisfaction

    private void turnoverAndSatisfaction() {
        h.open("section", "id", "turnover-satisfaction").el("h2", "Turnover and satisfaction");
        h.open("div", "class", "two");
        turnover();
        satisfaction();
        h.close("div").close("section").nl();
    }

    private void turnover() {
        List<Map<String, Object>> rows = data.rows("turnover_rate");
        h.open("div", "class", "panel", "id", "turnover").el("h3", "Annual turnover (SHRM)");
        if (rows.isEmpty()) {
            h.el("p", "gold.turnover_rate was not published.", "class", "muted").close("div");
            return;
        }
        Map<String, Object> any = rows.get(0);
        h.el(
                "p",
                "Separations ÷ average monthly headcount, summed over " + any.get("window_start") + " – "
                        + any.get("window_end")
                        + ". Descriptive: participants self-select; see retention above for the matched effect.",
                "class",
                "note");
        h.open("table")
                .open("thead")
                .open("tr")
                .el("th", "Program")
                .el("th", "Group")
                .el("th", "Avg headcount")
                .el("th", "Total")
                .el("th", "Voluntary")
                .close("tr")
                .close("thead")
                .open("tbody");
        for (String program : programs(rows)) {
            for (String cohort : List.of("participant", "non_participant")) {
                for (Map<String, Object> r : rows) {
                    if (!program.equals(r.get("program_id")) || !cohort.equals(r.get("cohort"))) {
                        continue;
                    }
                    h.open("tr")
                            .el("td", cohort.equals("participant") ? programLabel(program) : "")
                            .el("td", cohort.equals("participant") ? "Participants" : "Non-participants");
                    if (isSuppressed(r)) {
                        h.el("td", suppressedText(data.minGroupSize()), "colspan", "3", "class", "suppressed");
                    } else {
                        h.el("td", num(r.get("avg_monthly_headcount"), 0), "class", "num")
                                .el("td", pct(r.get("total_turnover_rate"), 1), "class", "num")
                                .el("td", pct(r.get("voluntary_turnover_rate"), 1), "class", "num");
                    }
                    h.close("tr");
                }
            }
        }
        h.close("tbody").close("table").close("div");
    }

    private static final Map<String, String> METRIC_LABELS = Map.of(
            "engagement_did", "Engagement change vs comparison (DiD)",
            "enps", "eNPS",
            "relationship_satisfaction", "Relationship satisfaction (1–5)",
            "action_rating_mean", "Meeting rating (1–10)",
            "action_rating_first3_vs_last3", "Ratings: last 3 vs first 3");

    private void satisfaction() {
        List<Map<String, Object>> rows = data.rows("satisfaction_summary");
        h.open("div", "class", "panel", "id", "satisfaction").el("h3", "Satisfaction and engagement");
        if (rows.isEmpty()) {
            h.el("p", "gold.satisfaction_summary was not published (or no surveys were delivered).", "class", "muted")
                    .close("div");
            return;
        }
        h.el(
                "p",
                "Mentee value, the comparison's value and their difference with its 95% interval. The engagement figure is a "
                        + "difference-in-differences against matched comparators.",
                "class",
                "note");
        h.open("table")
                .open("thead")
                .open("tr")
                .el("th", "Program")
                .el("th", "Metric")
                .el("th", "Value")
                .el("th", "Comparison")
                .el("th", "Difference (95% CI)")
                .close("tr")
                .close("thead")
                .open("tbody");
        for (String program : programs(rows)) {
            boolean first = true;
            for (Map<String, Object> r : rows) {
                if (!program.equals(r.get("program_id"))
                        || "naive".equals(r.get("method"))
                        || "mentor".equals(r.get("cohort"))
                        || "comparison".equals(r.get("cohort"))) {
                    continue;
                }
                String metric = String.valueOf(r.get("metric"));
                h.open("tr")
                        .el("td", first ? programLabel(program) : "")
                        .el(
                                "td",
                                METRIC_LABELS.getOrDefault(metric, metric),
                                "title",
                                Objects.toString(r.get("note"), ""));
                first = false;
                if (isSuppressed(r)) {
                    h.el("td", suppressedText(data.minGroupSize()), "colspan", "3", "class", "suppressed");
                } else {
                    int digits = metric.equals("enps") ? 0 : 2;
                    h.el("td", num(r.get("value"), digits), "class", "num")
                            .el(
                                    "td",
                                    r.get("comparison_value") == null ? "—" : num(r.get("comparison_value"), digits),
                                    "class",
                                    "num",
                                    "title",
                                    r.get("comparison_value") == null ? "no comparison group for this metric" : null)
                            .el(
                                    "td",
                                    r.get("difference") == null && r.get("comparison_value") == null
                                            ? "—"
                                            : signed(r.get("difference"), digits)
                                                    + ci(
                                                            r.get("difference_ci_low"),
                                                            r.get("difference_ci_high"),
                                                            v -> signed(v, digits)),
                                    "class",
                                    "num");
                }
                h.close("tr");
            }
        }
        h.close("tbody").close("table").close("div");
    }

    // ---------------------------------------------------------------- engagement health

    private void engagement() {
        List<Map<String, Object>> rows = data.rows("engagement_summary");
        h.open("section", "id", "engagement").el("h2", "Engagement health");
        if (rows.isEmpty()) {
            h.el("p", "gold.engagement_summary was not published.", "class", "muted")
                    .close("section");
            return;
        }
        h.el(
                "p",
                "Meetings scheduled on or before the as-of date. A match is stalled when it is active, old enough, and has "
                        + "had no held meeting in twice the program's planned cadence.",
                "class",
                "lede");
        h.open("table")
                .open("thead")
                .open("tr")
                .el("th", "Program")
                .el("th", "Matches (active)")
                .el("th", "Held meetings")
                .el("th", "Cancelled")
                .el("th", "No-show")
                .el("th", "Median days between meetings")
                .el("th", "Stalled")
                .el("th", "Stalled share")
                .close("tr")
                .close("thead")
                .open("tbody");
        for (String program : programs(rows)) {
            for (Map<String, Object> r : rows) {
                if (!program.equals(r.get("program_id"))) {
                    continue;
                }
                h.open("tr").el("td", programLabel(program));
                if (isSuppressed(r)) {
                    h.el("td", suppressedText(data.minGroupSize()), "colspan", "7", "class", "suppressed");
                } else {
                    h.el(
                                    "td",
                                    num(r.get("n_matches"), 0) + " (" + num(r.get("n_active_matches"), 0) + ")",
                                    "class",
                                    "num")
                            .el("td", num(r.get("meetings_held"), 0), "class", "num")
                            .el("td", pct(r.get("cancellation_rate"), 1), "class", "num")
                            .el("td", pct(r.get("no_show_rate"), 1), "class", "num")
                            .el("td", num(r.get("median_days_between_meetings"), 0), "class", "num")
                            .el(
                                    "td",
                                    r.get("stalled_matches") == null
                                            // a facet hidden by disclosure control: the row's other figures stay
                                            ? "withheld (disclosure control)"
                                            : num(r.get("stalled_matches"), 0) + " of "
                                                    + num(r.get("stall_eligible_matches"), 0),
                                    "class",
                                    "num");
                    h.open("td", "class", "num")
                            .raw(bar(dblOrNull(r.get("stalled_share"))))
                            .close("td");
                }
                h.close("tr");
            }
        }
        h.close("tbody").close("table").close("section").nl();
    }

    /** A tiny inline bar for a share, with the percentage as text (it prints in black). */
    private String bar(Double share) {
        if (share == null) {
            return "n/a";
        }
        double w = Math.max(0, Math.min(1, share)) * 80;
        return "<svg class=\"bar\" width=\"84\" height=\"10\" viewBox=\"0 0 84 10\" aria-hidden=\"true\">"
                + "<rect x=\"0\" y=\"1\" width=\"80\" height=\"8\" fill=\"#eef0f3\" stroke=\"#c9ced6\" stroke-width=\"0.5\"/>"
                + "<rect x=\"0\" y=\"1\" width=\"" + String.format(Locale.ROOT, "%.1f", w) + "\" height=\"8\" fill=\""
                + (share > 0.25 ? "#b3261e" : "#1d5fa8") + "\"/></svg> " + Html.escape(pct(share, 0));
    }

    // ---------------------------------------------------------------- data quality

    private void quality() {
        h.open("section", "id", "quality").el("h2", "Data quality of this run");
        if (!data.dqAvailable() && data.quarantine().isEmpty()) {
            h.el(
                            "p",
                            data.runId() == null
                                    ? "No run is recorded: no data-quality status."
                                    : "No data-quality results are recorded for run " + data.runId() + ".",
                            "class",
                            "muted")
                    .close("section");
            return;
        }
        Map<String, long[]> byLevel = new TreeMap<>();
        long passed = 0;
        long failed = 0;
        for (Map<String, Object> c : data.dqChecks()) {
            boolean ok = "success".equalsIgnoreCase(String.valueOf(c.get("status")));
            long[] n = byLevel.computeIfAbsent(String.valueOf(c.get("level")), k -> new long[2]);
            n[ok ? 0 : 1]++;
            if (ok) {
                passed++;
            } else {
                failed++;
            }
        }
        long quarantined = data.quarantine().stream()
                .mapToLong(q -> ((Number) q.get("n")).longValue())
                .sum();
        h.open("div", "class", "kpis");
        kpi(String.valueOf(passed), "checks passed", "ok");
        kpi(String.valueOf(failed), "checks failed", failed == 0 ? "ok" : "bad");
        kpi(String.format(Locale.ROOT, "%,d", quarantined), "rows quarantined", quarantined == 0 ? "ok" : "warn");
        h.close("div");
        if (!byLevel.isEmpty()) {
            h.open("p", "class", "note");
            List<String> parts = new ArrayList<>();
            byLevel.forEach((level, n) -> parts.add(level + ": " + n[0] + " passed, " + n[1] + " failed"));
            h.text("By level — " + String.join("; ", parts) + ". Only failed error-level checks block publication.")
                    .close("p");
        }
        h.open("div", "class", "two");
        h.open("div", "class", "panel").el("h3", "Checks not passed");
        List<Map<String, Object>> notPassed = data.dqChecks().stream()
                .filter(c -> !"success".equalsIgnoreCase(String.valueOf(c.get("status"))))
                .toList();
        if (notPassed.isEmpty()) {
            h.el("p", "Every check passed.", "class", "muted");
        } else {
            h.open("table")
                    .open("thead")
                    .open("tr")
                    .el("th", "Dataset")
                    .el("th", "Check")
                    .el("th", "Level")
                    .el("th", "Message")
                    .close("tr")
                    .close("thead")
                    .open("tbody");
            for (Map<String, Object> c : notPassed) {
                h.open("tr")
                        .el("td", c.get("dataset"))
                        .el("td", Objects.toString(c.get("constraint"), Objects.toString(c.get("check"), "")))
                        .el("td", c.get("level"), "class", "level-" + c.get("level"))
                        .el("td", c.get("message"))
                        .close("tr");
            }
            h.close("tbody").close("table");
        }
        h.close("div");
        h.open("div", "class", "panel").el("h3", "Quarantined rows by rule");
        if (data.quarantine().isEmpty()) {
            h.el("p", "No rows were quarantined.", "class", "muted");
        } else {
            h.open("table")
                    .open("thead")
                    .open("tr")
                    .el("th", "Stage")
                    .el("th", "Dataset")
                    .el("th", "Rule")
                    .el("th", "Rows")
                    .close("tr")
                    .close("thead")
                    .open("tbody");
            for (Map<String, Object> q : data.quarantine()) {
                h.open("tr")
                        .el("td", q.get("stage"))
                        .el("td", q.get("dataset"))
                        .el("td", q.get("rule"))
                        .el("td", String.format(Locale.ROOT, "%,d", ((Number) q.get("n")).longValue()), "class", "num")
                        .close("tr");
            }
            h.close("tbody").close("table");
        }
        h.close("div").close("div").close("section").nl();
    }

    private void kpi(String value, String label, String tone) {
        h.open("div", "class", "kpi " + tone)
                .el("span", value, "class", "kpi-value")
                .el("span", label, "class", "kpi-label")
                .close("div");
    }

    // ---------------------------------------------------------------- footer

    private void footer() {
        h.open("footer");
        List<String> versions = new ArrayList<>();
        data.goldVersions().forEach((t, v) -> versions.add(t + " v" + v));
        h.el("p", "Gold tables read: " + String.join(", ", versions) + ".");
        h.open("p")
                .text("Figures come from the published gold tables; reproduce any of them with ")
                .el(
                        "code",
                        "mentoring-outcomes query --as-reported-on " + (data.asOf() != null ? data.asOf() : "DATE")
                                + " \"SELECT * FROM gold.program_roi\"")
                .text(".")
                .close("p");
        h.close("footer");
    }

    // ---------------------------------------------------------------- helpers

    /** Program ids in display order: ALL first, then the rest sorted. */
    private static List<String> programs(List<Map<String, Object>> rows) {
        Set<String> ids = new LinkedHashSet<>();
        rows.stream()
                .map(r -> Objects.toString(r.get("program_id"), null))
                .filter(Objects::nonNull)
                .sorted()
                .forEach(ids::add);
        List<String> out = new ArrayList<>();
        if (ids.remove(ALL)) {
            out.add(ALL);
        }
        out.addAll(ids);
        return out;
    }

    private String programLabel(String id) {
        if (ALL.equals(id)) {
            return "All programs";
        }
        String name = data.programNames().get(id);
        return name != null ? name + " (" + id + ")" : id;
    }

    private static boolean isSuppressed(Map<String, Object> row) {
        return Boolean.TRUE.equals(row.get("suppressed"));
    }

    /** A figure of a row: suppressed text, n/a when null, else formatted. */
    private String figure(Map<String, Object> row, String column, java.util.function.Function<Object, String> format) {
        Object v = row.get(column);
        if (v == null) {
            return isSuppressed(row) ? suppressedText(data.minGroupSize()) : "n/a";
        }
        return format.apply(v);
    }

    static Double dblOrNull(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static double dbl(Object v, double fallback) {
        Double d = dblOrNull(v);
        return d != null ? d : fallback;
    }

    static String pct(Object v, int digits) {
        Double d = dblOrNull(v);
        return d == null ? "n/a" : String.format(Locale.ROOT, "%,." + digits + "f%%", d * 100);
    }

    /** A difference of two shares, in percentage points. */
    String pp(Object v) {
        Double d = dblOrNull(v);
        return d == null ? "n/a" : String.format(Locale.ROOT, "%+.1f pp", d * 100);
    }

    static String num(Object v, int digits) {
        Double d = dblOrNull(v);
        return d == null ? "n/a" : String.format(Locale.ROOT, "%,." + digits + "f", d);
    }

    static String signed(Object v, int digits) {
        Double d = dblOrNull(v);
        return d == null ? "n/a" : String.format(Locale.ROOT, "%+,." + digits + "f", d);
    }

    String money(Object v) {
        Double d = dblOrNull(v);
        return d == null ? "n/a" : String.format(Locale.ROOT, "%,.0f", d);
    }

    private static String ci(Object low, Object high, java.util.function.Function<Object, String> format) {
        if (low == null || high == null) {
            return "";
        }
        return " [" + format.apply(low) + ", " + format.apply(high) + "]";
    }

    static final String CSS = """
            :root { --ink:#1b1f24; --muted:#5b6470; --line:#d8dce2; --soft:#f5f7f9; --blue:#1d5fa8; --orange:#c45a00;
                    --green:#1e7a3c; --red:#b3261e; --amber:#8a5a00; }
            * { box-sizing: border-box; }
            html { background:#ffffff; }
            body { margin:0; color:var(--ink); background:#ffffff;
                   font: 14px/1.45 "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 40px; }
            h1 { font-size: 26px; margin: 0 0 6px; font-weight: 650; letter-spacing: -0.01em; }
            h2 { font-size: 19px; margin: 34px 0 8px; padding-bottom: 6px; border-bottom: 2px solid var(--ink); }
            h3 { font-size: 15px; margin: 0 0 8px; }
            header.top { border-bottom: 1px solid var(--line); padding-bottom: 12px; }
            .meta, .note, .muted, .assumptions { color: var(--muted); }
            .meta { margin: 2px 0; font-size: 13px; }
            .note { font-size: 12.5px; margin: 0 0 8px; }
            .lede { margin: 0 0 14px; max-width: 900px; }
            .warning { border-left: 4px solid var(--amber); background: #fff8e6; padding: 8px 12px; margin: 10px 0 0; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; }
            .card { border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; background:#ffffff;
                    break-inside: avoid; page-break-inside: avoid; }
            .headline { display:flex; align-items: baseline; gap: 12px; margin: 2px 0 10px; flex-wrap: wrap; }
            .big { font-size: 34px; font-weight: 700; line-height: 1.1; }
            .big.pos { color: var(--green); } .big.neg { color: var(--red); }
            .kicker { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
            .ci { color: var(--muted); font-size: 13px; }
            .facts { display:grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0 0 8px; font-size: 13px; }
            .facts dt { color: var(--muted); } .facts dd { margin: 0; font-variant-numeric: tabular-nums; }
            .assumptions { font-size: 12px; margin: 6px 0 8px; }
            .suppressed { color: var(--muted); font-style: italic; }
            .na { color: var(--muted); }
            table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 8px; }
            caption { text-align: left; color: var(--muted); font-size: 12px; padding-bottom: 3px; }
            th { text-align: left; font-weight: 600; border-bottom: 1.5px solid var(--ink); padding: 5px 8px; vertical-align: bottom; }
            td { border-bottom: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.default td { font-weight: 600; background: var(--soft); }
            table.grid { width: auto; min-width: 70%; }
            .charts { display:grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 18px; }
            figure.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px;
                               break-inside: avoid; page-break-inside: avoid; }
            figcaption { font-weight: 600; margin-bottom: 4px; }
            svg.chart { width: 100%; height: auto; display: block; }
            svg text { font-family: inherit; fill: #1b1f24; }
            svg text.tick { font-size: 11px; fill: #404852; } svg text.axis { font-size: 12px; }
            svg text.legend { font-size: 12px; } svg text.note { font-size: 11px; fill: #5b6470; }
            svg.bar { vertical-align: middle; }
            .two { display:grid; grid-template-columns: 1fr 1fr; gap: 20px; align-items: start; }
            .panel { break-inside: avoid; page-break-inside: avoid; }
            .kpis { display:flex; gap: 14px; margin: 6px 0 10px; flex-wrap: wrap; }
            .kpi { border: 1px solid var(--line); border-left-width: 5px; border-radius: 6px; padding: 8px 14px; min-width: 150px; }
            .kpi.ok { border-left-color: var(--green); } .kpi.bad { border-left-color: var(--red); }
            .kpi.warn { border-left-color: var(--amber); }
            .kpi-value { display:block; font-size: 22px; font-weight: 700; }
            .kpi-label { color: var(--muted); font-size: 12px; }
            .level-error { color: var(--red); font-weight: 600; } .level-warning { color: var(--amber); }
            footer { margin-top: 36px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
            @media (max-width: 900px) { .two { grid-template-columns: 1fr; } }
            @media print {
              @page { size: A4; margin: 14mm; }
              body { font-size: 11px; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              main { max-width: none; padding: 0; }
              .charts { grid-template-columns: 1fr 1fr; }
              .cards { grid-template-columns: 1fr 1fr; }
              h2 { break-after: avoid; page-break-after: avoid; }
              section { break-inside: auto; }
            }
            """;
}
