package io.mentoringoutcomes.spark;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The one place that reads and writes Delta. A table {@code layer.noun} lives at
 * {@code <warehouse>/<layer>/<noun>}; any Hadoop path works (local folder, s3a://, hdfs://).
 * Tables are registered in the session catalog so SQL can name them {@code silver.meetings}.
 */
public final class Warehouse {

    public static final List<String> LAYERS = List.of("bronze", "silver", "staging", "gold", "ops");
    /**
     * Layers outside {@link #LAYERS}: never registered for SQL, never served. {@code admin}: per-match data
     * for program admins; {@code evidence}: what the output audit re-judges a rule on (people's own values).
     */
    public static final List<String> RESTRICTED_LAYERS = List.of("admin", "evidence");

    private static final int WRITE_ATTEMPTS = 3;

    private final SparkSession spark;
    private final String root;

    public Warehouse(SparkSession spark, String root) {
        this.spark = spark;
        this.root = stripTrailingSlash(toUri(root));
    }

    public SparkSession spark() {
        return spark;
    }

    public String root() {
        return root;
    }

    public String path(String table) {
        String[] parts = split(table);
        return root + "/" + parts[0] + "/" + parts[1];
    }

    /** {@code table} named by its location, as SQL reads a Delta table by path: {@code delta.`/w/gold/x`}. */
    public String pathIdentifier(String table) {
        return "delta.`" + path(table).replace("`", "``") + "`";
    }

    public boolean exists(String table) {
        return DeltaTable.isDeltaTable(spark, path(table));
    }

    public Dataset<Row> read(String table) {
        return spark.read().format("delta").load(path(table));
    }

    /**
     * A small table read once into the driver, as an in-memory frame: every later use of it is a local
     * scan of these rows, with no Delta log or file listing behind it, and it cannot change under the
     * caller. For aggregates only (staging, gold): the rows must fit in the driver's heap.
     */
    public Dataset<Row> readIntoDriver(String table) {
        return intoDriver(read(table));
    }

    /**
     * A frame computed once into the driver, with every column nullable as Delta stores it. (A column
     * Spark knows cannot be null, such as a count, would otherwise stay non-nullable, and a null put in
     * it later, a suppressed cell, would silently become 0.)
     */
    public static Dataset<Row> intoDriver(Dataset<Row> df) {
        StructType nullable = new StructType(Arrays.stream(df.schema().fields())
                .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
                .toArray(StructField[]::new));
        return df.sparkSession().createDataFrame(df.collectAsList(), nullable);
    }

    public Optional<Dataset<Row>> readIfExists(String table) {
        return exists(table) ? Optional.of(read(table)) : Optional.empty();
    }

    /** The table as it was at a Delta version (time travel). */
    public Dataset<Row> readVersion(String table, long version) {
        return spark.read().format("delta").option("versionAsOf", version).load(path(table));
    }

    public DeltaTable deltaTable(String table) {
        return DeltaTable.forPath(spark, path(table));
    }

    /** Latest Delta version of a table, or -1 when it does not exist yet. */
    public long version(String table) {
        if (!exists(table)) {
            return -1L;
        }
        // From the log listing on the driver: DESCRIBE HISTORY would run a Spark job per call.
        return latestSnapshot(table).version();
    }

    /** Delta's operation metrics of the table's latest commit (numOutputRows, numTargetRowsInserted, ...). */
    public Map<String, Long> lastCommitMetrics(String table) {
        // The commit's own file, read on the driver (DESCRIBE HISTORY would run a Spark job).
        DeltaLog log = DeltaLog.forTable(spark, path(table));
        long version = latestSnapshot(table).version();
        Map<String, Long> metrics = new java.util.TreeMap<>();
        scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes =
                log.getChanges(version, log.getChanges$default$2());
        if (changes.hasNext()) {
            scala.collection.Iterator<Action> actions = changes.next()._2().iterator();
            while (actions.hasNext()) {
                if (actions.next() instanceof CommitInfo info
                        && info.operationMetrics().isDefined()) {
                    scala.collection.JavaConverters.mapAsJavaMap(
                                    info.operationMetrics().get())
                            .forEach((k, v) -> metrics.put(k, Long.parseLong(v)));
                }
            }
        }
        return metrics;
    }

    private Snapshot latestSnapshot(String table) {
        DeltaLog log = DeltaLog.forTable(spark, path(table));
        return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
    }

    /** Replaces the table's contents (schema included) in one Delta commit. */
    public void overwrite(String table, Dataset<Row> data) {
        write(table, data, SaveMode.Overwrite, Map.of("overwriteSchema", "true"));
    }

    public void append(String table, Dataset<Row> data) {
        write(table, data, SaveMode.Append, Map.of("mergeSchema", "false"));
    }

    /**
     * Appends, adding the data's new columns to the table (older rows read them as null): for
     * the ops tables, which gain columns as the product grows and must keep every night they hold.
     */
    public void appendAddingColumns(String table, Dataset<Row> data) {
        write(table, data, SaveMode.Append, Map.of("mergeSchema", "true"));
    }

    /** Replaces only the rows matching {@code predicate}: an idempotent re-run of one batch. */
    public void replaceWhere(String table, Dataset<Row> data, String predicate) {
        if (!exists(table)) {
            append(table, data);
            return;
        }
        write(table, data, SaveMode.Overwrite, Map.of("replaceWhere", predicate));
    }

    /** Puts the table's content back as it was at {@code version}, as a new commit (Delta RESTORE). */
    public void restore(String table, long version) {
        deltaTable(table).restoreToVersion(version);
    }

    /**
     * Sets the layer's retention properties ({@link Retention}) when the table's differ; true when
     * it changed them (one Delta commit). New tables get them in their first commit already.
     */
    public boolean applyRetention(String table) {
        Map<String, String> want = Retention.properties(spark, split(table)[0]);
        Map<String, String> have = properties(table);
        if (want.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())))) {
            return false;
        }
        StringBuilder set = new StringBuilder();
        // keys and values come from Retention (fixed keys, whole numbers of days), never from input
        want.forEach((k, v) -> set.append(set.length() == 0 ? "" : ", ")
                .append("'")
                .append(k)
                .append("' = '")
                .append(v)
                .append("'"));
        spark.sql("ALTER TABLE " + pathIdentifier(table) + " SET TBLPROPERTIES (" + set + ")");
        return true;
    }

    /** The table's Delta table properties. */
    public Map<String, String> properties(String table) {
        Row detail = deltaTable(table).detail().select("properties").head();
        return detail.isNullAt(0) ? Map.of() : new java.util.TreeMap<>(detail.<String, String>getJavaMap(0));
    }

    /** OPTIMIZE (bin-packing compaction); the number of files it removed (0: nothing to compact, no commit). */
    public long optimize(String table) {
        Row metrics = deltaTable(table)
                .optimize()
                .executeCompaction()
                .select("metrics.numFilesRemoved")
                .head();
        return metrics.isNullAt(0) ? 0L : metrics.getLong(0);
    }

    /** VACUUM within the table's own deletedFileRetentionDuration: removed files older than it are deleted. */
    public void vacuum(String table) {
        deltaTable(table).vacuum();
    }

    /**
     * Writes with retries: concurrent commits on object stores fail with a retryable
     * conflict, and a nightly batch should not die of one. A new table gets its layer's
     * retention properties in its first commit.
     */
    private void write(String table, Dataset<Row> data, SaveMode mode, Map<String, String> options) {
        RuntimeException last = null;
        Map<String, String> all = options;
        if (!exists(table)) {
            all = new java.util.HashMap<>(options);
            all.putAll(Retention.properties(spark, split(table)[0]));
        }
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            try {
                data.write().format("delta").mode(mode).options(all).save(path(table));
                if (LAYERS.contains(split(table)[0])) {
                    register(table); // a restricted layer's tables stay out of SQL, in this session too
                }
                return;
            } catch (RuntimeException e) {
                if (!isRetryable(e)) {
                    throw e;
                }
                last = e;
                sleepQuietly(500L * attempt);
            }
        }
        throw last;
    }

    /**
     * Every Delta write conflict (concurrent append, delete, transaction, and also a concurrent
     * metadata or protocol change) extends {@link java.util.ConcurrentModificationException}; a
     * retry re-plans the write against the new snapshot, so each of them is worth another attempt.
     * Matching the type, not names, keeps MetadataChangedException and ProtocolChangedException in.
     */
    static boolean isRetryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.ConcurrentModificationException) {
                return true;
            }
        }
        return false;
    }

    /** What this JVM's catalog points each name at: registering again is then free. */
    private static final java.util.concurrent.ConcurrentMap<String, String> REGISTERED =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Registers {@code layer.noun} in the session catalog, pointing at the Delta location. A name
     * registered for another warehouse earlier in this session is re-pointed (the tables are
     * external, so dropping the name never touches data).
     */
    public void register(String table) {
        String location = path(table);
        String key = System.identityHashCode(spark.sharedState()) + ":" + table;
        String[] parts = split(table);
        if (spark.catalog().tableExists(parts[0], parts[1])) {
            if (!"VIEW".equals(registrationType(table)) && location.equals(REGISTERED.get(key))) {
                return;
            }
            // Another warehouse's table or a pinned view (--as-reported-on) holds the name.
            unregister(table);
        }
        if (!spark.catalog().databaseExists(parts[0])) {
            spark.sql("CREATE DATABASE IF NOT EXISTS " + quoteIdentifier(parts[0]));
        }
        // The catalog API takes the location as a value, so no SQL is built from the path: a
        // warehouse under "it's %20/" registers like any other. A "path" option makes it external.
        spark.catalog()
                .createTable(
                        quoteIdentifier(parts[0]) + "." + quoteIdentifier(parts[1]), "delta", Map.of("path", location));
        REGISTERED.put(key, location);
    }

    /**
     * Frees the name {@code table} in the session catalog: drops a view or an external table
     * (metadata only, never data); refuses a managed table, whose drop would delete data.
     */
    public void unregister(String table) {
        String[] parts = split(table);
        if (!spark.catalog().tableExists(parts[0], parts[1])) {
            return;
        }
        String type = registrationType(table);
        String name = quoteIdentifier(parts[0]) + "." + quoteIdentifier(parts[1]);
        switch (type) {
            case "VIEW" -> spark.sql("DROP VIEW " + name);
            case "EXTERNAL" -> spark.sql("DROP TABLE " + name);
            default ->
                throw new IllegalStateException(
                        table + " is registered as a " + type + " table in this session; refusing to drop it");
        }
        REGISTERED.remove(System.identityHashCode(spark.sharedState()) + ":" + table);
    }

    /** A SQL identifier in backticks, a backtick inside doubled: {@code a`b} becomes {@code `a``b`}. */
    public static String quoteIdentifier(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private String registrationType(String table) {
        try {
            String[] parts = split(table);
            return spark.catalog().getTable(parts[0], parts[1]).tableType();
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new IllegalStateException("cannot inspect " + table + " in the session catalog", e);
        }
    }

    /** Registers every Delta table found under the warehouse, so SQL can name all of them. */
    public List<String> registerAll() {
        List<String> found = new ArrayList<>();
        for (String layer : LAYERS) {
            for (String noun : listDirectories(root + "/" + layer)) {
                String table = layer + "." + noun;
                if (isNoun(noun) && exists(table)) {
                    register(table);
                    found.add(table);
                }
            }
        }
        return found;
    }

    public List<String> tables(String layer) {
        List<String> out = new ArrayList<>();
        for (String noun : listDirectories(root + "/" + layer)) {
            if (isNoun(noun) && exists(layer + "." + noun)) {
                out.add(layer + "." + noun);
            }
        }
        return out;
    }

    private List<String> listDirectories(String dir) {
        List<String> names = new ArrayList<>();
        try {
            Path path = new Path(dir);
            FileSystem fs = path.getFileSystem(hadoopConf());
            if (!fs.exists(path)) {
                return names;
            }
            for (FileStatus status : fs.listStatus(path)) {
                if (status.isDirectory() && !status.getPath().getName().startsWith("_")) {
                    names.add(status.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        names.sort(String::compareTo);
        return names;
    }

    public Configuration hadoopConf() {
        return spark.sparkContext().hadoopConfiguration();
    }

    /** A table's noun: snake_case, as every table of the pipeline is named; a folder named otherwise is not a table. */
    private static final java.util.regex.Pattern NOUN = java.util.regex.Pattern.compile("[a-z][a-z0-9_]{0,127}");

    static boolean isNoun(String noun) {
        return NOUN.matcher(noun).matches();
    }

    static String[] split(String table) {
        String[] parts = table.split("\\.", -1);
        if (parts.length != 2
                || !(LAYERS.contains(parts[0]) || RESTRICTED_LAYERS.contains(parts[0]))
                || !isNoun(parts[1])) {
            throw new IllegalArgumentException("table names are layer.noun with layer in " + LAYERS + " (or "
                    + RESTRICTED_LAYERS + ") and a snake_case noun: " + table);
        }
        return parts;
    }

    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    /**
     * A bare local path becomes an absolute {@code file:} path; locations with a scheme are kept.
     * The result is a Hadoop path string, which is not URI-encoded: a folder named {@code it's %20}
     * stays {@code file:/…/it's %20}, where a URI's {@code it's%20%2520} would be taken literally by
     * Hadoop and name another folder.
     */
    public static String toUri(String location) {
        if (SCHEME.matcher(location).find()) {
            return location; // s3a://, hdfs://, file:/ — a one-letter "scheme" is a Windows drive
        }
        return new Path(java.nio.file.Path.of(location)
                        .toAbsolutePath()
                        .normalize()
                        .toUri())
                .toString();
    }

    private static String stripTrailingSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
