package io.mentoringoutcomes.serve;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.List;
import java.util.Set;

/**
 * Gold served from memory, pinned to one published night: every gold view reads its table
 * {@code VERSION AS OF} that night's version, and each table's rows are cached once in Spark's
 * shared cache, which every client session's query of the view then reads instead of Delta files.
 * A night published later is served from the next start: the read-only guard refuses the
 * server's own reads of {@code ops.pipeline_runs} once armed, so the night cannot be re-read live.
 */
public final class ServedNight {

    private ServedNight() {}

    /**
     * Creates the views of {@code layers} (gold as {@code gold} reads it) into {@code viewsOut} and,
     * when gold is pinned to a night, caches the gold ones.
     */
    public static void start(Warehouse wh, GoldSource gold, Set<String> layers, List<String> viewsOut) {
        viewsOut.addAll(SqlEndpoint.createViews(wh, gold, layers));
        if (!gold.isPinned()) {
            // No publish recorded yet: each query reads the tables' current versions, uncached.
            return;
        }
        SparkSession spark = wh.spark();
        for (String table : gold.tables()) {
            // The same plan as the view's body, so the cache serves the view.
            Dataset<Row> d = spark.sql(gold.viewQuery(table)).persist(StorageLevel.MEMORY_ONLY());
            d.count();
        }
    }
}
