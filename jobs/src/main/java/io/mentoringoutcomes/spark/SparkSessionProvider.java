package io.mentoringoutcomes.spark;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one place a SparkSession is built. Production and tests call the same method, so a
 * setting that matters (time zone, Delta, partitions) cannot differ between them.
 */
public final class SparkSessionProvider {

    /** The session extension every session loads: Delta's SQL (MERGE, VERSION AS OF, ...). */
    public static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

    /** Tasks of a parallel file listing (Delta's VACUUM, Spark's partition discovery). */
    public static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

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
    public static SparkSession getOrCreateWithHiveCatalog(
            String master, int shufflePartitions, Map<String, String> settings) {
        SparkSession.Builder builder = builder(master, shufflePartitions).enableHiveSupport();
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }

    private static SparkSession.Builder builder(String master, int shufflePartitions) {
        SparkSession.Builder builder = SparkSession.builder().appName("mentoring-outcomes");
        // The caller's master, else what spark-submit set, else local[*].
        String effective =
                master != null && !master.isBlank() ? master : System.getProperty("spark.master", "local[*]");
        builder.master(effective);
        sessionSettings(shufflePartitions, System.getProperties()).forEach(builder::config);
        if (effective.startsWith("local")) {
            localSettings(System.getProperties()).forEach(builder::config);
        }
        return builder;
    }

    /**
     * Settings for a local master only, where driver and executors are this JVM: the local file
     * system without a child process per file ({@link LocalFileSystemWithoutForks}; it changes
     * no file's content or mode, only how the mode is set). On a cluster the executors would have
     * to load the class from the application jar before any task ran, and the warehouse is rarely
     * {@code file:} there, so a cluster keeps Hadoop's. And file listings in as many tasks as cores:
     * a cluster keeps Spark's 10,000 (or the platform's), sized for object stores. What
     * spark-submit set wins, as above.
     */
    static java.util.Map<String, String> localSettings(java.util.Properties submitted) {
        java.util.Map<String, String> local = new java.util.LinkedHashMap<>();
        local.put("spark.hadoop.fs.file.impl", LocalFileSystemWithoutForks.class.getName());
        local.put("spark.hadoop.fs.AbstractFileSystem.file.impl", LocalFileSystemWithoutForks.Fs.class.getName());
        // Delta's VACUUM repartitions its file listing into this many tasks (Spark's default 10,000,
        // sized for object stores): on a local master that was 50-60 s of empty tasks per table,
        // against 2-3 s with one task per core. Spark's own parallel listing takes min(paths, this).
        local.put(
                LISTING_PARALLELISM,
                String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
        local.keySet().removeIf(submitted::containsKey);
        return local;
    }

    /**
     * The settings this product gives every session, minus those spark-submit's {@code --conf} (or
     * spark-defaults.conf) already set, which reach the driver as system properties: on a cluster
     * the platform team's tuning wins. What the figures depend on is not tuning and is always set:
     * Delta's extension and catalog, UTC (the contract's dates), non-ANSI parsing with the CORRECTED
     * time parser (a bad value is quarantined, never a failed job), and Delta's table defaults that
     * keep gold on the minimal protocol with no silent schema merge.
     */
    static java.util.Map<String, String> sessionSettings(int shufflePartitions, java.util.Properties submitted) {
        java.util.Map<String, String> ours = new java.util.LinkedHashMap<>();
        ours.put("spark.sql.extensions", DELTA_EXTENSION);
        ours.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
        // Dates and timestamps without a zone are UTC by contract: another zone moves time zero and index months.
        ours.put("spark.sql.session.timeZone", "UTC");
        ours.put("spark.sql.ansi.enabled", "false");
        // An unparseable date becomes null (and is quarantined), never a job-killing exception.
        ours.put("spark.sql.legacy.timeParserPolicy", "CORRECTED");
        // Keep gold on the minimal protocol so non-Spark readers open it.
        ours.put("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false");
        ours.put("spark.databricks.delta.schema.autoMerge.enabled", "false");
        java.util.Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put("spark.sql.shuffle.partitions", String.valueOf(shufflePartitions));
        defaults.put("spark.sql.adaptive.enabled", "true");
        defaults.put("spark.sql.adaptive.coalescePartitions.enabled", "true");
        // Blocks that leave memory (a checkpointed cohort frame larger than storage memory spills to
        // disk) are read back row by row: Java serialization spent a quarter of the 200,000-employee
        // night's executor time in ObjectInputStream; Kryo writes an UnsafeRow as its bytes.
        defaults.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        // Delta's default of 50 snapshot partitions dominates the cost of small tables.
        defaults.put("spark.databricks.delta.snapshotPartitions", "1");
        defaults.put("spark.ui.enabled", System.getProperty("mentoring.spark.ui", "false"));
        defaults.put("spark.ui.showConsoleProgress", "false");
        // s3a:// warehouses: keep directory markers instead of deleting every parent's marker after
        // each file written (a bulk DELETE per file; on S3Proxy's filesystem backend each one stalled
        // a commit for minutes). Safe with Hadoop 3.2.2+/3.3.1+ clients; Spark 3.5 brings 3.3.4.
        defaults.put("spark.hadoop.fs.s3a.directory.marker.retention", "keep");
        defaults.forEach((k, v) -> {
            if (!submitted.containsKey(k)) {
                ours.put(k, v);
            }
        });
        return ours;
    }

    /** Shuffle partitions: 4 on local masters, Spark's default of 200 elsewhere unless configured. */
    public static int defaultShufflePartitions(String master) {
        if (master == null || master.isBlank() || master.startsWith("local")) {
            return 4;
        }
        return 200;
    }
}
