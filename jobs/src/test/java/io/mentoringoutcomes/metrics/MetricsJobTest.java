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
import io.mentoringoutcomes.disclosure.ReleaseRules;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
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
                wh, LocalDate.of(2024, 12, 31), MetricsConfig.defaults().withMinGroupSize(1));
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
                        "staging.dim_program"),
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
            DisclosureAudit.undeclaredCounts(wh.read(table).schema(), decl)
                    .forEach(u -> undeclared.add(noun + ": " + u));
        }
        assertEquals(List.of(), undeclared);
    }
}
