package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * How mentoring relationships are going: {@code gold.engagement_summary} (per program and ALL)
 * and {@code gold.match_health} (per match).
 *
 * <p>Definitions:
 * <ul>
 *   <li>Meetings count when scheduled on or before as-of. Cancellation and no-show rates are over
 *       all scheduled meetings (held + cancelled + no_show).</li>
 *   <li>Days between meetings: between consecutive held meetings of one match, in fractional days.
 *       The program median pools every gap of its matches.</li>
 *   <li>Active: matched on or before as-of and not ended on or before as-of.</li>
 *   <li>Stalled: an active match with no held meeting in (as-of - 2 x planned_cadence_days, as-of].
 *       Only matches matched at least 2 x cadence days before as-of are judged (a week-old match has
 *       not had the chance); others, and programs without a cadence, have stalled null.</li>
 *   <li>Goals (optional dataset): created on or before as-of; achieved when status is achieved or
 *       achieved_date is set. Rates per category are achieved / set.</li>
 *   <li>Suppression: program rows with fewer than the minimum matches have their figures nulled.
 *       match_health is BI-facing but describes one pair: it carries a keyed pseudonym of the match
 *       id, no employee ids, no action ratings at all (ratings only appear as aggregates in
 *       satisfaction_summary), and its figures are nulled when the match's program has fewer than
 *       the minimum matches, so a small program's pairs cannot be told apart.</li>
 * </ul>
 */
public final class EngagementSummary {

    public static final String SUMMARY_TABLE = "gold.engagement_summary";
    public static final String MATCH_TABLE = "gold.match_health";
    public static final List<String> GOAL_CATEGORIES = List.of("task", "business", "talent");

    private EngagementSummary() {}

    /** One row per match with its meeting and goal figures; internal, carries ids. */
    static Dataset<Row> perMatch(
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Optional<Dataset<Row>> goals,
            LocalDate asOf) {
        Column asOfDate = lit(Date.valueOf(asOf));
        Timestamp endOfAsOf = Timestamp.valueOf(asOf.plusDays(1).atStartOfDay());
        Dataset<Row> m = matches.where(col("matched_date").leq(asOfDate))
                .join(programs.select("program_id", "planned_cadence_days"), seq("program_id"), "left")
                .withColumn(
                        "is_active",
                        col("ended_date").isNull().or(col("ended_date").gt(asOfDate)));

        Dataset<Row> held = meetings.where(col("scheduled_at").lt(lit(endOfAsOf)));
        Dataset<Row> gaps = held.where(col("status").equalTo("held"))
                .withColumn(
                        "gap_days",
                        col("scheduled_at")
                                .cast("double")
                                .minus(lag(col("scheduled_at").cast("double"), 1)
                                        .over(Window.partitionBy("match_id")
                                                .orderBy(col("scheduled_at"), col("meeting_id"))))
                                .divide(86400.0));
        Dataset<Row> meetingStats = gaps.groupBy("match_id")
                .agg(
                        count(lit(1)).as("meetings_held"),
                        max("scheduled_at").as("last_held_at"),
                        median(col("gap_days")).as("median_days_between_meetings"),
                        org.apache
                                .spark
                                .sql
                                .functions
                                .collect_list(col("gap_days"))
                                .as("gap_days_list"));
        Dataset<Row> scheduled = held.groupBy("match_id")
                .agg(
                        count(lit(1)).as("meetings_scheduled"),
                        sum(when(col("status").equalTo("cancelled"), 1).otherwise(0))
                                .cast("long")
                                .as("meetings_cancelled"),
                        sum(when(col("status").equalTo("no_show"), 1).otherwise(0))
                                .cast("long")
                                .as("meetings_no_show"));

        Column stallFrom = date_sub(asOfDate, col("planned_cadence_days").multiply(2));
        Dataset<Row> out = m.join(scheduled, seq("match_id"), "left")
                .join(meetingStats, seq("match_id"), "left")
                .na()
                .fill(0L, new String[] {"meetings_scheduled", "meetings_cancelled", "meetings_no_show", "meetings_held"
                })
                .withColumn("days_since_last_held_meeting", datediff(asOfDate, to_date(col("last_held_at"))))
                .withColumn(
                        "stall_eligible",
                        col("is_active")
                                .and(col("planned_cadence_days").isNotNull())
                                .and(col("matched_date").leq(stallFrom)))
                .withColumn(
                        "stalled",
                        when(
                                col("stall_eligible"),
                                col("last_held_at")
                                        .isNull()
                                        .or(to_date(col("last_held_at")).leq(stallFrom))));

        for (String category : GOAL_CATEGORIES) {
            out = out.withColumn("goals_" + category + "_set", lit(null).cast("long"))
                    .withColumn("goals_" + category + "_achieved", lit(null).cast("long"));
        }
        if (goals.isPresent()) {
            List<Column> aggs = new ArrayList<>();
            Column achieved =
                    col("status").equalTo("achieved").or(col("achieved_date").isNotNull());
            for (String category : GOAL_CATEGORIES) {
                Column in = col("category").equalTo(category);
                aggs.add(sum(when(in, 1).otherwise(0)).cast("long").as("goals_" + category + "_set"));
                aggs.add(
                        sum(when(in.and(achieved), 1).otherwise(0)).cast("long").as("goals_" + category + "_achieved"));
            }
            Dataset<Row> g = goals.get()
                    .where(col("created_date").leq(asOfDate))
                    .groupBy("match_id")
                    .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
            for (String category : GOAL_CATEGORIES) {
                out = out.drop("goals_" + category + "_set", "goals_" + category + "_achieved");
            }
            out = out.join(g, seq("match_id"), "left");
            for (String category : GOAL_CATEGORIES) {
                out = out.na().fill(0L, new String[] {"goals_" + category + "_set", "goals_" + category + "_achieved"});
            }
        }
        return out;
    }

