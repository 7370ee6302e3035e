package io.mentoringoutcomes.metrics;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.program_roi}: one row per program and replacement-cost ratio over a 12-month horizon.
 *
 * <p>Cost = held meeting hours in the horizon after each match's matched_date x (mentor + mentee
 * loaded hourly cost, annual_salary x (1 + overhead) / hours_per_year) + annual_fixed_cost x
 * min(horizon, months the program has run up to as-of) / 12. Meeting time is counted from the
 * match date because the benefit is the 12-month retention difference from the same index date.
 * Matches younger than the horizon have not yet incurred all their meetings, so cost is low for a
 * program still enrolling. A missing salary is taken as the organisation's mean salary.
 *
 * <p>Benefit = voluntary departures avoided per matched mentee by the horizon ({@link
 * AvoidedDepartures}: comparison minus mentee cumulative incidence of voluntary exit, involuntary
 * exits competing; kept in the column retention_difference) x n_mentees x ratio x mean mentee
 * salary (applying the effect on matched mentees to all mentees). ROI = (benefit − cost) / cost;
 * it is linear in the difference, so its CI is the difference's person-clustered robust CI mapped
 * through. Break-even uplift = cost / (n_mentees x replacement cost). Program 'ALL' adds up the
 * programs' costs.
 */
public final class RoiCalculator {

    private RoiCalculator() {}

    /**
     * @param retention per program, rows with cohort 'mentee', method 'matched', horizon_months and the
     *     avoided departures per mentee as difference, difference_ci_low, difference_ci_high
     *     ({@link AvoidedDepartures#perMentee}, suppressed already, so suppression carries over)
     */
    public static Dataset<Row> roi(Dataset<Row> cohort, Dataset<Row> retention, Dataset<Row> programs,
                                   Dataset<Row> matches, Dataset<Row> meetings, Dataset<Row> employees,
                                   MetricsConfig cfg, LocalDate asOf) {
        int horizon = cfg.roiHorizonMonths();
        Dataset<Row> costs = costs(programs, matches, meetings, employees, cfg, asOf);
        Dataset<Row> allCosts = costs.groupBy().agg(ExactSums.sum("held_meeting_hours").as("held_meeting_hours"),
                        ExactSums.sum("participant_time_cost").as("participant_time_cost"), ExactSums.sum("fixed_cost").as("fixed_cost"))
                .withColumn("program_id", lit(CohortBuilder.ALL));
        costs = costs.unionByName(allCosts);

        Dataset<Row> mentees = cohort.filter(col("method").equalTo("naive").and(col("cohort").equalTo("mentee")))
                .groupBy("program_id")
                .agg(countDistinct("employee_id").as("n_mentees"), ExactSums.avg("annual_salary").as("mean_mentee_salary"));
        Dataset<Row> diff = retention.filter(col("method").equalTo("matched").and(col("cohort").equalTo("mentee"))
                        .and(col("horizon_months").equalTo(horizon)))
                .select(col("program_id"), col("difference").as("retention_difference"),
                        col("difference_ci_low").as("retention_difference_ci_low"),
                        col("difference_ci_high").as("retention_difference_ci_high"));

        List<Row> ratioRows = new ArrayList<>();
        for (Double r : cfg.replacementCostRatios()) {
            ratioRows.add(RowFactory.create(r, Math.abs(r - cfg.replacementCostRatio()) < 1e-12));
        }
        if (!cfg.replacementCostRatios().contains(cfg.replacementCostRatio())) {
            ratioRows.add(RowFactory.create(cfg.replacementCostRatio(), true));
        }
        Dataset<Row> ratios = cohort.sparkSession().createDataFrame(ratioRows, new StructType()
                .add("replacement_cost_ratio", DataTypes.DoubleType).add("is_default_assumption", DataTypes.BooleanType));

        Column total = col("total_cost");
        Column rc = col("replacement_cost_per_departure");
        Dataset<Row> out = costs
                .join(mentees, CohortMatcher.seq("program_id"), "left")
                .join(diff, CohortMatcher.seq("program_id"), "left")
                .na().fill(0L, new String[] {"n_mentees"})
                .crossJoin(ratios)
                .withColumn("horizon_months", lit(horizon))
                .withColumn("total_cost", col("participant_time_cost").plus(col("fixed_cost")))
                .withColumn("replacement_cost_per_departure", col("replacement_cost_ratio").multiply(col("mean_mentee_salary")))
                .withColumn("avoided_departures", col("retention_difference").multiply(col("n_mentees")))
                .withColumn("benefit", col("avoided_departures").multiply(rc))
                .withColumn("roi", roiOf(col("retention_difference"), total))
                .withColumn("roi_ci_low", roiOf(col("retention_difference_ci_low"), total))
                .withColumn("roi_ci_high", roiOf(col("retention_difference_ci_high"), total))
                .withColumn("break_even_retention_uplift",
                        when(col("n_mentees").gt(0).and(rc.gt(0)), total.divide(col("n_mentees").multiply(rc))))
                .withColumn("overhead_rate", lit(cfg.overheadRate()))
                .withColumn("hours_per_year", lit(cfg.hoursPerYear()))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        out = Suppression.apply(out, "n_mentees", cfg.minGroupSize(), List.of("retention_difference",
                "retention_difference_ci_low", "retention_difference_ci_high", "avoided_departures", "mean_mentee_salary",
                "replacement_cost_per_departure", "benefit", "roi", "roi_ci_low", "roi_ci_high",
                "break_even_retention_uplift"));
        return out.select("program_id", "horizon_months", "n_mentees", "held_meeting_hours", "participant_time_cost",
                "fixed_cost", "total_cost", "retention_difference", "retention_difference_ci_low",
                "retention_difference_ci_high", "avoided_departures", "replacement_cost_ratio", "is_default_assumption",
                "mean_mentee_salary", "replacement_cost_per_departure", "benefit", "roi", "roi_ci_low", "roi_ci_high",
                "break_even_retention_uplift", "overhead_rate", "hours_per_year", "suppressed", "as_of");
    }

