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
        assertEquals("UTC", ours.get("spark.sql.session.timeZone"), "what the cluster left unset is still ours");
        assertEquals(SparkSessionProvider.DELTA_EXTENSION, ours.get("spark.sql.extensions"));
    }

    @Test
    void locally_nothing_is_submitted_and_every_setting_applies() {
        Map<String, String> ours = SparkSessionProvider.sessionSettings(4, new Properties());
        assertEquals("4", ours.get("spark.sql.shuffle.partitions"));
        assertEquals("false", ours.get("spark.ui.enabled"));
        assertEquals("CORRECTED", ours.get("spark.sql.legacy.timeParserPolicy"));
    }
}