    /** gold.engagement_summary: per program and ALL. */
    public static Dataset<Row> summary(
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Optional<Dataset<Row>> goals,
            LocalDate asOf,
            int minGroupSize) {
        Dataset<Row> pm = perMatch(programs, matches, meetings, goals, asOf);
        // ALL pools every match; a cadence only belongs to one program.
        Dataset<Row> both = pm.unionByName(pm.withColumn("program_id", lit(TurnoverRate.ALL))
                .withColumn(
                        "planned_cadence_days",
                        lit(null).cast(pm.schema().apply("planned_cadence_days").dataType())));
        List<Column> aggs = new ArrayList<>(List.of(
                count(lit(1)).as("n_matches"),
                sum(when(col("is_active"), 1).otherwise(0)).cast("long").as("n_active_matches"),
                countDistinct(col("mentee_id")).as("n_mentees"),
                sum("meetings_scheduled").cast("long").as("meetings_scheduled"),
                sum("meetings_held").cast("long").as("meetings_held"),
                sum("meetings_cancelled").cast("long").as("meetings_cancelled"),
                sum("meetings_no_show").cast("long").as("meetings_no_show"),
                max("planned_cadence_days").cast("int").as("planned_cadence_days"),
                sum(when(col("stall_eligible"), 1).otherwise(0)).cast("long").as("stall_eligible_matches"),
                sum(when(col("stalled"), 1).otherwise(0)).cast("long").as("stalled_matches")));
        for (String category : GOAL_CATEGORIES) {
            aggs.add(sum("goals_" + category + "_set").cast("long").as("goals_" + category + "_set"));
            aggs.add(sum("goals_" + category + "_achieved").cast("long").as("goals_" + category + "_achieved"));
        }
        Dataset<Row> counts = both.groupBy("program_id")
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new));
        // The program median pools the gaps of all its matches, not the matches' medians.
        Dataset<Row> medians = both.select(
                        col("program_id"), explode(col("gap_days_list")).as("gap_days"))
                .groupBy("program_id")
                .agg(median(col("gap_days")).as("median_days_between_meetings"));
        Dataset<Row> s = counts.join(medians, seq("program_id"), "left");
        s = s.withColumn("cancellation_rate", ratio("meetings_cancelled", "meetings_scheduled"))
                .withColumn("no_show_rate", ratio("meetings_no_show", "meetings_scheduled"))
                .withColumn("stalled_share", ratio("stalled_matches", "stall_eligible_matches"));
        for (String category : GOAL_CATEGORIES) {
            s = s.withColumn(
                    "goals_" + category + "_achieved_rate",
                    ratio("goals_" + category + "_achieved", "goals_" + category + "_set"));
        }
        s = s.withColumn("as_of", lit(Date.valueOf(asOf)));
        List<String> figures = new ArrayList<>(List.of(
                "n_mentees",
                "meetings_scheduled",
                "meetings_held",
                "meetings_cancelled",
                "meetings_no_show",
                "cancellation_rate",
                "no_show_rate",
                "median_days_between_meetings",
                "stall_eligible_matches",
                "stalled_matches",
                "stalled_share"));
        for (String category : GOAL_CATEGORIES) {
            // The achieved count is published beside its rate: the rate times the goals set gives it anyway, so
            // it is declared a people count (release.yaml) and hidden with its rate when under k.
            figures.addAll(List.of(
                    "goals_" + category + "_set",
                    "goals_" + category + "_achieved",
                    "goals_" + category + "_achieved_rate"));
        }
        s = Suppression.apply(s, "n_matches", minGroupSize, figures);
        List<String> cols = new ArrayList<>(List.of("program_id", "as_of", "n_matches", "n_active_matches"));
        cols.addAll(figures);
        cols.add("planned_cadence_days");
        cols.add("suppressed");
        s = s.select(cols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        return TableDocs.withComments(s, summaryComments());
    }

    /** gold.match_health: one row per match, keyed by a pseudonym, no employee ids. */
    public static Dataset<Row> matchHealth(
            Dataset<Row> programs,
            Dataset<Row> matches,
            Dataset<Row> meetings,
            Optional<Dataset<Row>> goals,
            LocalDate asOf,
            int minGroupSize,
            UnaryOperator<Column> pseudonym) {
        Dataset<Row> pm = perMatch(programs, matches, meetings, goals, asOf);
        Dataset<Row> sizes = pm.groupBy("program_id").agg(count(lit(1)).as("program_matches"));
        Dataset<Row> out = pm.join(sizes, seq("program_id"))
                .withColumn("match_key", pseudonym.apply(col("match_id")))
                .withColumn("cancellation_rate", ratio("meetings_cancelled", "meetings_scheduled"))
                .withColumn("no_show_rate", ratio("meetings_no_show", "meetings_scheduled"))
                .withColumn("goals_set", sumOf("_set"))
                .withColumn("goals_achieved", sumOf("_achieved"))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        List<String> figures = List.of(
                "meetings_scheduled",
                "meetings_held",
                "cancellation_rate",
                "no_show_rate",
                "median_days_between_meetings",
                "days_since_last_held_meeting",
                "stalled",
                "goals_set",
                "goals_achieved");
        out = Suppression.apply(out, "program_matches", minGroupSize, figures);
        List<String> cols = new ArrayList<>(List.of("match_key", "match_id", "program_id", "as_of", "is_active"));
        cols.addAll(figures);
        cols.addAll(List.of("planned_cadence_days", "program_matches", "suppressed"));
        out = out.select(cols.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
        return TableDocs.withComments(out, matchComments());
    }

    private static Column sumOf(String suffix) {
        Column total = null;
        for (String category : GOAL_CATEGORIES) {
            Column c = col("goals_" + category + suffix);
            total = total == null ? c : total.plus(c);
        }
        return total;
    }

    private static Column ratio(String numerator, String denominator) {
        return when(col(denominator).gt(0), col(numerator).cast("double").divide(col(denominator)));
    }

    private static scala.collection.Seq<String> seq(String... names) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(names)).toList();
    }

    public static Map<String, String> summaryComments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("program_id", "Program id, or ALL for every match.");
        c.put("as_of", "Day the figures describe.");
        c.put("n_matches", "Matches matched on or before as_of (the suppression size).");
        c.put("n_active_matches", "Matches not ended on or before as_of.");
        c.put("n_mentees", "Distinct mentees in those matches.");
        c.put("meetings_scheduled", "Meetings scheduled on or before as_of: held + cancelled + no_show.");
        c.put("meetings_held", "Held meetings.");
        c.put("meetings_cancelled", "Cancelled meetings.");
        c.put("meetings_no_show", "Meetings someone did not attend.");
        c.put("cancellation_rate", "meetings_cancelled / meetings_scheduled (fraction).");
        c.put("no_show_rate", "meetings_no_show / meetings_scheduled (fraction).");
        c.put(
                "median_days_between_meetings",
                "Median days between consecutive held meetings of a match, over all the program's gaps.");
        c.put("stall_eligible_matches", "Active matches matched at least 2 x planned_cadence_days before as_of.");
        c.put("stalled_matches", "Of those, matches with no held meeting in the last 2 x planned_cadence_days.");
        c.put("stalled_share", "stalled_matches / stall_eligible_matches (fraction).");
        for (String category : GOAL_CATEGORIES) {
            c.put(
                    "goals_" + category + "_set",
                    "Goals of category " + category + " set on or before as_of (null when goals are not delivered).");
            c.put(
                    "goals_" + category + "_achieved",
                    "Of those, goals achieved (status achieved or an achieved_date) on or before as_of.");
            c.put(
                    "goals_" + category + "_achieved_rate",
                    "Share of " + category + " goals achieved (null when none set or goals absent).");
        }
        c.put("planned_cadence_days", "The program's intended days between meetings (null for ALL).");
        c.put("suppressed", "True when n_matches is below the minimum group size; figures are then null.");
        return c;
    }

    public static Map<String, String> matchComments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("match_key", "Keyed pseudonym of the match id (HMAC-SHA256, 16 hex); no employee ids in this table.");
        c.put(
                "match_id",
                "The match id, for program administrators who act on stalled matches (admin.match_health only, never served).");
        c.put("program_id", "Program of the match.");
        c.put("as_of", "Day the figures describe.");
        c.put("is_active", "Not ended on or before as_of.");
        c.put("meetings_scheduled", "Meetings scheduled on or before as_of.");
        c.put("meetings_held", "Held meetings.");
        c.put("cancellation_rate", "Cancelled / scheduled (fraction).");
        c.put("no_show_rate", "No-show / scheduled (fraction).");
        c.put("median_days_between_meetings", "Median days between consecutive held meetings.");
        c.put("days_since_last_held_meeting", "Days from the last held meeting to as_of.");
        c.put(
                "stalled",
                "Active, matched at least 2 x cadence ago, and no held meeting in the last 2 x planned_cadence_days; null when not judged.");
        c.put("goals_set", "Goals set (null when goals are not delivered).");
        c.put("goals_achieved", "Goals achieved.");
        c.put("planned_cadence_days", "The program's intended days between meetings.");
        c.put(
                "program_matches",
                "Matches in the program: rows of programs under the minimum group size are suppressed.");
        c.put(
                "suppressed",
                "True when the program has fewer matches than the minimum group size; figures are then null.");
        return c;
    }
}