    /** ROI for a retention difference: (d x n x rc − cost) / cost. */
    private static Column roiOf(Column difference, Column totalCost) {
        Column benefit = difference.multiply(col("n_mentees")).multiply(col("replacement_cost_per_departure"));
        return when(totalCost.gt(0), benefit.minus(totalCost).divide(totalCost));
    }

    /** Per program: held_meeting_hours, participant_time_cost, fixed_cost over the horizon. */
    static Dataset<Row> costs(Dataset<Row> programs, Dataset<Row> matches, Dataset<Row> meetings,
                              Dataset<Row> employees, MetricsConfig cfg, LocalDate asOf) {
        double horizonDays = cfg.roiHorizonMonths() * KaplanMeier.DAYS_PER_MONTH;
        Dataset<Row> meanSalary = employees.agg(ExactSums.avg("annual_salary").as("_org_salary"));
        Dataset<Row> salaries = employees.select("employee_id", "annual_salary");
        Column loadedRate = lit(1.0 + cfg.overheadRate()).divide(cfg.hoursPerYear());
        Column daysIn = datediff(to_date(col("scheduled_at")), col("matched_date"));
        Dataset<Row> meetingCost = meetings.filter(col("status").equalTo("held"))
                .join(matches.select("match_id", "program_id", "mentor_id", "mentee_id", "matched_date"), "match_id")
                .filter(daysIn.geq(0).and(daysIn.lt(horizonDays)))
                .join(salaries.withColumnRenamed("employee_id", "mentor_id").withColumnRenamed("annual_salary", "_s_mentor"),
                        CohortMatcher.seq("mentor_id"), "left")
                .join(salaries.withColumnRenamed("employee_id", "mentee_id").withColumnRenamed("annual_salary", "_s_mentee"),
                        CohortMatcher.seq("mentee_id"), "left")
                .crossJoin(meanSalary)
                .withColumn("_hours", col("duration_minutes").divide(60.0))
                .withColumn("_cost", col("_hours").multiply(coalesce(col("_s_mentor"), col("_org_salary"))
                        .plus(coalesce(col("_s_mentee"), col("_org_salary")))).multiply(loadedRate))
                .groupBy("program_id")
                .agg(ExactSums.sum("_hours").as("held_meeting_hours"), ExactSums.sum("_cost").as("participant_time_cost"));

        Column asOfDate = lit(Date.valueOf(asOf));
        Column ran = greatest(lit(0.0), months_between(least(coalesce(col("end_date"), asOfDate), asOfDate), col("start_date")));
        Column activeMonths = least(ran, lit((double) cfg.roiHorizonMonths()));
        return programs
                .withColumn("fixed_cost", coalesce(col("annual_fixed_cost"), lit(0.0)).multiply(activeMonths).divide(12.0))
                .select("program_id", "fixed_cost")
                .join(meetingCost, CohortMatcher.seq("program_id"), "left")
                .na().fill(0.0, new String[] {"held_meeting_hours", "participant_time_cost"});
    }
}
