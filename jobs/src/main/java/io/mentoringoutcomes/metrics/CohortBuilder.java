package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Who is in which cohort, from when, with what covariates and follow-up. Cohorts are per program
 * and for all programs together ({@code program_id = 'ALL'}).
 *
 * <p>Time zero. The primary design starts a mentee's follow-up on their first HELD meeting in the
 * program (ALL: over programs), the day mentoring actually starts: starting it at the match date
 * would give mentees immortal time (whoever leaves between match and first meeting is not a
 * mentee, yet the comparators' risk set keeps such exits). The intention-to-treat sensitivity
 * ({@link #matchedMentees}) starts at the match date and keeps everyone matched, met or not.
 *
 * <p>Follow-up: the event is a voluntary separation; an involuntary one censors, being employed at
 * the as-of date censors, and a comparator who later becomes treated (any program) is censored that
 * day: at their first held meeting in the primary design, at their first match in the ITT one
 * (each design's own definition of treated, so the comparators are untreated by the same rule that
 * makes a mentee).
 *
 * <p>Department and job level are those in force on the index date, rebuilt from hris_job_events
 * when it is delivered ({@link #jobSpells}); otherwise the HRIS snapshot's current values, so that
 * someone promoted since is matched on their later level. Salary and performance rating are always
 * the snapshot's (the HRIS delivers no history of them).
 */
public final class CohortBuilder {

    public static final String ALL = "ALL";

    private CohortBuilder() {}

    /** covariate_source when department and level are rebuilt at index from hris_job_events. */
    public static final String JOB_EVENTS_AT_INDEX = "job_events_at_index";
    /** covariate_source when they are the HRIS snapshot's current values. */
    public static final String SNAPSHOT_CURRENT = "snapshot_current";

    /**
     * Mentees of the primary design: matched and with at least one held meeting in one of their
     * matches of the program. index_date = day of the first held meeting in the program; for ALL
     * the first over programs. Output: program_id, employee_id, index_date.
     */
    public static Dataset<Row> mentees(Dataset<Row> matches, Dataset<Row> meetings) {
        Dataset<Row> met = matches.join(heldMeetingDays(meetings), "match_id")
                .select(
                        col("program_id"),
                        col("mentee_id").as("employee_id"),
                        col("meeting_date").as("matched_date"));
        return perProgramAndAll(met);
    }

    /**
     * Mentees of the intention-to-treat sensitivity: everyone matched, met or not, index_date =
     * first matched_date in the program (ALL: over programs). Output: program_id, employee_id, index_date.
     */
    public static Dataset<Row> matchedMentees(Dataset<Row> matches) {
        return perProgramAndAll(
                matches.select(col("program_id"), col("mentee_id").as("employee_id"), col("matched_date")));
    }

    /** match_id, meeting_date of every held meeting (scheduled_at's UTC day). */
    static Dataset<Row> heldMeetingDays(Dataset<Row> meetings) {
        return meetings.filter(col("status").equalTo("held"))
                .select(col("match_id"), to_date(col("scheduled_at")).as("meeting_date"));
    }

    /**
     * First day each employee had a held meeting as a mentee in any program: from then on they are
     * treated in the primary design. Output: employee_id, first_mentee_date.
     */
    public static Dataset<Row> firstHeldMeetingDates(Dataset<Row> matches, Dataset<Row> meetings) {
        return matches.join(heldMeetingDays(meetings), "match_id")
                .groupBy(col("mentee_id").as("employee_id"))
                .agg(min("meeting_date").as("first_mentee_date"));
    }

    /** Mentors: index_date = first matched_date as a mentor, per program and ALL. */
    public static Dataset<Row> mentors(Dataset<Row> matches) {
        return perProgramAndAll(
                matches.select(col("program_id"), col("mentor_id").as("employee_id"), col("matched_date")));
    }

    private static Dataset<Row> perProgramAndAll(Dataset<Row> rows) {
        Dataset<Row> perProgram = rows.groupBy("program_id", "employee_id")
                .agg(min("matched_date").as("index_date"));
        Dataset<Row> all = rows.groupBy("employee_id")
                .agg(min("matched_date").as("index_date"))
                .select(lit(ALL).as("program_id"), col("employee_id"), col("index_date"));
        return perProgram.unionByName(all);
    }

    /**
     * First day each employee was matched as a mentee in any program (held meeting or not): from
     * then on they count as treated in the intention-to-treat design. Output: employee_id, first_mentee_date.
     */
    public static Dataset<Row> firstMenteeDates(Dataset<Row> matches) {
        return matches.groupBy(col("mentee_id").as("employee_id"))
                .agg(min("matched_date").as("first_mentee_date"));
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

    /** The HRIS snapshot columns the follow-up and the covariates other than department and level come from. */
    static final String[] COVARIATE_SOURCE = {
        "employee_id", "hire_date", "termination_date", "termination_type", "annual_salary", "performance_rating"
    };

    /** Employed on {@code indexDate}: hired on or before it, not terminated by it. */
    public static Column employedAt(Column indexDate) {
        return col("hire_date")
                .leq(indexDate)
                .and(col("termination_date").isNull().or(col("termination_date").gt(indexDate)));
    }

    public static Column tenureYearsAt(Column indexDate) {
        return datediff(indexDate, col("hire_date")).divide(365.25);
    }

    /** The covariate_source label of a run: job events when delivered, else the snapshot. */
    public static String covariateSource(boolean jobEventsDelivered) {
        return jobEventsDelivered ? JOB_EVENTS_AT_INDEX : SNAPSHOT_CURRENT;
    }

    /**
     * Department and job level as periods: employee_id, department, job_level, valid_from
     * (inclusive, null = since ever), valid_to (exclusive, null = still). From hris_job_events each
     * event opens a period with the values after it (a null value carries the previous one on;
     * several events on one day: the day's last, terminations last). Before a person's first event,
     * and for anyone without events, the snapshot's values hold: the schema has no values before an
     * event, and a first event is normally the hire, before which nobody is employed anyway.
     * Without job events, the snapshot's current values hold for all time.
     */
    public static Dataset<Row> jobSpells(Dataset<Row> employees, Optional<Dataset<Row>> jobEvents) {
        Column never = lit(null).cast("date");
        if (jobEvents.isEmpty()) {
            return employees.select(
                    col("employee_id"),
                    col("department"),
                    col("job_level"),
                    never.as("valid_from"),
                    never.as("valid_to"));
        }
        Column order = when(col("event_type").isin("hire", "rehire"), 0)
                .when(col("event_type").equalTo("termination"), 2)
                .otherwise(1);
        WindowSpec byTime = Window.partitionBy("employee_id").orderBy(col("event_date"), order, col("event_type"));
        WindowSpec upTo = byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
        WindowSpec lastOfDay = Window.partitionBy("employee_id", "event_date")
                .orderBy(order.desc(), col("event_type").desc());
        Dataset<Row> events = jobEvents.get();
        Dataset<Row> perDay = events.withColumn(
                        "_department", last(col("department"), true).over(upTo))
                .withColumn("_job_level", last(col("job_level"), true).over(upTo))
                .withColumn("_nth", row_number().over(lastOfDay))
                .filter(col("_nth").equalTo(1));
        Dataset<Row> fromEvents = perDay.withColumn(
                        "valid_to",
                        lead(col("event_date"), 1)
                                .over(Window.partitionBy("employee_id").orderBy("event_date")))
                .select(
                        col("employee_id"),
                        col("_department").as("department"),
                        col("_job_level").as("job_level"),
                        col("event_date").as("valid_from"),
                        col("valid_to"));
        Dataset<Row> firstEvent =
                events.groupBy("employee_id").agg(min("event_date").as("valid_to"));
        Dataset<Row> before = employees
                .select("employee_id", "department", "job_level")
                .join(firstEvent, CohortMatcher.seq("employee_id"), "left")
                .select(
                        col("employee_id"),
                        col("department"),
                        col("job_level"),
                        never.as("valid_from"),
                        col("valid_to"));
        // A person whose events never name a department or level keeps the snapshot's.
        Dataset<Row> snapshot = employees.select(
                col("employee_id"),
                col("department").as("_snap_department"),
                col("job_level").as("_snap_job_level"));
        fromEvents = fromEvents
                .join(snapshot, CohortMatcher.seq("employee_id"), "left")
                .select(
                        col("employee_id"),
                        coalesce(col("department"), col("_snap_department")).as("department"),
                        coalesce(col("job_level"), col("_snap_job_level")).as("job_level"),
                        col("valid_from"),
                        col("valid_to"));
        return before.unionByName(fromEvents);
    }

    /** The spell in force on {@code day}. */
    public static Column inForceOn(Column day) {
        return col("valid_from")
                .isNull()
                .or(col("valid_from").leq(day))
                .and(col("valid_to").isNull().or(col("valid_to").gt(day)));
    }

    /**
     * Joins the HRIS snapshot and the department/level spells ({@link #jobSpells}) to rows with
     * employee_id and index_date, keeps those employed on the index date (hire_date <= index <
     * termination_date, or no termination) and adds the covariates at index: tenure_years,
     * tenure_band, department, job_level (in force on the index date), index_month (yyyy-MM),
     * annual_salary, performance_rating (snapshot), plus hire/termination columns for follow-up.
     */
    public static Dataset<Row> withCovariates(Dataset<Row> rows, Dataset<Row> employees, Dataset<Row> spells) {
        Dataset<Row> atIndex = rows.join(spells, CohortMatcher.seq("employee_id"))
                .filter(inForceOn(col("index_date")))
                .drop("valid_from", "valid_to");
        return withCovariateColumns(atIndex.join(employees.select(cols(COVARIATE_SOURCE)), "employee_id"));
    }

    /** {@link #withCovariates} with the snapshot's current department and level. */
    public static Dataset<Row> withCovariates(Dataset<Row> rows, Dataset<Row> employees) {
        return withCovariates(rows, employees, jobSpells(employees, Optional.empty()));
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
        Column censor = censorColumn == null
                ? lit(null).cast("date")
                : when(col(censorColumn).gt(col("index_date")), col(censorColumn));
        Column end = least(term, asOfDate, censor);
        Column voluntary = term.isNotNull()
                .and(term.equalTo(end))
                .and(col("termination_type").equalTo("voluntary"));
        return rows.withColumn("time_days", datediff(end, col("index_date")).cast("double"))
                .withColumn("event", when(voluntary, 1).otherwise(0))
                // Any separation that ends follow-up, voluntary or not: the competing event for
                // promotions, and involuntary exits compete with voluntary ones for ROI.
                .withColumn(
                        "separated",
                        when(term.isNotNull().and(term.equalTo(end)), 1).otherwise(0))
                .drop("hire_date", "termination_date", "termination_type");
    }
}
