package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.SilverFixtures.d;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.MetricsConfig;
import io.mentoringoutcomes.disclosure.DisclosureAudit;
import io.mentoringoutcomes.disclosure.DisclosureControl;
import io.mentoringoutcomes.disclosure.ReleaseRules;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on tiny silver tables in a temporary warehouse: every table written, commented and declared. */
class MetricsJobTest extends SparkTestBase {

    @Test
    void writesEveryOutcomeTableWithComments(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        wh.overwrite(
                "silver.hris_employees",
                SilverFixtures.df(
                        spark,
                        List.of(
                                employee("m1", "2022-01-01", "2024-10-01", "voluntary", "Eng", "L2", 100.0, 3.0),
                                employee("m2", "2022-01-01", null, null, "Eng", "L2", 100.0, 3.0),
                                employee("c1", "2021-06-01", null, null, "Eng", "L2", 90.0, 3.0),
                                employee("c2", "2021-06-01", "2024-07-05", "voluntary", "Eng", "L2", 90.0, 3.0),
                                employee("r1", "2010-01-01", null, null, "Ops", "L5", 200.0, 4.0)),
                        SilverFixtures.EMPLOYEES));
        wh.overwrite(
                "silver.matches",
                SilverFixtures.df(
                        spark,
                        List.of(
                                match("M1", "P1", "r1", "m1", "2024-03-05"),
                                match("M2", "P1", "r1", "m2", "2024-03-20")),
                        SilverFixtures.MATCHES));
        wh.overwrite(
                "silver.meetings",
                SilverFixtures.df(
                        spark,
                        List.of(
                                meeting("a", "M1", "2024-03-10", "held", 60),
                                meeting("b", "M2", "2024-03-25", "held", 60)),
                        SilverFixtures.MEETINGS));
        wh.overwrite("silver.participants", SilverFixtures.df(spark, List.of(), SilverFixtures.PARTICIPANTS));
        wh.overwrite(
                "silver.programs",
                SilverFixtures.df(
                        spark,
                        List.<Row>of(RowFactory.create(
                                "P1", "Mentoring", "other", "formal", d("2024-01-01"), null, 30, 1000.0)),
                        SilverFixtures.PROGRAMS));
        wh.overwrite(
                "silver.hris_job_events",
                SilverFixtures.df(
                        spark,
                        List.<Row>of(RowFactory.create("m2", d("2024-09-01"), "promotion", "L3", "Eng", null)),
                        SilverFixtures.JOB_EVENTS));

        List<String> written = MetricsJob.run(
                wh,
                LocalDate.of(2024, 12, 31),
                MetricsConfig.defaults().withMinGroupSize(1).withDominancePPercent(0),
                DisclosureControl.LastRelease.latestCommits(wh),
                line -> {});
        assertEquals(
                List.of(
                        "staging.retention_summary",
                        "staging.retention_curve",
                        "staging.matching_balance",
                        "staging.program_roi",
                        "staging.promotion_summary",
                        "staging.turnover_rate",
                        "staging.satisfaction_summary",
                        "staging.engagement_summary",
                        "staging.dim_program",
                        "staging.metric_catalogue",
                        "staging.headline_history"),
                written);
        // Per-match health is an admin-audience table: it leaves staging and, unless enabled, goes nowhere.
        assertFalse(wh.exists("staging.match_health"));
        // P1 and ALL x 7 groups (mentee and comparison x matched/matched_itt/naive, mentor naive) x 3 horizons.
        assertEquals(2 * 7 * 3, wh.read("staging.retention_summary").count());
        // The intention-to-treat rows are a retention sensitivity only.
        assertEquals(
                0,
                wh.read("staging.promotion_summary")
                        .filter("method = 'matched_itt'")
                        .count());
        assertEquals(2 * 4, wh.read("staging.program_roi").count());
        assertTrue(wh.read("staging.retention_summary")
                .schema()
                .apply("retention")
                .metadata()
                .contains("comment"));
        Row balance =
                wh.read("staging.matching_balance").filter("program_id = 'P1'").first();
        assertEquals(1.0, (double) balance.getAs("match_rate"), 1e-12);
        // silver.hris_job_events exists: department and level were rebuilt at index from it.
        assertEquals("job_events_at_index", balance.getAs("covariate_source"));

        // Every integer column of every table written is declared in schemas/release.yaml (a key, a
        // count of people, a kept column, or not people): an undeclared count of people would escape
        // disclosure control altogether. (GoldPeopleColumnsTest checks the check itself.)
        List<String> undeclared = new ArrayList<>();
        for (String table : written) {
            String noun = table.substring(table.indexOf('.') + 1);
            ReleaseRules.Table decl = ReleaseRules.standard()
                    .table(noun)
                    .orElseThrow(() -> new AssertionError(table + " has no declaration in schemas/release.yaml"));
            List<String> columns = List.of(wh.read(table).columns());
            DisclosureAudit.undeclaredCounts(wh.read(table).schema(), decl)
                    .forEach(u -> undeclared.add(noun + ": " + u));
            // A misspelt magnitude would never hold a row across nights.
            decl.magnitudes().stream()
                    .filter(m -> !columns.contains(m))
                    .forEach(m -> undeclared.add(noun + ": magnitude " + m + " is not a column"));
        }
        assertEquals(List.of(), undeclared);
        assertTrue(
                ReleaseRules.standard()
                        .table("program_roi")
                        .orElseThrow()
                        .magnitudes()
                        .contains("mean_mentee_salary"),
                "salaries are declared magnitudes");

        // Every figure (numeric non-key column) of every gold counts table written tonight has a catalogue
        // row with a label, unit, direction and scale; satisfaction_summary's figures have one per metric.
        Dataset<Row> catalogue = wh.read("staging.metric_catalogue");
        List<String> uncatalogued = new ArrayList<>();
        for (String table : written) {
            String noun = table.substring(table.indexOf('.') + 1);
            ReleaseRules.Table decl = ReleaseRules.standard().table(noun).orElseThrow();
            if (decl.isReference()) {
                continue;
            }
            Dataset<Row> data = wh.read(table);
            List<String> metrics = noun.equals("satisfaction_summary")
                    ? data.select("metric")
                            .distinct()
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList()
                    : null;
            for (org.apache.spark.sql.types.StructField f : data.schema().fields()) {
                if (!(f.dataType() instanceof org.apache.spark.sql.types.NumericType)
                        || decl.keys().contains(f.name())) {
                    continue;
                }
                boolean perMetric = metrics != null && !f.name().contains("n_employees");
                for (String metric : perMetric ? metrics : List.of(f.name())) {
                    long described = catalogue
                            .filter(
                                    org.apache
                                            .spark
                                            .sql
                                            .functions
                                            .col("table_name")
                                            .equalTo(noun)
                                            .and(org.apache
                                                    .spark
                                                    .sql
                                                    .functions
                                                    .col("column_name")
                                                    .equalTo(f.name()))
                                            .and(org.apache
                                                    .spark
                                                    .sql
                                                    .functions
                                                    .col("metric")
                                                    .equalTo(metric))
                                            .and(
                                                    org.apache.spark.sql.functions.expr(
                                                            "label IS NOT NULL AND unit IS NOT NULL AND scale IS NOT NULL"
                                                                    + " AND direction IN ('higher_is_better', 'lower_is_better', 'neutral')")))
                            .count();
                    if (described != 1) {
                        uncatalogued.add(noun + "." + f.name() + (perMetric ? " for " + metric : ""));
                    }
                }
            }
        }
        assertEquals(List.of(), uncatalogued);
        // Every satisfaction metric staged tonight joins the catalogue on its metric key.
        Dataset<Row> staged =
                wh.read("staging.satisfaction_summary").select("metric").distinct();
        Dataset<Row> meanings = catalogue
                .filter("table_name = 'satisfaction_summary' AND column_name = 'value'")
                .select(org.apache.spark.sql.functions.col("metric").as("catalogued"));
        List<String> stagedMetrics = staged.orderBy("metric")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        assertFalse(stagedMetrics.isEmpty());
        assertEquals(
                stagedMetrics,
                staged.join(meanings, staged.col("metric").equalTo(meanings.col("catalogued")))
                        .select("metric")
                        .orderBy("metric")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
        // Nothing declared in schemas/metrics.yaml names a column the real tables no longer have.
        Map<String, org.apache.spark.sql.types.StructType> schemas = new java.util.LinkedHashMap<>();
        Map<String, List<String>> keys = new java.util.LinkedHashMap<>();
        for (String table : written) {
            String noun = table.substring(table.indexOf('.') + 1);
            ReleaseRules.Table decl = ReleaseRules.standard().table(noun).orElseThrow();
            if (!decl.isReference()) {
                schemas.put(noun, wh.read(table).schema());
                keys.put(noun, decl.keys());
            }
        }
        assertEquals(List.of(), MetricCatalogue.stale(schemas, keys, MetricCatalogue.standard()));
    }
}
