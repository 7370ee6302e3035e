package io.mentoringoutcomes.spark;

import org.apache.spark.sql.SparkSession;

import java.util.Map;

/**
 * The one place a SparkSession is built. Production and tests call the same method, so a
 * setting that matters (time zone, Delta, partitions) cannot differ between them.
 */
public final class SparkSessionProvider {

    /** The session extension every session loads: Delta's SQL (MERGE, VERSION AS OF, ...). */
    public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

    private SparkSessionProvider() {}

    /**
     * @param master Spark master URL, or null to keep what spark-submit set (or local[*] when nothing did)
     * @param shufflePartitions shuffle partitions; small data wants few (2 cores here), clusters more
     */
    public static SparkSession getOrCreate(String master, int shufflePartitions) {
        return builder(master, shufflePartitions).getOrCreate();
    }

    /**
     * The same session on a Hive catalog, which the Thrift Server ({@code serve}) needs, with
     * {@code settings} laid over the common ones (a metastore location, an extra extension).
     */
    public static SparkSession getOrCreateWithHiveCatalog(String master, int shufflePartitions,
                                                          Map<String, String> settings) {
        SparkSession.Builder builder = builder(master, shufflePartitions).enableHiveSupport();
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    private static SparkSession.Builder builder(String master, int shufflePartitions) {
        SparkSession.Builder builder = SparkSession.builder().appName("mentoring-outcomes");
        boolean submitted = System.getProperty("spark.master") != null;
        if (master != null && !master.isBlank()) {
            builder.master(master);
        } else if (!submitted) {
            builder.master("local[*]");
        }
        return builder
                .config("spark.sql.extensions", DELTA_EXTENSION)
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                // Dates and timestamps without a zone are UTC by contract.
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions))
                .config("spark.sql.adaptive.enabled", "true")
                .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
                // Delta's default of 50 snapshot partitions dominates the cost of small tables.
                .config("spark.databricks.delta.snapshotPartitions", "1")
                // Keep gold on the minimal protocol so non-Spark readers open it.
                .config("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")
                .config("spark.databricks.delta.schema.autoMerge.enabled", "false")
                .config("spark.ui.enabled", System.getProperty("mentoring.spark.ui", "false"))
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.ansi.enabled", "false")
                // An unparseable date becomes null (and is quarantined), never a job-killing exception.
                .config("spark.sql.legacy.timeParserPolicy", "CORRECTED");
    }

    /** Shuffle partitions: 4 on local masters, Spark's default of 200 elsewhere unless configured. */
    public static int defaultShufflePartitions(String master) {
        if (master == null || master.isBlank() || master.startsWith("local")) {
            return 4;
        }
        return 200;
    }
}
