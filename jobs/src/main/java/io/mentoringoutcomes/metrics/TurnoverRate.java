package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Annual turnover by SHRM's definition, for participants versus non-participants:
 * for each of the 12 calendar months of the window, separations in the month divided by the
 * month's average headcount ((headcount on the first day + headcount on the last day) / 2);
 * the annual rate is the sum of the twelve monthly rates. A group present only part of the window
 * (a program launched 4 months ago) is annualised over the months it had headcount: sum of those
 * monthly rates x 12 / their number, since summing 4 months would show a third of its rate.
 *
 * <p>This is the familiar headline HR already reports, not a causal estimate: participants
 * self-select. The matched retention estimate lives in the retention summary.
 *
 * <p>Definitions (decided here, documented in the column comments):
 * <ul>
 *   <li>Window: the 12 complete calendar months ending with the as-of month when as-of is the
 *       month's last day, otherwise with the month before (a partial month would understate).</li>
 *   <li>Participant of program P on day d: has been a mentee of a match in P matched on or before d.
 *       Participant of ALL: a mentee of any program by d. Someone becomes a participant on their
 *       first matched day and stays one (intention to treat); before that day they are not.</li>
 *   <li>Non-participant on day d: in no match of any program, in either role, matched on or before
 *       d. Mentors are therefore in neither group once matched. Non-participant rows are the same
 *       organisation-wide group, repeated under each program id so a BI tool can place them
 *       next to the program's participants.</li>
 *   <li>Employed on d: hire_date &lt;= d and (no termination_date or termination_date &gt;= d);
 *       termination_date is the last day employed. A separation belongs to the group the leaver
 *       was in on their termination day.</li>
 *   <li>A month with average headcount 0 is left out: the rate is annualised over the months with headcount.</li>
 * </ul>
 */
public final class TurnoverRate {

    public static final String TABLE = "gold.turnover_rate";
    public static final String PARTICIPANT = "participant";
    public static final String NON_PARTICIPANT = "non_participant";
    public static final String ALL = "ALL";
    static final int MONTHS = 12;

    private TurnoverRate() {}

    /** Last day of the window: as-of when it ends its month, else the previous month's end. */
    public static LocalDate windowEnd(LocalDate asOf) {
        YearMonth month = YearMonth.from(asOf);
        return asOf.equals(month.atEndOfMonth()) ? asOf : month.minusMonths(1).atEndOfMonth();
    }

    public static LocalDate windowStart(LocalDate asOf) {
        return YearMonth.from(windowEnd(asOf)).minusMonths(MONTHS - 1).atDay(1);
    }

