package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dense_rank;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.to_date;

import io.mentoringoutcomes.spark.Checkpoints;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Builds THE cohort frame: program_id, cohort ('mentee', 'mentor', 'comparison'), method
 * ('matched', 'matched_itt', 'naive'), employee_id, index_date, weight, time_days, event (voluntary
 * exit), separated (any exit), and the covariates
 * tenure_years, tenure_band, department, job_level, index_month, annual_salary,
 * performance_rating. The engagement difference-in-differences reads these exact names.
 *
 * <p>Method {@code matched} (the primary design): mentees indexed on their first held meeting
 * ({@link CohortBuilder#mentees}); coarsened exact matching on department x job_level x tenure band
 * x calendar month of index, department and level being those in force on the index date
 * ({@link CohortBuilder#jobSpells}). Only mentees whose cell has a comparator appear (ATT on common
 * support); each cell's comparators weigh together as much as its mentees (weight
 * n_mentees_cell / n_comparators_cell, mentees 1). Comparators take the cell's median mentee
 * index date (the lower median, an actual mentee's date, so a first-held-meeting date in the
 * primary design): one row per comparator per cell keeps the weights exactly n_m / n_c and one row
 * per person per cell for the DiD, at the price of up to two weeks' misalignment inside the month
 * (replicating per mentee date would align exactly but multiply rows). Department, level, tenure
 * band and eligibility are evaluated at that date. A comparator can appear in several cells (other
 * months, other programs). Comparators have had no held meeting by that date and are censored at
 * their first one.
 *
 * <p>Method {@code matched_itt} (intention-to-treat sensitivity): the same matching with everyone
 * matched as a mentee, met or not, indexed on the match date; comparators not matched by the cell's
 * date and censored at their first match.
 *
 * <p>Method {@code naive}: mentees (all, unweighted) and mentors against every never-participant
 * employed on the program's median mentee index date, weight 1. It is what people are used to
 * seeing, and is shown so the matched figure can be read against it. Mentors only have naive rows.
 */
public final class CohortMatcher {

    public static final String MATCHED = "matched";
    public static final String MATCHED_ITT = "matched_itt";
    public static final String NAIVE = "naive";

    public static final List<String> COLUMNS = List.of(
            "program_id",
            "cohort",
            "method",
            "employee_id",
            "index_date",
            "weight",
            "time_days",
            "event",
            "separated",
            "tenure_years",
            "tenure_band",
            "department",
            "job_level",
            "index_month",
            "annual_salary",
            "performance_rating");
    static final List<String> CELL = List.of("program_id", "department", "job_level", "tenure_band", "index_month");

    private CohortMatcher() {}

    /** The whole cohort frame from silver tables, department and level from the snapshot. */
    public static Dataset<Row> build(
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> participants,
            Dataset<Row> employees,
            LocalDate asOf) {
        return build(matches, meetings, participants, employees, Optional.empty(), asOf);
    }

    /**
     * The whole cohort frame from silver tables; department and level at index from
     * {@code jobEvents} (silver.hris_job_events) when present, else the snapshot's current values.
     */
    public static Dataset<Row> build(
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Dataset<Row> participants,
            Dataset<Row> employees,
            Optional<Dataset<Row>> jobEvents,
            LocalDate asOf) {
        // The spells (read five times below) and each design's mentees (read by every part of their
        // design) are small: materialised once, so the three designs' plan carries them as scans
        // instead of copies of their windows and joins, each re-planned and re-run.
        Dataset<Row> spells = Checkpoints.cut(CohortBuilder.jobSpells(employees, jobEvents));
        Dataset<Row> mentees = Checkpoints.cut(CohortBuilder.withFollowUp(
                CohortBuilder.withCovariates(CohortBuilder.mentees(matches, meetings), employees, spells), asOf, null));
        Dataset<Row> ittMentees = Checkpoints.cut(CohortBuilder.withFollowUp(
                CohortBuilder.withCovariates(CohortBuilder.matchedMentees(matches), employees, spells), asOf, null));
        Dataset<Row> mentors = CohortBuilder.withFollowUp(
                CohortBuilder.withCovariates(CohortBuilder.mentors(matches), employees, spells), asOf, null);
        Dataset<Row> matched = matched(
                mentees, employees, spells, CohortBuilder.firstHeldMeetingDates(matches, meetings), asOf, MATCHED);
        Dataset<Row> itt =
                matched(ittMentees, employees, spells, CohortBuilder.firstMenteeDates(matches), asOf, MATCHED_ITT);
        Dataset<Row> naive =
                naive(mentees, mentors, employees, spells, CohortBuilder.participants(matches, participants), asOf);
        return matched.unionByName(itt).unionByName(naive);
    }

    /**
     * Matched mentees and their weighted comparators, labelled {@code method}. {@code mentees}
     * carries the covariates and follow-up of {@link CohortBuilder}; {@code spells} is
     * {@link CohortBuilder#jobSpells}; {@code firstTreated} is employee_id, first_mentee_date (the
     * day someone becomes treated under this design: comparators must be untreated on the cell's
     * date and are censored then).
     */
    public static Dataset<Row> matched(
            Dataset<Row> mentees,
            Dataset<Row> employees,
            Dataset<Row> spells,
            Dataset<Row> firstTreated,
            LocalDate asOf,
            String method) {
        Column epoch = to_date(lit("1970-01-01"));
        Dataset<Row> cells = mentees.groupBy(cols(CELL))
                .agg(
                        count(lit(1)).as("n_mentees_cell"),
                        percentile_approx(datediff(col("index_date"), epoch), lit(0.5), lit(100000))
                                .as("_median_day"))
                .withColumn("cell_index_date", date_add(epoch, col("_median_day")))
                .drop("_median_day");

        // Candidates had the cell's department and level on the cell's date (an equi-join on them,
        // then the spell in force), and are employed on that date and in its tenure band then.
        Dataset<Row> cellKeys = cells.select(
                col("program_id"),
                col("department").as("cell_department"),
                col("job_level").as("cell_job_level"),
                col("tenure_band").as("cell_band"),
                col("index_month").as("cell_month"),
                col("cell_index_date").as("index_date"),
                col("n_mentees_cell"));
        Column inCellThen = col("cell_department")
                .equalTo(col("department"))
                .and(col("cell_job_level").equalTo(col("job_level")))
                .and(CohortBuilder.inForceOn(col("index_date")));
        Dataset<Row> candidates = cellKeys.join(spells, inCellThen)
                .drop("valid_from", "valid_to")
                .join(employees.select(cols(List.of(CohortBuilder.COVARIATE_SOURCE))), seq("employee_id"))
                .filter(CohortBuilder.employedAt(col("index_date"))
                        .and(CohortBuilder.tenureBand(CohortBuilder.tenureYearsAt(col("index_date")))
                                .equalTo(col("cell_band"))));
        Dataset<Row> sameCellMentees = mentees.select(
                col("program_id"),
                col("employee_id"),
                col("department").as("cell_department"),
                col("job_level").as("cell_job_level"),
                col("tenure_band").as("cell_band"),
                col("index_month").as("cell_month"));
        Dataset<Row> comparators = CohortBuilder.withCovariateColumns(candidates)
                .join(firstTreated, seq("employee_id"), "left")
                // Not treated before (or on) the index date; treated later is censored at that date.
                .filter(col("first_mentee_date")
                        .isNull()
                        .or(col("first_mentee_date").gt(col("index_date"))))
                // Nobody is their own cell's comparator.
                .join(
                        sameCellMentees,
                        seq(
                                "program_id",
                                "employee_id",
                                "cell_department",
                                "cell_job_level",
                                "cell_band",
                                "cell_month"),
                        "left_anti");
        comparators = CohortBuilder.withFollowUp(comparators, asOf, "first_mentee_date");

        // A comparator's cell columns are its cell's (same department and level, band filtered equal,
        // index date in the cell's month), so the cell sizes are a window over the comparators: no
        // aggregate joined back, which put the comparators' plan into this one three times. The
        // distinct count is the highest dense rank by employee_id: a collect_set over the window would
        // copy the cell's whole set into each of its rows, quadratic in a cell's size (a cell of a
        // 200,000-employee organisation holds thousands of comparators).
        Dataset<Row> weightedComparators = comparators
                .withColumn(
                        "_comparator_rank",
                        dense_rank().over(Window.partitionBy(cols(CELL)).orderBy(col("employee_id"))))
                .withColumn("n_comparators_cell", max(col("_comparator_rank")).over(Window.partitionBy(cols(CELL))))
                .drop("_comparator_rank")
                .withColumn("weight", col("n_mentees_cell").divide(col("n_comparators_cell")))
                .withColumn("cohort", lit("comparison"));
        Dataset<Row> matchedMentees = mentees.join(
                        comparators.select(cols(CELL)), seq(CELL.toArray(new String[0])), "left_semi")
                .withColumn("weight", lit(1.0))
                .withColumn("cohort", lit("mentee"));
        return project(matchedMentees.unionByName(weightedComparators, true).withColumn("method", lit(method)));
    }

    /**
     * Naive comparison: all mentees and mentors (weight 1) against every never-participant
     * employed on the program's median mentee index date (weight 1).
     */
    public static Dataset<Row> naive(
            Dataset<Row> mentees,
            Dataset<Row> mentors,
            Dataset<Row> employees,
            Dataset<Row> spells,
            Dataset<Row> everParticipated,
            LocalDate asOf) {
        Dataset<Row> pool = CohortBuilder.withFollowUp(
                CohortBuilder.withCovariates(
                        medianIndexDates(mentees)
                                .crossJoin(employees
                                        .select("employee_id")
                                        .join(everParticipated, seq("employee_id"), "left_anti")),
                        employees,
                        spells),
                asOf,
                null);
        return project(mentees.withColumn("cohort", lit("mentee"))
                .unionByName(mentors.withColumn("cohort", lit("mentor")))
                .unionByName(pool.withColumn("cohort", lit("comparison")))
                .withColumn("weight", lit(1.0))
                .withColumn("method", lit(NAIVE)));
    }

    /** Each program's median (lower) mentee index date: program_id, index_date. */
    public static Dataset<Row> medianIndexDates(Dataset<Row> mentees) {
        Column epoch = to_date(lit("1970-01-01"));
        return mentees.groupBy("program_id")
                .agg(percentile_approx(datediff(col("index_date"), epoch), lit(0.5), lit(100000))
                        .as("_d"))
                .select(col("program_id"), date_add(epoch, col("_d")).as("index_date"));
    }

    static Dataset<Row> project(Dataset<Row> df) {
        return df.select(cols(COLUMNS)).withColumn("weight", col("weight").cast("double"));
    }

    static scala.collection.immutable.Seq<String> seq(String... names) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(names)).toList();
    }

    private static Column[] cols(List<String> names) {
        return KaplanMeier.cols(names).toArray(new Column[0]);
    }
}
