package io.mentoringoutcomes.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * How long each layer keeps its history, as Delta table properties. Delta's defaults (30 days of
 * log, 7 days of removed files) would silently make an older night unreadable by
 * {@code --as-reported-on}; gold and ops (which maps nights to gold versions) keep what that option
 * promises, the intermediate layers less.
 *
 * <p>Days per layer come from the Spark conf {@code spark.mentoringoutcomes.retention.<layer>.days}
 * (e.g. {@code --conf spark.mentoringoutcomes.retention.gold.days=730} on spark-submit), else the
 * defaults below.
 */
public final class Retention {

    public static final String LOG_RETENTION = "delta.logRetentionDuration";
    public static final String DELETED_FILE_RETENTION = "delta.deletedFileRetentionDuration";
    public static final String CONF_PREFIX = "spark.mentoringoutcomes.retention.";

    /** Gold is what --as-reported-on shows again: a year and a month by default. */
    public static final int GOLD_DAYS = 400;
    /** Silver is rebuilt from bronze every night: Delta's own log default. */
    public static final int SILVER_DAYS = 30;
    /** Raw and intermediate copies: a week, Delta's minimum for VACUUM without disabling its check. */
    public static final int SHORT_DAYS = 7;

    /** The restricted layers hold people's own values (per-match health, dominance evidence): no longer than needed. */
    private static final Map<String, Integer> DEFAULT_DAYS = Map.of(
            "bronze", SHORT_DAYS,
            "staging", SHORT_DAYS,
            "silver", SILVER_DAYS,
            "gold", GOLD_DAYS,
            "ops", GOLD_DAYS,
            "admin", SHORT_DAYS,
            "evidence", SHORT_DAYS);

    private Retention() {}

    /** Days of history a layer keeps: the Spark conf's value when set, else the default. */
    public static int days(SparkSession spark, String layer) {
        Integer fallback = DEFAULT_DAYS.get(layer);
        if (fallback == null) {
            throw new IllegalArgumentException(
                    "no retention for layer " + layer + "; layers are " + DEFAULT_DAYS.keySet());
        }
        String key = CONF_PREFIX + layer + ".days";
        String value = spark.conf().get(key, null);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        int days;
        try {
            days = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + value + ": expected a whole number of days");
        }
        // Under 7 days VACUUM needs Delta's safety check turned off; over 10 years is a typo.
        if (days < SHORT_DAYS || days > 3650) {
            throw new IllegalArgumentException(key + "=" + value + ": expected between 7 and 3650 days");
        }
        return days;
    }

    /** The table properties for a table of {@code layer}: log and removed files kept equally long. */
    public static Map<String, String> properties(SparkSession spark, String layer) {
        String interval = "interval " + days(spark, layer) + " days";
        Map<String, String> props = new LinkedHashMap<>();
        props.put(LOG_RETENTION, interval);
        props.put(DELETED_FILE_RETENTION, interval);
        return props;
    }
}
