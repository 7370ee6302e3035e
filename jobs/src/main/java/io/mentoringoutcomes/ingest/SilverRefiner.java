package io.mentoringoutcomes.ingest;

import io.delta.tables.DeltaTable;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

/**
 * Bronze batch → {@code silver.<dataset>}: the deduplicated current state, keyed, with exactly
 * the contract's columns. Rows are upserted by key with a Delta MERGE; an unchanged row is not
 * rewritten, so re-running a night changes nothing. For the HRIS snapshot, a delivery replaces
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
        return batch
                .withColumn("_rank", row_number().over(Window.partitionBy(key)
                        .orderBy(col(LandingReader.SOURCE_FILE).desc(), col(LandingReader.SOURCE_LINE).desc())))
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
        String onKey = contract.key().stream()
                .map(k -> "silver." + k + " = incoming." + k)
                .collect(Collectors.joining(" AND "));
        String changed = contract.columnNames().stream()
                .filter(c -> !contract.key().contains(c))
                .map(c -> "NOT (silver." + c + " <=> incoming." + c + ")")
                .collect(Collectors.joining(" OR "));
        // Target is aliased silver, source incoming: updateAll copies incoming's values into silver.
        DeltaTable target = wh.deltaTable(table);
        target.as("silver")
                .merge(incoming.as("incoming"), onKey)
                .whenMatched(changed.isEmpty() ? "false" : changed).updateAll()
                .whenNotMatched().insertAll()
                .execute();
        wh.register(table);
        Map<String, Long> m = wh.lastCommitMetrics(table);
        long inserted = m.getOrDefault("numTargetRowsInserted", 0L);
        long updated = m.getOrDefault("numTargetRowsUpdated", 0L);
        long sourceRows = m.getOrDefault("numSourceRows", 0L);
        return new Outcome(inserted, updated, sourceRows - inserted - updated);
    }
}
