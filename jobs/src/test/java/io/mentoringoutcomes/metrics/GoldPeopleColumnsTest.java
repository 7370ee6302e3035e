package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.disclosure.DisclosureAudit;
import io.mentoringoutcomes.disclosure.ReleaseRules;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Every integer column of every gold table is declared in schemas/release.yaml: a key, a count of
 * people (suppressed and audited), a kept column, or explicitly not people. An undeclared count of
 * people (stalled matches, goals, respondents...) would escape disclosure control altogether.
 * MetricsJobTest applies the check to every table the metrics stage writes; this tests the check.
 */
class GoldPeopleColumnsTest extends SparkTestBase {

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
