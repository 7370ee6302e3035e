package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Bronze batch → {@code silver.<dataset>}: the deduplicated current state, keyed, with exactly
 * the contract's columns. New and changed rows are upserted by key with a Delta MERGE; rows equal
 * to silver never reach it, so re-running a night commits nothing. For the HRIS snapshot, a delivery replaces
 * the state of everyone it contains, and people missing from it keep their last known state,
 * so a leaver's termination stays known.
 */
public final class SilverRefiner {

    /** What the MERGE did. */
    public record Outcome(long inserted, long updated, long unchanged) {}

    private SilverRefiner() {}

    public static String silverTable(String dataset) {
        return "silver." + dataset;
    }

    /**
     * Keeps, per key, the last row in delivery order (file, then line). The quality gate has
     * already quarantined the duplicates; this guards MERGE, which refuses ambiguous sources.
     */
    public static Dataset<Row> latestPerKey(Dataset<Row> batch, DatasetContract contract) {
        Column[] key = contract.key().stream().map(k -> col(k)).toArray(Column[]::new);
        return batch.withColumn(
                        "_rank",
                        row_number()
                                .over(Window.partitionBy(key)
                                        .orderBy(
                                                col(LandingReader.SOURCE_FILE).desc(),
                                                col(LandingReader.SOURCE_LINE).desc())))
                .filter(col("_rank").equalTo(1))
                .select(contract.columnNames().stream().map(c -> col(c)).toArray(Column[]::new));
    }

    public static Outcome refine(Warehouse wh, DatasetContract contract, Dataset<Row> cleanBatch) {
        String table = silverTable(contract.dataset());
        Dataset<Row> incoming = latestPerKey(cleanBatch, contract);
        if (!wh.exists(table)) {
            wh.overwrite(table, incoming.select(contract.describedColumns()));
            long inserted = wh.lastCommitMetrics(table).getOrDefault("numOutputRows", 0L);
            return new Outcome(inserted, 0, 0);
        }
        // Only rows that are new or differ from silver go into the MERGE. A MERGE copies every
        // file holding a matched key even when its update condition is false (Delta then reports
        // numTargetRowsCopied and removes and adds the files), so an unchanged night must not
        // reach it at all. EXCEPT compares whole rows, nulls equal.
        Column[] columns = contract.columnNames().stream().map(c -> col(c)).toArray(Column[]::new);
        Dataset<Row> changedRows =
                incoming.select(columns).except(wh.read(table).select(columns)).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long incomingRows = incoming.count();
            if (changedRows.isEmpty()) {
                wh.register(table);
                return new Outcome(0, 0, incomingRows);
            }
            String onKey = contract.key().stream()
                    .map(k -> "silver." + k + " = incoming." + k)
                    .collect(Collectors.joining(" AND "));
            // Target is aliased silver, source incoming: updateAll copies incoming's values into silver.
            wh.deltaTable(table)
                    .as("silver")
                    .merge(changedRows.as("incoming"), onKey)
                    .whenMatched()
                    .updateAll()
                    .whenNotMatched()
                    .insertAll()
                    .execute();
            wh.register(table);
            Map<String, Long> m = wh.lastCommitMetrics(table);
            long inserted = m.getOrDefault("numTargetRowsInserted", 0L);
            long updated = m.getOrDefault("numTargetRowsUpdated", 0L);
            return new Outcome(inserted, updated, incomingRows - inserted - updated);
        } finally {
            changedRows.unpersist();
        }
    }
}