    /**
     * @param employees silver.hris_employees
     * @param matches silver.matches
     */
    public static Dataset<Row> compute(Dataset<Row> employees, Dataset<Row> matches, LocalDate asOf, int minGroupSize) {
        SparkSession spark = employees.sparkSession();
        LocalDate start = windowStart(asOf);
        LocalDate end = windowEnd(asOf);

        Dataset<Row> eligible = employees
                .where(col("hire_date")
                        .leq(lit(Date.valueOf(end)))
                        .and(col("termination_date")
                                .isNull()
                                .or(col("termination_date").geq(lit(Date.valueOf(start))))))
                .select("employee_id", "hire_date", "termination_date", "termination_type");

        Dataset<Row> inMatches = matches.where(col("matched_date").leq(lit(Date.valueOf(asOf))));
        Dataset<Row> menteePerProgram = inMatches
                .groupBy(col("program_id"), col("mentee_id").as("employee_id"))
                .agg(min("matched_date").as("from_date"));
        Dataset<Row> menteeAll = menteePerProgram
                .groupBy("employee_id")
                .agg(min("from_date").as("from_date"))
                .withColumn("program_id", lit(ALL));
        Dataset<Row> firstInAnyMatch = inMatches
                .select(col("mentee_id").as("employee_id"), col("matched_date"))
                .union(inMatches.select(col("mentor_id").as("employee_id"), col("matched_date")))
                .groupBy("employee_id")
                .agg(min("matched_date").as("to_date"));

        // One row per employee and group they can belong to, with the days they belong: [from, to).
        Dataset<Row> participants = menteePerProgram
                .select(col("employee_id"), col("program_id"), col("from_date"))
                .union(menteeAll.select("employee_id", "program_id", "from_date"))
                .withColumn("cohort", lit(PARTICIPANT))
                .withColumn("to_date", lit(null).cast("date"));
        Dataset<Row> nonParticipants = eligible.select("employee_id")
                .join(firstInAnyMatch, "employee_id", "left")
                .select(
                        col("employee_id"),
                        lit(ALL).as("program_id"),
                        lit(null).cast("date").as("from_date"),
                        lit(NON_PARTICIPANT).as("cohort"),
                        col("to_date"));
        Dataset<Row> memberships = participants
                .select("employee_id", "program_id", "cohort", "from_date", "to_date")
                .unionByName(nonParticipants.select("employee_id", "program_id", "cohort", "from_date", "to_date"));

        Dataset<Row> monthly = memberships
                .join(eligible, "employee_id")
                .crossJoin(months(spark, start))
                .withColumn("in_start", employedOn(col("month_start")).and(memberOn(col("month_start"))))
                .withColumn("in_end", employedAfter(col("month_end")).and(memberOn(col("month_end"))))
                .withColumn(
                        "separated",
                        col("termination_date")
                                .between(col("month_start"), col("month_end"))
                                .and(memberOn(col("termination_date"))))
                .groupBy("program_id", "cohort", "month_start")
                .agg(
                        sum(when(col("in_start"), 1).otherwise(0)).as("headcount_start"),
                        sum(when(col("in_end"), 1).otherwise(0)).as("headcount_end"),
                        sum(when(col("separated"), 1).otherwise(0)).as("separations"),
                        sum(when(col("separated").and(col("termination_type").equalTo("voluntary")), 1)
                                        .otherwise(0))
                                .as("voluntary_separations"))
                .withColumn(
                        "avg_headcount",
                        col("headcount_start").plus(col("headcount_end")).divide(2.0))
                .withColumn("rate", rate(col("separations")))
                .withColumn("voluntary_rate", rate(col("voluntary_separations")));

        // Annualised over the months the group had anyone: a program launched 4 months ago sums 4
        // monthly rates, x 12/4, instead of showing a third of its rate; its average headcount is
        // over those months too. A group present all year gets SHRM's plain sum of 12 rates.
        Column present = sum(when(col("avg_headcount").gt(0), 1).otherwise(0));
        Dataset<Row> annual = monthly.groupBy("program_id", "cohort")
                .agg(
                        present.as("months_with_headcount"),
                        ExactSums.sum("avg_headcount").as("_headcount_months"),
                        sum("separations").cast("long").as("separations"),
                        sum("voluntary_separations").cast("long").as("voluntary_separations"),
                        ExactSums.sum("rate").as("_rate_sum"),
                        ExactSums.sum("voluntary_rate").as("_voluntary_rate_sum"))
                .withColumn("avg_monthly_headcount", perMonthPresent(col("_headcount_months")))
                .withColumn(
                        "total_turnover_rate", perMonthPresent(col("_rate_sum")).multiply((double) MONTHS))
                .withColumn(
                        "voluntary_turnover_rate",
                        perMonthPresent(col("_voluntary_rate_sum")).multiply((double) MONTHS))
                .drop("_headcount_months", "_rate_sum", "_voluntary_rate_sum");

        // The organisation-wide non-participant group, placed beside every program.
        Dataset<Row> programIds =
                menteePerProgram.select("program_id").distinct().union(spark.sql("SELECT '" + ALL + "' AS program_id"));
        Dataset<Row> nonRows = annual.where(col("cohort").equalTo(NON_PARTICIPANT))
                .drop("program_id")
                .crossJoin(programIds);
        Dataset<Row> rows = annual.where(col("cohort").equalTo(PARTICIPANT))
                .unionByName(nonRows)
                .withColumn("as_of", lit(Date.valueOf(asOf)))
                .withColumn("window_start", lit(Date.valueOf(start)))
                .withColumn("window_end", lit(Date.valueOf(end)))
                .withColumn("estimate_kind", lit("descriptive_headline"));

        Dataset<Row> out = Suppression.apply(
                rows,
                "avg_monthly_headcount",
                minGroupSize,
                List.of(
                        "months_with_headcount",
                        "separations",
                        "voluntary_separations",
                        "total_turnover_rate",
                        "voluntary_turnover_rate"));
        out = out.select(
                "program_id",
                "cohort",
                "as_of",
                "window_start",
                "window_end",
                "months_with_headcount",
                "avg_monthly_headcount",
                "separations",
                "voluntary_separations",
                "total_turnover_rate",
                "voluntary_turnover_rate",
                "estimate_kind",
                "suppressed");
        return TableDocs.withComments(out, comments());
    }

