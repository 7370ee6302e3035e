package io.mentoringoutcomes.metrics;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.sql.Date;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

/**
 * Who is in which cohort, from when, with what covariates and follow-up. Cohorts are per program
 * and for all programs together ({@code program_id = 'ALL'}).
 *
 * <p>Follow-up: the event is a voluntary separation; an involuntary one censors, being employed at
 * the as-of date censors, and a comparator who later becomes a mentee (any program) is censored on
 * the day they were matched, because from then on they are no longer untreated.
 *
 * <p>Department and job level come from the HRIS snapshot, i.e. their current values, not those
 * at the index date: someone promoted since is matched on their later level. hris_job_events
 * could reconstruct the values at index; not done yet.
 */
public final class CohortBuilder {

    public static final String ALL = "ALL";

    private CohortBuilder() {}

    /**
     * Mentees: matched and with at least one held meeting in one of their matches of the program.
     * index_date = matched_date of the first such match in the program; for ALL the first over
     * programs. Output: program_id, employee_id, index_date.
     */
    public static Dataset<Row> mentees(Dataset<Row> matches, Dataset<Row> meetings) {
        Dataset<Row> held = meetings.filter(col("status").equalTo("held")).select("match_id").distinct();
        Dataset<Row> met = matches.join(held, "match_id")
                .select(col("program_id"), col("mentee_id").as("employee_id"), col("matched_date"));
        return perProgramAndAll(met);
    }

    /** Mentors: index_date = first matched_date as a mentor, per program and ALL. */
    public static Dataset<Row> mentors(Dataset<Row> matches) {
        return perProgramAndAll(matches.select(col("program_id"), col("mentor_id").as("employee_id"), col("matched_date")));
    }

    private static Dataset<Row> perProgramAndAll(Dataset<Row> rows) {
        Dataset<Row> perProgram = rows.groupBy("program_id", "employee_id").agg(min("matched_date").as("index_date"));
        Dataset<Row> all = rows.groupBy("employee_id").agg(min("matched_date").as("index_date"))
                .select(lit(ALL).as("program_id"), col("employee_id"), col("index_date"));
        return perProgram.unionByName(all);
    }

    /**
     * First day each employee was matched as a mentee in any program (held meeting or not): from
     * then on they count as treated. Output: employee_id, first_mentee_date.
     */
    public static Dataset<Row> firstMenteeDates(Dataset<Row> matches) {
        return matches.groupBy(col("mentee_id").as("employee_id")).agg(min("matched_date").as("first_mentee_date"));
    }

    /** Everyone who ever took part as mentor or mentee (matched or enrolled). Output: employee_id. */
    public static Dataset<Row> participants(Dataset<Row> matches, Dataset<Row> participants) {
        return matches.select(col("mentee_id").as("employee_id"))
                .union(matches.select(col("mentor_id").as("employee_id")))
                .union(participants.select("employee_id"))
                .distinct();
    }

    /** Tenure band at index: [0,1), [1,3), [3,5), 5+ years. */
    public static Column tenureBand(Column tenureYears) {
        return when(tenureYears.lt(1), lit("<1"))
                .when(tenureYears.lt(3), lit("1-3"))
                .when(tenureYears.lt(5), lit("3-5"))
                .otherwise(lit("5+"));
    }

    /** The HRIS snapshot columns the covariates and the follow-up are computed from. */
    static final String[] COVARIATE_SOURCE = {"employee_id", "hire_date", "termination_date", "termination_type",
            "department", "job_level", "annual_salary", "performance_rating"};

    /** Employed on {@code indexDate}: hired on or before it, not terminated by it. */
    public static Column employedAt(Column indexDate) {
        return col("hire_date").leq(indexDate)
                .and(col("termination_date").isNull().or(col("termination_date").gt(indexDate)));
    }

    public static Column tenureYearsAt(Column indexDate) {
        return datediff(indexDate, col("hire_date")).divide(365.25);
    }

    /**
     * Joins the HRIS snapshot to rows with employee_id and index_date, keeps those employed on the
     * index date (hire_date <= index < termination_date, or no termination) and adds the
     * covariates at index: tenure_years, tenure_band, department, job_level, index_month
     * (yyyy-MM), annual_salary, performance_rating, plus hire/termination columns for follow-up.
     */
    public static Dataset<Row> withCovariates(Dataset<Row> rows, Dataset<Row> employees) {
        return withCovariateColumns(rows.join(employees.select(cols(COVARIATE_SOURCE)), "employee_id"));
    }

    /** {@link #withCovariates} on rows that already carry the snapshot's {@link #COVARIATE_SOURCE} columns. */
    static Dataset<Row> withCovariateColumns(Dataset<Row> rows) {
        return rows.filter(employedAt(col("index_date")))
                .withColumn("tenure_years", tenureYearsAt(col("index_date")))
                .withColumn("tenure_band", tenureBand(col("tenure_years")))
                .withColumn("index_month", date_format(col("index_date"), "yyyy-MM"));
    }

    private static Column[] cols(String... names) {
        Column[] out = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = col(names[i]);
        }
        return out;
    }

    /**
     * Adds time_days (double) and event (int) from index_date to the first of: termination,
     * as-of, and {@code censorColumn} when given and after index. Event = 1 only for a voluntary
     * termination that comes first; separated = 1 for any termination that comes first. Drops
     * the hire/termination helper columns.
     */
    public static Dataset<Row> withFollowUp(Dataset<Row> rows, LocalDate asOf, String censorColumn) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Column term = when(col("termination_date").leq(asOfDate), col("termination_date"));
        Column censor = censorColumn == null ? lit(null).cast("date")
                : when(col(censorColumn).gt(col("index_date")), col(censorColumn));
        Column end = least(term, asOfDate, censor);
        Column voluntary = term.isNotNull().and(term.equalTo(end)).and(col("termination_type").equalTo("voluntary"));
        return rows
                .withColumn("time_days", datediff(end, col("index_date")).cast("double"))
                .withColumn("event", when(voluntary, 1).otherwise(0))
                // Any separation that ends follow-up, voluntary or not: the competing event for
                // promotions, and involuntary exits compete with voluntary ones for ROI.
                .withColumn("separated", when(term.isNotNull().and(term.equalTo(end)), 1).otherwise(0))
                .drop("hire_date", "termination_date", "termination_type");
    }
}
