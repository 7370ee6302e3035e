package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.Intervals.Z95;
import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.spark.Checkpoints;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gold.satisfaction_summary}: one long table, one row per program, metric, cohort and
 * method, so BI tools filter rather than pivot. Metrics:
 * <dl>
 *   <dt>engagement_did</dt><dd>Per employee of the cohort frame: change = mean engagement_score of
 *   responses 3-15 months after index_date minus the last response in the 12 months before it
 *   (employees without both are left out). value = mentees' mean change, comparison_value = the
 *   comparison cohort's weighted mean change (cohort-frame weights), difference = the
 *   difference-in-differences. Standard errors are the weighted mean's linearisation variance
 *   clustered on the employee ({@link #weightedStats}), normal approximation; the two arms' are
 *   added as independent (an employee in both arms of ALL, a comparator who later became a
 *   mentee, only makes that conservative). Per program (and ALL) and method.
 *   Dropping non-responders changes the weights' balance; the DiD is only as good as response.</dd>
 *   <dt>enps</dt><dd>Per cohort (mentee, mentor, comparison) and method: each employee's latest
 *   eNPS answer 3-15 months after index_date (the same window as the engagement post period),
 *   scored +1 for 9-10, -1 for 0-6, 0 otherwise; eNPS = 100 x weighted mean score, i.e.
 *   % promoters - % detractors. The CI is the normal approximation of that mean, with the same
 *   employee-clustered standard error as engagement_did, clamped to [-100, 100]. Mentee rows carry
 *   the comparison cohort's eNPS and the difference (the arms' errors added).</dd>
 *   <dt>relationship_satisfaction</dt><dd>Program surveys (survey_type = 'program'): each
 *   respondent's mean relationship_satisfaction per program, then the mean over respondents with
 *   a normal CI. cohort 'respondents' (mentors and mentees), method 'observed'.</dd>
 *   <dt>action_rating_mean</dt><dd>Held meetings' action_rating (1-10): each match's mean, then
 *   the mean over matches (a chatty match does not outweigh a quiet one), CI over matches.
 *   n_employees = distinct mentees.</dd>
 *   <dt>action_rating_first3_vs_last3</dt><dd>Matches with at least 6 rated held meetings:
 *   value = mean of each match's last three ratings, comparison_value = of its first three,
 *   difference = mean of (last3 - first3), paired normal CI.</dd>
 * </dl>
 * Rows under the minimum group size (either side of a comparison) have their figures nulled.
 * When the optional surveys dataset is absent the survey metrics appear as one ALL row each,
 * with null figures and a note saying why.
 */
public final class SatisfactionSummary {

    public static final String TABLE = "gold.satisfaction_summary";
    public static final List<String> METRICS = List.of(
            "engagement_did",
            "enps",
            "relationship_satisfaction",
            "action_rating_mean",
            "action_rating_first3_vs_last3");
    static final String SURVEYS_ABSENT = "surveys dataset not delivered (optional); no survey metrics";
    private static final Logger LOG = LoggerFactory.getLogger(SatisfactionSummary.class);
    private static final List<String> FIGURES = List.of(
            "value", "ci_low", "ci_high", "comparison_value", "difference", "difference_ci_low", "difference_ci_high");

    private SatisfactionSummary() {}

    /**
     * @param cohorts the cohort frame (program_id, cohort, method, employee_id, index_date, weight)
     * @param surveys silver.surveys, empty when not delivered
     * @param meetings silver.meetings
     * @param matches silver.matches
     */
    public static Dataset<Row> compute(
            Dataset<Row> cohorts,
            Optional<Dataset<Row>> surveys,
            Dataset<Row> meetings,
            Dataset<Row> matches,
            LocalDate asOf,
            int minGroupSize) {
        SparkSession spark = meetings.sparkSession();
        List<Dataset<Row>> parts = new ArrayList<>();
        if (surveys.isPresent()) {
            Dataset<Row> s = surveys.get().where(col("survey_date").leq(lit(Date.valueOf(asOf))));
            // Materialised once: the cohort frame's join with every survey answer feeds two metrics.
            Dataset<Row> answers = Checkpoints.cut(answersAroundIndex(cohorts, s, matches, asOf));
            parts.add(engagementDid(answers));
            parts.add(enps(answers));
            parts.add(relationshipSatisfaction(s));
        }
        parts.add(actionRatingMean(meetings, matches, asOf));
        parts.add(actionRatingFirst3VsLast3(meetings, matches, asOf));

        Dataset<Row> rows = parts.stream()
                .map(SatisfactionSummary::conform)
                .reduce(Dataset::unionByName)
                .orElseThrow()
                .withColumn("group_size", least(col("n_employees"), col("comparison_n_employees")));
        Dataset<Row> out =
                Suppression.apply(rows, "group_size", minGroupSize, FIGURES).drop("group_size");
        if (surveys.isEmpty()) {
            LOG.warn("[metrics] WARNING satisfaction_summary: {}", SURVEYS_ABSENT);
            out = out.unionByName(surveysAbsentRows(spark));
        }
        out = out.withColumn("as_of", lit(Date.valueOf(asOf)))
                .select(java.util.Arrays.stream(columnNames())
                        .map(org.apache.spark.sql.functions::col)
                        .toArray(Column[]::new));
        return TableDocs.withComments(out, comments());
    }

    // ------------------------------------------------------------- engagement

    /**
     * Each cohort member's survey answers around their index date, from ONE join of the cohort
     * frame with the responses (the engagement pre and post windows and the eNPS window together):
     * pre = engagement_score of the last response in the 12 months before index, post = mean
     * engagement_score 3-15 months after, enps = the latest eNPS answer 3-15 months after.
     * Ties on a date are broken by response_id (struct max orders by date, then id).
     *
     * <p>A comparator's follow-up ends the day they become a mentee (the cohort frame's time_days),
     * and so do their post answers: an answer given as a mentee is a treated answer, and counting it
     * on the comparison side pulls the DiD towards zero. Follow-up ending at as-of or at an exit
     * drops nothing (there are no answers after either). The matching cell columns are kept for
     * {@link #rebalancedAmongRespondents}. Pre answers are also before the employee's first match as
     * a mentee in any program (matches' earliest matched_date).
     */
    static Dataset<Row> answersAroundIndex(
            Dataset<Row> cohorts, Dataset<Row> surveys, Dataset<Row> matches, LocalDate asOf) {
        Dataset<Row> answers = surveys.where(
                        col("engagement_score").isNotNull().or(col("enps").isNotNull()))
                .select(
                        col("employee_id"),
                        col("survey_date"),
                        col("response_id"),
                        col("engagement_score"),
                        col("enps"));
        Dataset<Row> people = cohorts.select(
                        col("program_id"),
                        col("cohort"),
                        col("method"),
                        col("employee_id"),
                        col("index_date"),
                        coalesce(col("weight"), lit(1.0)).as("weight"),
                        col("department"),
                        col("job_level"),
                        col("tenure_band"),
                        col("index_month"),
                        date_add(col("index_date"), col("time_days").cast("int"))
                                .as("follow_up_end"))
                .join(CohortBuilder.firstMenteeDates(matches), CohortMatcher.seq("employee_id"), "left");
        Column[] personCols = PERSON_COLUMNS.stream().map(c -> col("p." + c)).toArray(Column[]::new);
        Column date = col("s.survey_date");
        // Pre answers come from before any mentoring: a mentee whose time zero is a later match (the
        // first had no held meeting) may already have been mentored before it.
        Column before = date.geq(add_months(col("p.index_date"), -12))
                .and(date.lt(col("p.index_date")))
                .and(col("p.first_mentee_date").isNull().or(date.lt(col("p.first_mentee_date"))));
        Column untreated = col("p.cohort")
                .notEqual("comparison")
                .or(date.lt(col("p.follow_up_end")))
                .or(col("p.follow_up_end").geq(lit(Date.valueOf(asOf))));
        Column after = date.between(add_months(col("p.index_date"), 3), add_months(col("p.index_date"), 15))
                .and(untreated);
        return people.as("p")
                .join(
                        answers.as("s"),
                        col("p.employee_id")
                                .equalTo(col("s.employee_id"))
                                .and(date.geq(add_months(col("p.index_date"), -12)))
                                .and(date.leq(add_months(col("p.index_date"), 15))))
                .groupBy(personCols)
                .agg(
                        max(when(
                                        before.and(col("s.engagement_score").isNotNull()),
                                        struct(date, col("s.response_id"), col("s.engagement_score"))))
                                .getField("engagement_score")
                                .as("pre"),
                        ExactSums.avg(when(after, col("s.engagement_score"))).as("post"),
                        max(when(
                                        after.and(col("s.enps").isNotNull()),
                                        struct(date, col("s.response_id"), col("s.enps"))))
                                .getField("enps")
                                .as("enps"));
    }

    private static final List<String> PERSON_COLUMNS = List.of(
            "program_id",
            "cohort",
            "method",
            "employee_id",
            "index_date",
            "weight",
            "department",
            "job_level",
            "tenure_band",
            "index_month",
            "first_mentee_date");

    /**
     * Matched rows re-weighted among the employees who answered (rows of {@code respondents}): within
     * each matching cell the responding comparators' weights are scaled to sum to the number of
     * responding mentees (their relative weights kept), as ATT weights do for the whole cell. A cell
     * with responding mentees but no responding comparator has no counterfactual, so its mentees
     * are left out (common support among respondents) rather than silently compared with other
     * cells' comparators; a cell with no responding mentee drops its comparators. Naive rows are
     * unweighted and pass unchanged.
     */
    static Dataset<Row> rebalancedAmongRespondents(Dataset<Row> respondents) {
        org.apache.spark.sql.expressions.WindowSpec cell =
                Window.partitionBy("program_id", "method", "department", "job_level", "tenure_band", "index_month");
        Column isMentee = col("cohort").equalTo("mentee");
        Column isComparison = col("cohort").equalTo("comparison");
        Column matched = col("method").equalTo("matched");
        Dataset<Row> w = respondents
                .withColumn("_mentees", sum(when(isMentee, 1.0).otherwise(0.0)).over(cell))
                .withColumn(
                        "_comparison_weight",
                        sum(when(isComparison, col("weight")).otherwise(0.0)).over(cell));
        Column supported = col("_mentees").gt(0).and(col("_comparison_weight").gt(0));
        return w.filter(col("method")
                        .notEqual("matched")
                        .or(supported)
                        .or(col("cohort").equalTo("mentor")))
                .withColumn(
                        "weight",
                        when(
                                        matched.and(isComparison),
                                        col("weight").multiply(col("_mentees")).divide(col("_comparison_weight")))
                                .otherwise(col("weight")))
                .drop("_mentees", "_comparison_weight");
    }

    static Dataset<Row> engagementDid(Dataset<Row> answersAroundIndex) {
        Dataset<Row> change = rebalancedAmongRespondents(answersAroundIndex.where(
                        col("pre").isNotNull().and(col("post").isNotNull())))
                .withColumn("x", col("post").minus(col("pre")));
        return compareToComparison(
                weightedStats(change),
                "engagement_did",
                "change in engagement_score (1-5), pre = last response in 12 months before index, post = mean 3-15 months after "
                        + "(a comparator's answers after becoming a mentee left out); matched: ATT weights re-balanced within cells "
                        + "among respondents, cells without both left out; weighted, se clustered on the employee, normal approx",
                1.0,
                null);
    }

    // ------------------------------------------------------------------- eNPS

    static Dataset<Row> enps(Dataset<Row> answersAroundIndex) {
        Dataset<Row> latest = answersAroundIndex
                .where(col("enps").isNotNull())
                .withColumn(
                        "x",
                        when(col("enps").geq(9), 1.0)
                                .when(col("enps").leq(6), -1.0)
                                .otherwise(0.0));
        return compareToComparison(
                weightedStats(latest),
                "enps",
                "eNPS = % answering 9-10 minus % answering 0-6 (-100..100), latest answer 3-15 months after index "
                        + "(not a comparator's as a mentee); weighted, se clustered on the employee, normal approx of the +1/0/-1 score",
                100.0,
                new double[] {-100, 100});
    }

    /**
     * Weighted mean of column x and its standard error, per program, cohort and method. The error is
     * the linearisation (sandwich) variance clustered on the employee, as R's
     * {@code svymean(~x, svydesign(ids = ~employee_id, weights = ~weight))}: a comparator matched
     * into several cells is one person whose rows move together, and ATT weights are not
     * frequencies. With mean m = sum(w x) / W, each employee g contributes
     * u_g = sum over g's rows of w (x - m) / W, and var(m) = G / (G - 1) x sum of u_g^2 over the G
     * employees; with unit weights and one row each this is the textbook s^2 / n. Computed from
     * per-employee sums A = sum(w x), B = sum(w): sum u_g^2 = (sum A^2 - 2 m sum AB + m^2 sum B^2) / W^2.
     */
    static Dataset<Row> weightedStats(Dataset<Row> perEmployee) {
        Column w = col("weight");
        Column m = col("mean");
        Column g = col("n").cast("double");
        Column sumU2 = col("saa")
                .minus(lit(2.0).multiply(m).multiply(col("sab")))
                .plus(m.multiply(m).multiply(col("sbb")))
                .divide(col("sw").multiply(col("sw")));
        return perEmployee
                .groupBy("program_id", "cohort", "method", "employee_id")
                .agg(
                        ExactSums.sum(w.multiply(col("x"))).as("a"),
                        ExactSums.sum(w).as("b"))
                .groupBy("program_id", "cohort", "method")
                .agg(
                        count(lit(1)).as("n"),
                        ExactSums.sum(col("b")).as("sw"),
                        ExactSums.sum(col("a")).as("swx"),
                        ExactSums.sum(col("a").multiply(col("a"))).as("saa"),
                        ExactSums.sum(col("a").multiply(col("b"))).as("sab"),
                        ExactSums.sum(col("b").multiply(col("b"))).as("sbb"))
                .withColumn("mean", col("swx").divide(col("sw")))
                // Rounding can leave a tiny negative sum of squares where every u_g is 0.
                .withColumn(
                        "se",
                        when(
                                col("n").geq(2),
                                sqrt(greatest(lit(0.0), sumU2.multiply(g).divide(g.minus(1))))))
                .select("program_id", "cohort", "method", "n", "mean", "se");
    }

    /** Rows per cohort; mentee rows also carry the comparison cohort of the same program and method. */
    private static Dataset<Row> compareToComparison(
            Dataset<Row> stats, String metric, String note, double scale, double[] clamp) {
        // The comparison cohort's figures beside the mentee row of the same program and method: a
        // window over the one frame rather than a join of the frame with itself (computed twice).
        org.apache.spark.sql.expressions.WindowSpec same = Window.partitionBy("program_id", "method");
        Column isMentee = col("cohort").equalTo("mentee");
        Column isComparison = col("cohort").equalTo("comparison");
        Dataset<Row> j = stats.withColumn(
                        "c_n", when(isMentee, max(when(isComparison, col("n"))).over(same)))
                .withColumn(
                        "c_mean",
                        when(isMentee, max(when(isComparison, col("mean"))).over(same)))
                .withColumn(
                        "c_se",
                        when(isMentee, max(when(isComparison, col("se"))).over(same)));
        Column se = col("se");
        Column seC = col("c_se");
        Column seD = sqrt(se.multiply(se).plus(seC.multiply(seC)));
        Column diff = col("mean").minus(col("c_mean"));
        return j.select(
                col("program_id"),
                lit(metric).as("metric"),
                col("cohort"),
                col("method"),
                col("n").as("n_employees"),
                bound(col("mean").multiply(scale), clamp).as("value"),
                bound(col("mean").minus(lit(Z95).multiply(se)).multiply(scale), clamp)
                        .as("ci_low"),
                bound(col("mean").plus(lit(Z95).multiply(se)).multiply(scale), clamp)
                        .as("ci_high"),
                col("c_n").as("comparison_n_employees"),
                col("c_mean").multiply(scale).as("comparison_value"),
                diff.multiply(scale).as("difference"),
                Intervals.differenceCiLow(diff, seD, Z95).multiply(scale).as("difference_ci_low"),
                Intervals.differenceCiHigh(diff, seD, Z95).multiply(scale).as("difference_ci_high"),
                lit(note).as("note"));
    }

    private static Column bound(Column c, double[] clamp) {
        return clamp == null ? c : greatest(lit(clamp[0]), least(lit(clamp[1]), c));
    }

    // ------------------------------------------------------- program surveys

    static Dataset<Row> relationshipSatisfaction(Dataset<Row> surveys) {
        Dataset<Row> perRespondent = surveys.where(col("survey_type")
                        .equalTo("program")
                        .and(col("relationship_satisfaction").isNotNull())
                        .and(col("program_id").isNotNull()))
                .groupBy("program_id", "employee_id")
                .agg(ExactSums.avg("relationship_satisfaction").as("x"));
        Dataset<Row> perRespondentAll = perRespondent
                .groupBy("employee_id")
                .agg(ExactSums.avg("x").as("x"))
                .withColumn("program_id", lit(TurnoverRate.ALL));
        return meanRows(
                perRespondent.unionByName(perRespondentAll),
                "employee_id",
                "relationship_satisfaction",
                "respondents",
                "each respondent's mean satisfaction (1-5) with the relationship, then mean over respondents; normal approx");
    }

    // ------------------------------------------------------- action ratings

    private static Dataset<Row> ratedHeldMeetings(Dataset<Row> meetings, Dataset<Row> matches, LocalDate asOf) {
        Timestamp endOfAsOf = Timestamp.valueOf(asOf.plusDays(1).atStartOfDay());
        return meetings.where(col("status")
                        .equalTo("held")
                        .and(col("action_rating").isNotNull())
                        .and(col("scheduled_at").lt(lit(endOfAsOf))))
                .join(matches.select("match_id", "program_id", "mentee_id"), "match_id");
    }

    /** The same per-match rows again under program ALL. */
    private static Dataset<Row> withAll(Dataset<Row> perMatch) {
        return perMatch.unionByName(perMatch.withColumn("program_id", lit(TurnoverRate.ALL)));
    }

    static Dataset<Row> actionRatingMean(Dataset<Row> meetings, Dataset<Row> matches, LocalDate asOf) {
        Dataset<Row> perMatch = ratedHeldMeetings(meetings, matches, asOf)
                .groupBy("program_id", "match_id", "mentee_id")
                .agg(ExactSums.avg("action_rating").as("x"));
        return meanRows(
                withAll(perMatch),
                "mentee_id",
                "action_rating_mean",
                "mentee",
                "mean over matches of each match's mean action_rating (1-10) at held meetings; CI over matches, normal approx");
    }

    static Dataset<Row> actionRatingFirst3VsLast3(Dataset<Row> meetings, Dataset<Row> matches, LocalDate asOf) {
        Dataset<Row> rated = ratedHeldMeetings(meetings, matches, asOf)
                .withColumn(
                        "from_first",
                        row_number()
                                .over(Window.partitionBy("match_id").orderBy(col("scheduled_at"), col("meeting_id"))))
                .withColumn(
                        "from_last",
                        row_number()
                                .over(Window.partitionBy("match_id")
                                        .orderBy(
                                                col("scheduled_at").desc(),
                                                col("meeting_id").desc())));
        Dataset<Row> perMatch = rated.groupBy("program_id", "match_id", "mentee_id")
                .agg(
                        count(lit(1)).as("rated"),
                        ExactSums.avg(when(col("from_first").leq(3), col("action_rating")))
                                .as("first3"),
                        ExactSums.avg(when(col("from_last").leq(3), col("action_rating")))
                                .as("last3"))
                .where(col("rated").geq(6))
                .withColumn("change", col("last3").minus(col("first3")));
        Dataset<Row> units = ExactSums.withSquaredDeviation(
                ExactSums.withSquaredDeviation(withAll(perMatch), "last3", "program_id"), "change", "program_id");
        Dataset<Row> stats = units.groupBy("program_id")
                .agg(
                        countDistinct("mentee_id").as("n_employees"),
                        count(lit(1)).as("n_matches"),
                        ExactSums.avg("last3").as("value"),
                        ExactSums.stddevSamp("last3").as("sd_last3"),
                        ExactSums.avg("first3").as("comparison_value"),
                        ExactSums.avg("change").as("difference"),
                        ExactSums.stddevSamp("change").as("sd_change"));
        return stats.select(
                col("program_id"),
                lit("action_rating_first3_vs_last3").as("metric"),
                lit("mentee").as("cohort"),
                lit("observed").as("method"),
                col("n_employees"),
                col("value"),
                Intervals.meanCiLow(col("value"), col("sd_last3"), col("n_matches"), Z95)
                        .as("ci_low"),
                Intervals.meanCiHigh(col("value"), col("sd_last3"), col("n_matches"), Z95)
                        .as("ci_high"),
                col("n_employees").as("comparison_n_employees"),
                col("comparison_value"),
                col("difference"),
                Intervals.meanCiLow(col("difference"), col("sd_change"), col("n_matches"), Z95)
                        .as("difference_ci_low"),
                Intervals.meanCiHigh(col("difference"), col("sd_change"), col("n_matches"), Z95)
                        .as("difference_ci_high"),
                lit("matches with >= 6 rated held meetings: mean of last 3 ratings (value) vs first 3 (comparison_value); "
                                + "difference = mean per-match change, paired normal approx")
                        .as("note"));
    }

    /** Mean of x over units (rows) per program, with a normal CI; n_employees counts distinct idColumn. */
    private static Dataset<Row> meanRows(
            Dataset<Row> units, String idColumn, String metric, String cohort, String note) {
        Dataset<Row> stats = ExactSums.withSquaredDeviation(units, "x", "program_id")
                .groupBy("program_id")
                .agg(
                        countDistinct(idColumn).as("n_employees"),
                        count(lit(1)).as("n_units"),
                        ExactSums.avg("x").as("value"),
                        ExactSums.stddevSamp("x").as("sd"));
        return stats.select(
                col("program_id"),
                lit(metric).as("metric"),
                lit(cohort).as("cohort"),
                lit("observed").as("method"),
                col("n_employees"),
                col("value"),
                Intervals.meanCiLow(col("value"), col("sd"), col("n_units"), Z95)
                        .as("ci_low"),
                Intervals.meanCiHigh(col("value"), col("sd"), col("n_units"), Z95)
                        .as("ci_high"),
                lit(null).cast("long").as("comparison_n_employees"),
                lit(null).cast("double").as("comparison_value"),
                lit(null).cast("double").as("difference"),
                lit(null).cast("double").as("difference_ci_low"),
                lit(null).cast("double").as("difference_ci_high"),
                lit(note).as("note"));
    }

    // ------------------------------------------------------------------ shape

    private static Dataset<Row> conform(Dataset<Row> df) {
        StructType s = schema();
        List<Column> cols = new ArrayList<>();
        for (String name : columnNames()) {
            if (name.equals("suppressed") || name.equals("as_of")) {
                continue;
            }
            cols.add(col(name).cast(s.apply(name).dataType()).as(name));
        }
        return df.select(cols.toArray(Column[]::new));
    }

    private static Dataset<Row> surveysAbsentRows(SparkSession spark) {
        List<Dataset<Row>> rows = new ArrayList<>();
        for (String metric : METRICS.subList(0, 3)) {
            rows.add(spark.sql("SELECT '" + TurnoverRate.ALL + "' AS program_id, '" + metric + "' AS metric")
                    .withColumn("note", lit(SURVEYS_ABSENT)));
        }
        Dataset<Row> base = rows.stream().reduce(Dataset::unionByName).orElseThrow();
        StructType s = schema();
        List<Column> cols = new ArrayList<>();
        for (String name : columnNames()) {
            if (name.equals("as_of")) {
                continue;
            }
            if (name.equals("program_id") || name.equals("metric") || name.equals("note")) {
                cols.add(col(name));
            } else if (name.equals("suppressed")) {
                cols.add(lit(false).as(name));
            } else if (name.equals("n_employees")) {
                cols.add(lit(0L).as(name));
            } else {
                cols.add(lit(null).cast(s.apply(name).dataType()).as(name));
            }
        }
        return base.select(cols.toArray(Column[]::new));
    }

    public static String[] columnNames() {
        return schema().fieldNames();
    }

    public static StructType schema() {
        return new StructType()
                .add("program_id", DataTypes.StringType)
                .add("metric", DataTypes.StringType)
                .add("cohort", DataTypes.StringType)
                .add("method", DataTypes.StringType)
                .add("n_employees", DataTypes.LongType)
                .add("value", DataTypes.DoubleType)
                .add("ci_low", DataTypes.DoubleType)
                .add("ci_high", DataTypes.DoubleType)
                .add("comparison_n_employees", DataTypes.LongType)
                .add("comparison_value", DataTypes.DoubleType)
                .add("difference", DataTypes.DoubleType)
                .add("difference_ci_low", DataTypes.DoubleType)
                .add("difference_ci_high", DataTypes.DoubleType)
                .add("suppressed", DataTypes.BooleanType)
                .add("as_of", DataTypes.DateType)
                .add("note", DataTypes.StringType);
    }

    public static Map<String, String> comments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("program_id", "Program id, or ALL.");
        c.put("metric", "One of " + String.join(", ", METRICS) + "; see note for each metric's definition.");
        c.put(
                "cohort",
                "mentee, mentor, comparison (cohort frame), respondents (program survey), mentee (meeting ratings).");
        c.put("method", "matched or naive comparison (cohort frame); observed for metrics without a comparison group.");
        c.put("n_employees", "Distinct employees behind value (0 when the input is absent).");
        c.put(
                "value",
                "The metric: engagement change (mentees), eNPS (-100..100), mean satisfaction 1-5, mean rating 1-10, mean of last three ratings.");
        c.put("ci_low", "Lower 95% confidence bound of value (normal approximation).");
        c.put("ci_high", "Upper 95% confidence bound of value (normal approximation).");
        c.put("comparison_n_employees", "Distinct employees behind comparison_value.");
        c.put(
                "comparison_value",
                "The comparison cohort's weighted value (engagement_did, enps) or the first three ratings' mean.");
        c.put("difference", "value - comparison_value: the difference-in-differences for engagement_did.");
        c.put("difference_ci_low", "Lower 95% bound of difference (Welch-style se; paired for ratings).");
        c.put("difference_ci_high", "Upper 95% bound of difference.");
        c.put(
                "suppressed",
                "True when either group has fewer employees than the minimum group size; figures are then null.");
        c.put("as_of", "Day the figures describe.");
        c.put("note", "How the metric is computed, or why it is missing.");
        return c;
    }
}
