package io.mentoringoutcomes.serve;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Gold served from memory, pinned to one published night: every gold view reads its table
 * {@code VERSION AS OF} that night's version, and its rows are read once and held on the driver
 * ({@link ServedRelations}; Spark's cache for a table too large for that), so a query needs
 * neither Delta files nor, mostly, a Spark job. A watcher looks for a newer published night every
 * few seconds; it reads the new night in full first, then repoints the views, then forgets the
 * remembered answers ({@link ResultCache}) and drops the old night's rows. {@link NightConsistency}
 * refuses a statement that caught views of two nights while they were being repointed, so no
 * answer ever mixes nights.
 */
public final class ServedNight implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServedNight.class);

    /** The gold versions of the night being served, and of the one before (queries analysed mid-swap). */
    record Nights(Map<String, Long> current, Map<String, Long> previous) {}

    private static final AtomicReference<Nights> SERVED = new AtomicReference<>();

    private final Warehouse wh;
    private final Set<String> layers;
    private volatile GoldSource gold;
    private final List<Dataset<Row>> cached = new ArrayList<>();
    private ScheduledExecutorService watcher;

    private ServedNight(Warehouse wh, GoldSource gold, Set<String> layers) {
        this.wh = wh;
        this.gold = gold;
        this.layers = layers;
    }

    /** Creates the views of {@code gold} and caches the gold ones; returns the served night. */
    public static ServedNight start(Warehouse wh, GoldSource gold, Set<String> layers, List<String> viewsOut) {
        ServedNight night = new ServedNight(wh, gold, layers);
        viewsOut.addAll(SqlEndpoint.createViews(wh, gold, layers));
        if (gold.isPinned()) {
            // Unpinned (no publish recorded yet), each query reads the tables' current versions.
            night.cacheGold();
            SERVED.set(new Nights(versions(gold), Map.of()));
        }
        return night;
    }

    private static Map<String, Long> versions(GoldSource source) {
        Map<String, Long> versions = new LinkedHashMap<>();
        for (String table : source.tables()) {
            versions.put(table, source.version(table));
        }
        return versions;
    }

    private void cacheGold() {
        Held held = hold(wh.spark(), gold);
        ServedRelations.add(held.local());
        cached.addAll(held.sparkCached());
    }

    /**
     * A night's gold in memory: each table's rows on the driver ({@link ServedRelations}), or in
     * Spark's cache when it is too large for that; and each table's columns.
     */
    private record Held(
            Map<String, org.apache.spark.sql.catalyst.plans.logical.LocalRelation> local,
            List<Dataset<Row>> sparkCached,
            Map<String, StructType> schemas) {
        void release() {
            sparkCached.forEach(Dataset::unpersist);
        }
    }

    private static Held hold(SparkSession spark, GoldSource night) {
        Map<String, org.apache.spark.sql.catalyst.plans.logical.LocalRelation> local = new LinkedHashMap<>();
        List<Dataset<Row>> sparkCached = new ArrayList<>();
        Map<String, StructType> schemas = new LinkedHashMap<>();
        for (String table : night.tables()) {
            String text = night.viewQuery(table);
            Dataset<Row> d = spark.sql(text);
            schemas.put(table, d.schema());
            var rows = ServedRelations.collect(d);
            if (rows != null) {
                local.put(text, rows);
            } else {
                d.persist(StorageLevel.MEMORY_ONLY()).count();
                sparkCached.add(d);
            }
        }
        return new Held(local, sparkCached, schemas);
    }

    /** Looks for a newer published night every {@code seconds}, from now on. */
    public void watch(int seconds) {
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "serve-night-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(
                () -> {
                    try {
                        refresh();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "[serve] WARNING cannot check for a newly published night (still serving {}): {}",
                                gold.describe(),
                                e.getMessage());
                    }
                },
                seconds,
                seconds,
                TimeUnit.SECONDS);
    }

    /** Swaps to the latest published night when it differs from the served one; true when it did. */
    public synchronized boolean refresh() {
        // The server's own reads (ops tables, gold by version) are outside what clients may run.
        return ReadOnlyGuard.asServer(this::swapToLatest);
    }

    /** What the published nights were read from at the last full check; a refresh that sees it unchanged does nothing. */
    private String checkedPointer = null;

    private boolean swapToLatest() {
        // Every few seconds for as long as serve runs: one listing of a Delta log on the driver
        // (Warehouse.version), no Spark job.
        // The night is read only when a commit has appeared there since the last look.
        String pointer = pointer(wh);
        if (pointer.equals(checkedPointer)) {
            return false;
        }
        boolean swapped = swapTo(GoldSource.latestPublished(wh));
        checkedPointer = pointer; // not on failure: the next refresh tries again
        return swapped;
    }

    /**
     * Where the latest published night is recorded, with that log's latest commit: the publication
     * pointer, or, in a warehouse published before the pointer existed, ops.pipeline_runs (as
     * {@link io.mentoringoutcomes.publish.PublishedNights} reads them).
     */
    static String pointer(Warehouse wh) {
        long publications = wh.version(io.mentoringoutcomes.publish.Publications.TABLE);
        return publications >= 0
                ? "publications@" + publications
                : "pipeline_runs@" + wh.version(io.mentoringoutcomes.runs.PipelineRuns.TABLE);
    }

    private boolean swapTo(GoldSource latest) {
        if (!latest.isPinned() || (gold.isPinned() && versions(latest).equals(versions(gold)))) {
            return false;
        }
        SparkSession spark = wh.spark();
        // 1. The new night, held in memory in full, while the views still serve the old one.
        Held fresh = hold(spark, latest);
        // A night that changed a table's columns needs new view definitions: a restart, not a swap.
        for (String table : latest.tables()) {
            // The columns clients see now: the analysed view (the catalog's stored schema is empty
            // for views in Spark's in-memory catalog).
            StructType served = spark.table(table).schema();
            if (!sameColumns(served, fresh.schemas().get(table))) {
                fresh.release();
                LOG.warn(
                        "[serve] WARNING the night {} changed the columns of {}: restart serve to serve it ({} -> {})",
                        latest.describe(),
                        table,
                        served.simpleString(),
                        fresh.schemas().get(table).simpleString());
                return false;
            }
        }
        // 2. Both nights' rows are held while the views are repointed, through the catalog (the
        // read-only guard refuses DDL in SQL); a statement analysed meanwhile is checked by
        // NightConsistency, and results remembered for the old night are no longer answered.
        ServedRelations.add(fresh.local());
        Nights before = SERVED.get();
        SERVED.set(new Nights(versions(latest), before == null ? Map.of() : before.current()));
        for (String table : latest.tables()) {
            repoint(spark, table, latest.viewQuery(table));
        }
        ResultCache.clear();
        // 3. The old night's memory back.
        ServedRelations.retain(fresh.local().keySet());
        cached.forEach(Dataset::unpersist);
        cached.clear();
        cached.addAll(fresh.sparkCached());
        LOG.info(
                "[serve] now serving gold {} (was {}; {} remembered answers given so far)",
                latest.describe(),
                gold.describe(),
                ResultCache.hits());
        gold = latest;
        return true;
    }

    public String describe() {
        return gold.describe();
    }

    private static TableIdentifier identifier(String table) {
        String[] parts = table.split("\\.", 2);
        return new TableIdentifier(parts[1], Option.apply(parts[0]));
    }

    private static CatalogTable metadata(SparkSession spark, String table) {
        try {
            return spark.sessionState().catalog().getTableMetadata(identifier(table));
        } catch (Exception e) { // Scala's checked NoSuchDatabaseException/NoSuchTableException
            throw new IllegalStateException("the view " + table + " is gone: " + e.getMessage(), e);
        }
    }

    private static boolean sameColumns(StructType a, StructType b) {
        if (a.fields().length != b.fields().length) {
            return false;
        }
        for (int i = 0; i < a.fields().length; i++) {
            if (!a.fields()[i].name().equals(b.fields()[i].name())
                    || !a.fields()[i].dataType().sameType(b.fields()[i].dataType())) {
                return false;
            }
        }
        return true;
    }

    /** The view {@code table} reads {@code query} from now on; its columns and comments stay. */
    private static void repoint(SparkSession spark, String table, String query) {
        CatalogTable v = metadata(spark, table);
        CatalogTable moved = v.copy(
                v.identifier(),
                v.tableType(),
                v.storage(),
                v.schema(),
                v.provider(),
                v.partitionColumnNames(),
                v.bucketSpec(),
                v.owner(),
                v.createTime(),
                v.lastAccessTime(),
                v.createVersion(),
                v.properties(),
                v.stats(),
                Option.apply(query),
                v.comment(),
                v.unsupportedFeatures(),
                v.tracksPartitionsInCatalog(),
                v.schemaPreservesCase(),
                v.ignoredProperties(),
                Option.apply(query));
        spark.sessionState().catalog().alterTable(moved);
    }

    /** Whether the {@code table → version} pairs one statement read all belong to one served night. */
    static boolean oneNight(Map<String, Long> seen) {
        Nights nights = SERVED.get();
        if (nights == null || seen.isEmpty()) {
            return true;
        }
        return matches(seen, nights.current()) || matches(seen, nights.previous());
    }

    private static boolean matches(Map<String, Long> seen, Map<String, Long> night) {
        for (Map.Entry<String, Long> e : seen.entrySet()) {
            if (!e.getValue().equals(night.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }
}