    /** An empty table with the schema {@link #compute} returns, for when inputs are missing. */
    public static StructType schema() {
        return new StructType()
                .add("program_id", DataTypes.StringType)
                .add("cohort", DataTypes.StringType)
                .add("as_of", DataTypes.DateType)
                .add("window_start", DataTypes.DateType)
                .add("window_end", DataTypes.DateType)
                .add("months_with_headcount", DataTypes.LongType)
                .add("avg_monthly_headcount", DataTypes.DoubleType)
                .add("separations", DataTypes.LongType)
                .add("voluntary_separations", DataTypes.LongType)
                .add("total_turnover_rate", DataTypes.DoubleType)
                .add("voluntary_turnover_rate", DataTypes.DoubleType)
                .add("estimate_kind", DataTypes.StringType)
                .add("suppressed", DataTypes.BooleanType, false);
    }

    public static Map<String, String> comments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("program_id", "Program id, or ALL for any program.");
        c.put(
                "cohort",
                "participant: has been a mentee in the program (ALL: any program) since their first matched day; "
                        + "non_participant: in no match of any program in either role (the same organisation-wide group on every program_id).");
        c.put("as_of", "Day the figures describe.");
        c.put("window_start", "First day of the 12 complete calendar months summed.");
        c.put("window_end", "Last day of the window: as_of if it ends its month, else the end of the previous month.");
        c.put(
                "months_with_headcount",
                "Months of the window in which the group had anyone (a program launched 4 months ago: 4).");
        c.put(
                "avg_monthly_headcount",
                "Mean over months_with_headcount of (headcount on the month's first day + on its last day) / 2.");
        c.put("separations", "Terminations in the window while in the cohort; null when suppressed.");
        c.put(
                "voluntary_separations",
                "Voluntary terminations in the window while in the cohort; null when suppressed.");
        c.put(
                "total_turnover_rate",
                "SHRM annual turnover: the monthly rates (separations / average headcount) summed over "
                        + "the months with headcount and annualised x 12 / months_with_headcount (a group present all year: the plain "
                        + "sum of 12), as a fraction (0.12 = 12%). Descriptive headline, not a causal effect of mentoring.");
        c.put(
                "voluntary_turnover_rate",
                "As total_turnover_rate, voluntary separations only. Descriptive, not causal.");
        c.put(
                "estimate_kind",
                "descriptive_headline: participants self-select; see the matched retention estimates for effects.");
        c.put(
                "suppressed",
                "True when avg_monthly_headcount is below the minimum group size; separations and rates are then null.");
        return c;
    }

    private static Dataset<Row> months(SparkSession spark, LocalDate start) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < MONTHS; i++) {
            YearMonth m = YearMonth.from(start).plusMonths(i);
            rows.add(RowFactory.create(Date.valueOf(m.atDay(1)), Date.valueOf(m.atEndOfMonth())));
        }
        StructType schema =
                new StructType().add("month_start", DataTypes.DateType).add("month_end", DataTypes.DateType);
        return spark.createDataFrame(rows, schema);
    }

    private static Column employedOn(Column day) {
        return col("hire_date")
                .leq(day)
                .and(col("termination_date").isNull().or(col("termination_date").geq(day)));
    }

    /** Still employed after the day ends: leaving on the month's last day removes you from its closing headcount. */
    private static Column employedAfter(Column day) {
        return col("hire_date")
                .leq(day)
                .and(col("termination_date").isNull().or(col("termination_date").gt(day)));
    }

    private static Column memberOn(Column day) {
        return col("from_date")
                .isNull()
                .or(col("from_date").leq(day))
                .and(col("to_date").isNull().or(day.lt(col("to_date"))));
    }

    /** A sum over the months with headcount, divided by their number (null when there were none). */
    private static Column perMonthPresent(Column total) {
        return when(col("months_with_headcount").gt(0), total.divide(col("months_with_headcount")));
    }

    private static Column rate(Column separations) {
        return when(col("avg_headcount").gt(0), separations.divide(col("avg_headcount")))
                .otherwise(lit(0.0));
    }
}
