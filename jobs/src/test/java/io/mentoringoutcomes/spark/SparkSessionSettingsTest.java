package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** What spark-submit's --conf set (system properties on the driver) is never overridden by the session builder. */
class SparkSessionSettingsTest {

    @Test
    void spark_submit_conf_wins_over_ours() {
        Properties submitted = new Properties();
        submitted.setProperty("spark.sql.shuffle.partitions", "400");
        submitted.setProperty("spark.sql.adaptive.enabled", "false");
        submitted.setProperty("spark.ui.enabled", "true");
        Map<String, String> ours = SparkSessionProvider.sessionSettings(4, submitted);
        assertFalse(ours.containsKey("spark.sql.shuffle.partitions"));
        assertFalse(ours.containsKey("spark.sql.adaptive.enabled"));
        assertFalse(ours.containsKey("spark.ui.enabled"));
        assertEquals(
                "1",
                ours.get("spark.databricks.delta.snapshotPartitions"),
                "what the cluster left unset is still ours");
        assertEquals(SparkSessionProvider.DELTA_EXTENSION, ours.get("spark.sql.extensions"));
    }

    /** A cluster default the figures depend on (the contract's time zone, lenient parsing) is not the cluster's to change. */
    @Test
    void the_contracts_settings_are_set_whatever_the_cluster_says() {
        Properties submitted = new Properties();
        submitted.setProperty("spark.sql.session.timeZone", "America/New_York");
        submitted.setProperty("spark.sql.ansi.enabled", "true");
        submitted.setProperty("spark.sql.legacy.timeParserPolicy", "EXCEPTION");
        submitted.setProperty("spark.databricks.delta.schema.autoMerge.enabled", "true");
        Map<String, String> ours = SparkSessionProvider.sessionSettings(4, submitted);
        assertEquals("UTC", ours.get("spark.sql.session.timeZone"));
        assertEquals("false", ours.get("spark.sql.ansi.enabled"));
        assertEquals("CORRECTED", ours.get("spark.sql.legacy.timeParserPolicy"));
        assertEquals("false", ours.get("spark.databricks.delta.schema.autoMerge.enabled"));
    }

    @Test
    void locally_nothing_is_submitted_and_every_setting_applies() {
        Map<String, String> ours = SparkSessionProvider.sessionSettings(4, new Properties());
        assertEquals("4", ours.get("spark.sql.shuffle.partitions"));
        assertEquals("false", ours.get("spark.ui.enabled"));
        assertEquals("CORRECTED", ours.get("spark.sql.legacy.timeParserPolicy"));
    }
}
