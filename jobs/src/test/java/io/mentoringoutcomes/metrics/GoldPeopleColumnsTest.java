package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.SilverFixtures.d;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.disclosure.DisclosureAudit;
import io.mentoringoutcomes.disclosure.ReleaseRules;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every integer column of every gold table is declared in schemas/release.yaml: a key, a count of
 * people (suppressed and audited), a kept column, or explicitly not people. An undeclared count of
 * people (stalled matches, goals, respondents...) would escape disclosure control altogether.
 */
class GoldPeopleColumnsTest extends SparkTestBase {

    @Test
    void everyIntegerColumnOfEveryGoldTableIsDeclared(@TempDir Path dir) {
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
        assertFalse(written.isEmpty());
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

    @Test
    void anUndeclaredIntegerColumnIsFoundAndANotPeopleOneIsNot() {
        ReleaseRules.Table decl =
                ReleaseRules.standard().table("engagement_summary").orElseThrow();
        StructType schema = new StructType()
                .add("program_id", DataTypes.StringType)
                .add("n_matches", DataTypes.LongType) // people
                .add("meetings_held", DataTypes.LongType) // declared not_people
                .add("planned_cadence_days", DataTypes.IntegerType) // kept: shown on a suppressed row
                .add("mentors_trained", DataTypes.LongType) // nobody declared it
                .add("no_show_rate", DataTypes.DoubleType); // a rate: judged through its row's counts
        assertEquals(
                List.of("column mentors_trained (bigint) is neither people nor not_people"),
                DisclosureAudit.undeclaredCounts(schema, decl));
    }
}
