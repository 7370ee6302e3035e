package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.headline_history}: the headline figures of every published night, one row per night,
 * figure and program, so a trend chart reads one table instead of time-travelling through nights.
 *
 * <p>Built after disclosure control from tonight's controlled tables, and from the history as last
 * published: it holds only figures a night already published (hidden ones null, as they were), so it
 * shows nothing {@code --as-reported-on} would not. A re-run of a night replaces that night's rows.
 */
public final class HeadlineHistory {

    public static final String TABLE = "headline_history";

    private HeadlineHistory() {}

    /**
     * Tonight's headline rows: the matched mentees' 12-month retention difference
     * (retention_summary) and the ROI at the headline replacement-cost ratio (program_roi), per program.
     *
     * @param retentionSummary   staging.retention_summary after disclosure control
     * @param programRoi         staging.program_roi after disclosure control
     * @param replacementCostRatio the headline ratio of the ROI's sensitivity grid
     */
    public static Dataset<Row> tonight(
            Dataset<Row> retentionSummary, Dataset<Row> programRoi, double replacementCostRatio, LocalDate asOf) {
        Dataset<Row> retention = figure(
                retentionSummary.filter(col("cohort")
                        .equalTo("mentee")
                        .and(col("method").equalTo(CohortMatcher.MATCHED))
                        .and(col("horizon_months").equalTo(12))),
                "retention_summary",
                "difference",
                asOf);
        Dataset<Row> roi = figure(
                programRoi.filter(col("replacement_cost_ratio").equalTo(replacementCostRatio)),
                "program_roi",
                "roi",
                asOf);
        return retention.unionByName(roi);
    }

    /**
     * The history to publish tonight: the last published history without tonight's night (a re-run
     * replaces it), then tonight's rows; every row carries tonight's {@code as_of}.
     */
    public static Dataset<Row> history(Optional<Dataset<Row>> lastPublished, Dataset<Row> tonight, LocalDate asOf) {
        Dataset<Row> all = lastPublished
                .map(last -> last.filter(col("night_as_of").notEqual(lit(Date.valueOf(asOf))))
                        .withColumn("as_of", lit(Date.valueOf(asOf)))
                        .unionByName(tonight))
                .orElse(tonight);
        return TableDocs.withComments(
                all.orderBy("night_as_of", "table_name", "column_name", "program_id"), comments());
    }

    private static Dataset<Row> figure(Dataset<Row> rows, String table, String column, LocalDate asOf) {
        Column low = col(column + "_ci_low");
        Column high = col(column + "_ci_high");
        return rows.select(
                lit(Date.valueOf(asOf)).as("night_as_of"),
                lit(table).as("table_name"),
                lit(column).as("column_name"),
                col("program_id"),
                col(column).cast("double").as("value"),
                low.cast("double").as("value_ci_low"),
                high.cast("double").as("value_ci_high"),
                col("suppressed"),
                lit(Date.valueOf(asOf)).as("as_of"));
    }

    public static Map<String, String> comments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("night_as_of", "The night the figure was published for (its as_of then).");
        c.put(
                "table_name",
                "Gold table the figure comes from; with column_name it joins gold.metric_catalogue for label, unit"
                        + " and direction.");
        c.put(
                "column_name",
                "The figure's column there: retention_summary.difference (matched mentees, 12 months) or"
                        + " program_roi.roi (headline replacement-cost ratio).");
        c.put("program_id", "Program, or ALL.");
        c.put("value", "The figure as published that night; null where that night hid it.");
        c.put("value_ci_low", "Lower bound of its 95% confidence interval as published; null where hidden.");
        c.put("value_ci_high", "Upper bound of its 95% confidence interval as published; null where hidden.");
        c.put("suppressed", "Whether that night's disclosure control hid the figure's row.");
        c.put("as_of", "Day of the release this table belongs to (tonight's): every row is re-published nightly.");
        return c;
    }
}
