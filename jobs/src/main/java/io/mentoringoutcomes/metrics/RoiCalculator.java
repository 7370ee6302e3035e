package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.config.MetricsConfig;
import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code gold.program_roi}: one row per program (and ALL) and replacement-cost ratio, costs and
 * benefits counted over the same people and the same period.
 *
 * <p><b>The ROI cohort</b>: matched mentees (the people the retention difference is about) whose
 * time zero (the cohort frame's index_date, not recomputed here) lies in [window_start, window_end).
 * window_end is the first day of the month holding as-of − horizon, so every cohort mentee has the
 * whole horizon of follow-up behind them; the window spans roiWindowMonths calendar months. Whole
 * months keep whole matching cells (cells are by calendar month of index) inside or outside.
 * Mentees matched more recently are in neither cost nor benefit; unmatched mentees (no comparator
 * in their cell) are in neither either.
 *
 * <p><b>Cost</b> = the cohort's held meeting hours in [time zero, time zero + horizon) x (mentor +
 * mentee loaded hourly cost, annual_salary x (1 + overhead) / hours_per_year; a missing salary is
 * the organisation's mean) + each program's annual_fixed_cost prorated to the days its run overlaps
 * the window (a fixed cost spanning several years pays only for the window's share), times the
 * cohort's share of the window's mentees ({@link #cohortShareOfFixedCost}). ALL: the ALL cohort
 * (time zero = first over programs, meetings of every program) and every program's fixed cost.
 *
 * <p><b>Benefit</b> = retention_difference x n_cohort_mentees x replacement cost (ratio x the cohort's
 * mean salary). retention_difference is voluntary departures avoided per matched mentee by the
 * horizon ({@link AvoidedDepartures}: comparison minus mentee cumulative incidence of voluntary exit,
 * involuntary exits competing), estimated on all the program's matched mentees (every time zero,
 * column effect_estimated_on) because it is the published, disclosure-controlled figure and the
 * larger sample; it is applied to the cohort's mentees only. ROI = (benefit − cost) / cost; it is
 * linear in the difference, so its CI is the difference's person-clustered robust CI mapped through.
 */
public final class RoiCalculator {

    /** What retention_difference was estimated on (a column, so the assumption is visible). */
    public static final String EFFECT_ESTIMATED_ON = "all_matched_mentees";

    private RoiCalculator() {}

    /** First day after the ROI window: the first of the month holding as-of − horizon. */
    public static LocalDate windowEnd(LocalDate asOf, int horizonMonths) {
        return YearMonth.from(asOf.minusMonths(horizonMonths)).atDay(1);
    }

    /** First day of the ROI window. */
    public static LocalDate windowStart(LocalDate asOf, int horizonMonths, int windowMonths) {
        return windowEnd(asOf, horizonMonths).minusMonths(windowMonths);
    }

    /**
     * The ROI cohort: matched mentee rows of the cohort frame whose index_date lies in the window.
     * Output: program_id, employee_id, index_date, annual_salary.
     */
    public static Dataset<Row> roiCohort(Dataset<Row> cohort, MetricsConfig cfg, LocalDate asOf) {
        Column start = lit(Date.valueOf(windowStart(asOf, cfg.roiHorizonMonths(), cfg.roiWindowMonths())));
        Column end = lit(Date.valueOf(windowEnd(asOf, cfg.roiHorizonMonths())));
        return cohort.filter(col("method")
                        .equalTo("matched")
                        .and(col("cohort").equalTo("mentee"))
                        .and(col("index_date").geq(start))
                        .and(col("index_date").lt(end)))
                .select("program_id", "employee_id", "index_date", "annual_salary")
                .distinct();
    }

    /**
     * @param retention per program, rows with cohort 'mentee', method 'matched', horizon_months and the
     *     avoided departures per mentee as difference, difference_ci_low, difference_ci_high
     *     ({@link AvoidedDepartures#perMentee} over all matched mentees)
     */
    public static Dataset<Row> roi(
            Dataset<Row> cohort,
            Dataset<Row> retention,
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            MetricsConfig cfg,
            LocalDate asOf) {
        return roi(
                cohort,
                retention,
                programs,
                matches,
                meetings,
                employees,
                dominanceEvidence(cohort, matches, meetings, employees, cfg, asOf),
                cfg,
                asOf);
    }

    /**
     * As {@link #roi(Dataset, Dataset, Dataset, Dataset, Dataset, Dataset, MetricsConfig, LocalDate)},
     * judging dominance on {@code evidence} ({@link #dominanceEvidence}), which the metrics stage also
     * keeps for the output audit.
     */
    public static Dataset<Row> roi(
            Dataset<Row> cohort,
            Dataset<Row> retention,
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            Dataset<Row> evidence,
            MetricsConfig cfg,
            LocalDate asOf) {
        int horizon = cfg.roiHorizonMonths();
        LocalDate windowStart = windowStart(asOf, horizon, cfg.roiWindowMonths());
        LocalDate windowEnd = windowEnd(asOf, horizon);
        Dataset<Row> roiCohort = roiCohort(cohort, cfg, asOf);

        Dataset<Row> fixed = fixedCosts(programs, windowStart, windowEnd, cfg.roiWindowMonths());
        fixed = fixed.unionByName(fixed.groupBy()
                .agg(ExactSums.sum("fixed_cost").as("fixed_cost"))
                .withColumn("program_id", lit(CohortBuilder.ALL))
                .select("program_id", "fixed_cost"));
        fixed = cohortShareOfFixedCost(fixed, cohort, cfg, asOf);
        Dataset<Row> priced = pricedMeetings(roiCohort, matches, meetings, employees, cfg);
        Dataset<Row> time = meetingCosts(priced);
        Dataset<Row> people = roiCohort
                .groupBy("program_id")
                .agg(
                        countDistinct("employee_id").as("n_cohort_mentees"),
                        ExactSums.avg("annual_salary").as("mean_mentee_salary"));
        Dataset<Row> diff = retention
                .filter(col("method")
                        .equalTo("matched")
                        .and(col("cohort").equalTo("mentee"))
                        .and(col("horizon_months").equalTo(horizon)))
                .select(
                        col("program_id"),
                        col("difference").as("retention_difference"),
                        col("difference_ci_low").as("retention_difference_ci_low"),
                        col("difference_ci_high").as("retention_difference_ci_high"));

        List<Row> ratioRows = new ArrayList<>();
        for (Double r : cfg.replacementCostRatios()) {
            ratioRows.add(RowFactory.create(r, Math.abs(r - cfg.replacementCostRatio()) < 1e-12));
        }
        if (!cfg.replacementCostRatios().contains(cfg.replacementCostRatio())) {
            ratioRows.add(RowFactory.create(cfg.replacementCostRatio(), true));
        }
        Dataset<Row> ratios = cohort.sparkSession()
                .createDataFrame(
                        ratioRows,
                        new StructType()
                                .add("replacement_cost_ratio", DataTypes.DoubleType)
                                .add("is_default_assumption", DataTypes.BooleanType));

        Column total = col("total_cost");
        Column rc = col("replacement_cost_per_departure");
        Dataset<Row> out = fixed.join(time, CohortMatcher.seq("program_id"), "left")
                .join(people, CohortMatcher.seq("program_id"), "left")
                .join(diff, CohortMatcher.seq("program_id"), "left")
                .join(dominance(evidence, cfg), CohortMatcher.seq("program_id"), "left")
                .na()
                .fill(0L, new String[] {"n_cohort_mentees", "n_cohort_mentors"})
                .na()
                .fill(0.0, new String[] {"held_meeting_hours", "participant_time_cost"})
                .crossJoin(ratios)
                .withColumn("horizon_months", lit(horizon))
                .withColumn("window_start", lit(Date.valueOf(windowStart)))
                .withColumn("window_end", lit(Date.valueOf(windowEnd)))
                .withColumn("effect_estimated_on", lit(EFFECT_ESTIMATED_ON))
                .withColumn("total_cost", col("participant_time_cost").plus(col("fixed_cost")))
                .withColumn(
                        "replacement_cost_per_departure",
                        col("replacement_cost_ratio").multiply(col("mean_mentee_salary")))
                .withColumn("avoided_departures", col("retention_difference").multiply(col("n_cohort_mentees")))
                .withColumn("benefit", col("avoided_departures").multiply(rc))
                .withColumn("roi", roiOf(col("retention_difference"), total))
                .withColumn("roi_ci_low", roiOf(col("retention_difference_ci_low"), total))
                .withColumn("roi_ci_high", roiOf(col("retention_difference_ci_high"), total))
                .withColumn(
                        "break_even_retention_uplift",
                        when(
                                col("n_cohort_mentees").gt(0).and(rc.gt(0)),
                                total.divide(col("n_cohort_mentees").multiply(rc))))
                .withColumn("overhead_rate", lit(cfg.overheadRate()))
                .withColumn("hours_per_year", lit(cfg.hoursPerYear()))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        // The cost is a sum of the cohort's and their mentors' salaries: shown only when each side
        // has at least k people (release.yaml declares both counts, so disclosure control agrees).
        int k = cfg.minGroupSize();
        Column small = col("n_cohort_mentees")
                .lt(k)
                .or(col("n_cohort_mentors").gt(0).and(col("n_cohort_mentors").lt(k)));
        // One salary or one person's time cost dominating its total (DominanceRule) hides it like a small group.
        out = out.withColumn("suppressed", small.or(coalesce(col("_dominated"), lit(false))))
                .drop("_dominated");
        for (String c : List.of(
                "held_meeting_hours",
                "participant_time_cost",
                "fixed_cost",
                "fixed_cost_share",
                "total_cost",
                "retention_difference",
                "retention_difference_ci_low",
                "retention_difference_ci_high",
                "avoided_departures",
                "mean_mentee_salary",
                "replacement_cost_per_departure",
                "benefit",
                "roi",
                "roi_ci_low",
                "roi_ci_high",
                "break_even_retention_uplift")) {
            out = out.withColumn(
                    c, when(col("suppressed"), lit(null).cast("double")).otherwise(col(c)));
        }
        return out.select(
                "program_id",
                "replacement_cost_ratio",
                "is_default_assumption",
                "horizon_months",
                "window_start",
                "window_end",
                "n_cohort_mentees",
                "n_cohort_mentors",
                "held_meeting_hours",
                "participant_time_cost",
                "fixed_cost",
                "fixed_cost_share",
                "total_cost",
                "retention_difference",
                "retention_difference_ci_low",
                "retention_difference_ci_high",
                "effect_estimated_on",
                "avoided_departures",
                "mean_mentee_salary",
                "replacement_cost_per_departure",
                "benefit",
                "roi",
                "roi_ci_low",
                "roi_ci_high",
                "break_even_retention_uplift",
                "overhead_rate",
                "hours_per_year",
                "suppressed",
                "as_of");
    }

    /** The gold table the dominance evidence is about, and the figures judged: each is a total of people's values. */
    public static final String TABLE = "program_roi";

    static final String SALARY = "mean_mentee_salary";
    static final String TIME_COST = "participant_time_cost";

    /**
     * What the p% rule is judged on, per program (and ALL) and figure: the ROI cohort's salaries
     * ({@code mean_mentee_salary}) and each person's part of the meetings' time cost ({@code
     * participant_time_cost}), as {@link DominanceRule#topTwo}, with the table, p and as_of. Holds two
     * people's own values per group: the metrics stage writes it to the restricted {@code evidence} layer,
     * never to gold, for the output audit to judge the published rows with.
     *
     * @return (table, program_id, figure, n_contributors, total_value, largest_value, second_largest_value,
     *     p_percent, as_of)
     */
    public static Dataset<Row> dominanceEvidence(
            Dataset<Row> cohort,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            MetricsConfig cfg,
            LocalDate asOf) {
        Dataset<Row> roiCohort = roiCohort(cohort, cfg, asOf);
        Dataset<Row> priced = pricedMeetings(roiCohort, matches, meetings, employees, cfg);
        Dataset<Row> salary = DominanceRule.topTwo(roiCohort, "program_id", "employee_id", "annual_salary")
                .withColumn("figure", lit(SALARY));
        Dataset<Row> cost = DominanceRule.topTwo(costContributions(priced), "program_id", "person_id", "_cost")
                .withColumn("figure", lit(TIME_COST));
        return salary.unionByName(cost)
                .select(
                        lit(TABLE).as("table"),
                        col("program_id"),
                        col("figure"),
                        col("n_contributors"),
                        col("total_value"),
                        col("largest_value"),
                        col("second_largest_value"),
                        lit(cfg.dominancePPercent()).as("p_percent"),
                        lit(Date.valueOf(asOf)).as("as_of"));
    }

    /**
     * Per program: whether the mean mentee salary or the participant time cost is dominated by one
     * person's value ({@link DominanceRule}, p = {@code privacy.dominance_p_percent}). No program is dominated with p = 0,
     * which only tests use (settings refuse it), where hand-worked groups are one person.
     */
    static Dataset<Row> dominance(Dataset<Row> evidence, MetricsConfig cfg) {
        if (cfg.dominancePPercent() <= 0) {
            return evidence.select(col("program_id"), lit(false).as("_dominated"))
                    .distinct();
        }
        return evidence.groupBy("program_id")
                .agg(max(DominanceRule.isDominated(
                                        col("total_value"),
                                        col("largest_value"),
                                        col("second_largest_value"),
                                        cfg.dominancePPercent())
                                .cast("int"))
                        .equalTo(1)
                        .as("_dominated"));
    }

    /** ROI for a retention difference: (d x n x rc − cost) / cost. */
    private static Column roiOf(Column difference, Column totalCost) {
        Column benefit = difference.multiply(col("n_cohort_mentees")).multiply(col("replacement_cost_per_departure"));
        return when(totalCost.gt(0), benefit.minus(totalCost).divide(totalCost));
    }

    /**
     * The ROI cohort's share of each program's fixed cost for the window. The fixed cost pays for
     * every mentee whose time zero lies in the window, but the benefit counts only the matched ones
     * (the people the retention difference is about), so charging the cohort the whole fixed cost
     * biased ROI low. The cohort pays fixed_cost_share = cohort mentees / all mentees in the window
     * (the cohort frame's naive mentee rows, same time zero).
     *
     * <p>The share reveals the number of window mentees without a comparator (n / share − n). Under k
     * of them would be a count of fewer than k people, so then the share is 1 (the whole fixed cost,
     * as before: conservative by at most (k − 1) / all); 0 unmatched gives 1 anyway. Output:
     * program_id, fixed_cost (the cohort's share), fixed_cost_share.
     */
    static Dataset<Row> cohortShareOfFixedCost(
            Dataset<Row> fixed, Dataset<Row> cohort, MetricsConfig cfg, LocalDate asOf) {
        Column start = lit(Date.valueOf(windowStart(asOf, cfg.roiHorizonMonths(), cfg.roiWindowMonths())));
        Column end = lit(Date.valueOf(windowEnd(asOf, cfg.roiHorizonMonths())));
        Column inWindow = col("cohort")
                .equalTo("mentee")
                .and(col("index_date").geq(start))
                .and(col("index_date").lt(end));
        Dataset<Row> counts = cohort.filter(
                        inWindow.and(col("method").isin(CohortMatcher.NAIVE, CohortMatcher.MATCHED)))
                .groupBy("program_id")
                .agg(
                        countDistinct(when(col("method").equalTo(CohortMatcher.MATCHED), col("employee_id")))
                                .as("n_matched"),
                        countDistinct(when(col("method").equalTo(CohortMatcher.NAIVE), col("employee_id")))
                                .as("n_window"));
        Column unmatched = col("n_window").minus(col("n_matched"));
        Column share = when(
                        col("n_window").gt(0).and(unmatched.geq(cfg.minGroupSize())),
                        col("n_matched").divide(col("n_window")))
                .otherwise(lit(1.0));
        return fixed.join(counts, CohortMatcher.seq("program_id"), "left")
                .withColumn("fixed_cost_share", share)
                .select(
                        col("program_id"),
                        col("fixed_cost").multiply(col("fixed_cost_share")).as("fixed_cost"),
                        col("fixed_cost_share"));
    }

    /**
     * Per program: annual_fixed_cost x (windowMonths / 12) x the share of the window's days the
     * program ran (start_date through end_date, the last day). Output: program_id, fixed_cost.
     */
    static Dataset<Row> fixedCosts(
            Dataset<Row> programs, LocalDate windowStart, LocalDate windowEnd, int windowMonths) {
        long windowDays = ChronoUnit.DAYS.between(windowStart, windowEnd);
        Column from = greatest(col("start_date"), lit(Date.valueOf(windowStart)));
        Column until = least(
                coalesce(date_add(col("end_date"), 1), lit(Date.valueOf(windowEnd))), lit(Date.valueOf(windowEnd)));
        Column overlapDays = greatest(lit(0), datediff(until, from));
        return programs.select(
                col("program_id"),
                coalesce(col("annual_fixed_cost"), lit(0.0))
                        .multiply(windowMonths / 12.0)
                        .multiply(overlapDays)
                        .divide((double) windowDays)
                        .as("fixed_cost"));
    }

    /**
     * Per program and ALL: the ROI cohort's held meetings in [time zero, time zero + horizon):
     * held_meeting_hours, participant_time_cost (mentor and mentee salaries), n_cohort_mentors
     * (distinct mentors whose salaries are in the cost).
     */
    static Dataset<Row> meetingCosts(Dataset<Row> priced) {
        return priced.groupBy("program_id")
                .agg(
                        ExactSums.sum("_hours").as("held_meeting_hours"),
                        ExactSums.sum("_cost").as("participant_time_cost"),
                        countDistinct("mentor_id").as("n_cohort_mentors"));
    }

    /**
     * Each person's part of participant_time_cost, per program: a mentor's hours times their loaded rate,
     * a mentee's likewise (person_id, program_id, _cost), for the dominance rule.
     */
    static Dataset<Row> costContributions(Dataset<Row> priced) {
        return priced.select(
                        col("program_id"),
                        col("mentor_id").as("person_id"),
                        col("_mentor_cost").as("_cost"))
                .unionByName(priced.select(
                        col("program_id"),
                        col("employee_id").as("person_id"),
                        col("_mentee_cost").as("_cost")));
    }

    /** The ROI cohort's held meetings within each mentee's horizon, priced per side (_mentor_cost, _mentee_cost). */
    static Dataset<Row> pricedMeetings(
            Dataset<Row> roiCohort,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> employees,
            MetricsConfig cfg) {
        double horizonDays = cfg.roiHorizonMonths() * KaplanMeier.DAYS_PER_MONTH;
        Dataset<Row> held = meetings.filter(col("status").equalTo("held"))
                .join(matches.select("match_id", "program_id", "mentor_id", "mentee_id"), "match_id")
                .select(
                        col("program_id").as("_match_program"),
                        col("mentor_id"),
                        col("mentee_id").as("employee_id"),
                        to_date(col("scheduled_at")).as("_day"),
                        col("duration_minutes"));
        Dataset<Row> mentees = roiCohort.select("program_id", "employee_id", "index_date");
        // A program's cohort pays for its meetings in that program; ALL's for its meetings in any program.
        Column sameProgram = col("program_id")
                .equalTo(lit(CohortBuilder.ALL))
                .or(col("program_id").equalTo(col("_match_program")));
        Column daysIn = datediff(col("_day"), col("index_date"));
        Dataset<Row> inHorizon = mentees.join(held, CohortMatcher.seq("employee_id"))
                .filter(sameProgram.and(daysIn.geq(0)).and(daysIn.lt(horizonDays)));

        Dataset<Row> meanSalary = employees.agg(ExactSums.avg("annual_salary").as("_org_salary"));
        Dataset<Row> salaries = employees.select("employee_id", "annual_salary");
        Column loadedRate = lit(1.0 + cfg.overheadRate()).divide(cfg.hoursPerYear());
        return inHorizon
                .join(
                        salaries.withColumnRenamed("employee_id", "mentor_id")
                                .withColumnRenamed("annual_salary", "_s_mentor"),
                        CohortMatcher.seq("mentor_id"),
                        "left")
                .join(
                        salaries.withColumnRenamed("annual_salary", "_s_mentee"),
                        CohortMatcher.seq("employee_id"),
                        "left")
                .crossJoin(meanSalary)
                .withColumn("_hours", col("duration_minutes").divide(60.0))
                .withColumn(
                        "_cost",
                        col("_hours")
                                .multiply(coalesce(col("_s_mentor"), col("_org_salary"))
                                        .plus(coalesce(col("_s_mentee"), col("_org_salary"))))
                                .multiply(loadedRate))
                .withColumn(
                        "_mentor_cost",
                        col("_hours")
                                .multiply(coalesce(col("_s_mentor"), col("_org_salary")))
                                .multiply(loadedRate))
                .withColumn(
                        "_mentee_cost",
                        col("_hours")
                                .multiply(coalesce(col("_s_mentee"), col("_org_salary")))
                                .multiply(loadedRate));
    }
}
