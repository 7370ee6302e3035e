package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The version and commit metrics the warehouse reads from the Delta log on the driver are those
 * Delta's own DESCRIBE HISTORY reports, after a write, an append and a MERGE; and a frame the
 * warehouse takes into the driver keeps its rows and its nulls.
 */
class WarehouseCommitsTest extends SparkTestBase {

    private static final StructType ROWS = StructType.fromDDL("id STRING, n INT");

    @Test
    void versionAndLastCommitMetricsAreDeltaHistorysOwn(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        String table = "silver.things";
        assertEquals(-1L, wh.version(table));

        wh.overwrite(table, rows(RowFactory.create("a", 1), RowFactory.create("b", 2), RowFactory.create("c", 3)));
        assertEquals(0L, wh.version(table));
        assertEquals(3L, wh.lastCommitMetrics(table).get("numOutputRows"));
        assertEquals(history(wh, table), wh.lastCommitMetrics(table));

        wh.append(table, rows(RowFactory.create("d", 4)));
        assertEquals(1L, wh.version(table));
        assertEquals(1L, wh.lastCommitMetrics(table).get("numOutputRows"));
        assertEquals(history(wh, table), wh.lastCommitMetrics(table));

        // One row updated (b), one inserted (e).
        wh.deltaTable(table)
                .as("t")
                .merge(
                        rows(RowFactory.create("b", 20), RowFactory.create("e", 5))
                                .as("s"),
                        "t.id = s.id")
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute();
        assertEquals(2L, wh.version(table));
        Map<String, Long> merge = wh.lastCommitMetrics(table);
        assertEquals(1L, merge.get("numTargetRowsUpdated"));
        assertEquals(1L, merge.get("numTargetRowsInserted"));
        assertEquals(history(wh, table), merge);
    }

    @Test
    void aFrameTakenIntoTheDriverKeepsItsRowsAndTakesNullsAsDeltaDoes() {
        // count(*) is a column Spark knows is never null, as the metrics' people counts are.
        org.apache.spark.sql.Dataset<Row> counted = rows(
                        RowFactory.create("a", 1), RowFactory.create("a", 2), RowFactory.create("b", 3))
                .groupBy("id")
                .count()
                .orderBy("id");
        assertEquals(false, counted.schema().apply("count").nullable());

        org.apache.spark.sql.Dataset<Row> held = Warehouse.intoDriver(counted);
        assertEquals(List.of(RowFactory.create("a", 2L), RowFactory.create("b", 1L)), held.collectAsList());
        // A suppressed cell is a null: in a frame of the driver's schema it stays null. In one of the
        // count's own schema Spark stores it as 0 without a word, which is why the schema is widened.
        Row kept = spark.createDataFrame(List.of(RowFactory.create("a", null)), held.schema())
                .first();
        assertTrue(kept.isNullAt(1), kept.toString());
        Row lost = spark.createDataFrame(List.of(RowFactory.create("a", null)), counted.schema())
                .first();
        assertEquals(0L, lost.getLong(1));
    }

    private static org.apache.spark.sql.Dataset<Row> rows(Row... rows) {
        return spark.createDataFrame(List.of(rows), ROWS);
    }

    /** The latest commit's metrics as DESCRIBE HISTORY gives them. */
    private static Map<String, Long> history(Warehouse wh, String table) {
        Row last = wh.deltaTable(table).history(1).select("operationMetrics").head();
        Map<String, Long> out = new TreeMap<>();
        last.<String, String>getJavaMap(0).forEach((k, v) -> out.put(k, Long.parseLong(v)));
        return out;
    }
}
