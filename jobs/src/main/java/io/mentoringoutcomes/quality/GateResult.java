package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.config.QualityConfig;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the input gate decided for one night.
 *
 * @param clean    per dataset, tonight's rows that may go on to silver: the contract columns plus
 *                 {@code _batch_id, _run_id, _source_file, _source_line, _ingested_at}; one row per key.
 *                 They read cached frames; call {@link #release()} when the refine is done.
 * @param outcomes every evaluated check (also in {@code ops.dq_results})
 * @param rowCounts per dataset: batch rows, rows passed on, rows held back
 */
public record GateResult(
        String runId,
        String batchId,
        Map<String, Dataset<Row>> clean,
        List<CheckOutcome> outcomes,
        Map<String, Counts> rowCounts,
        boolean blocked,
        List<Dataset<Row>> cachedFrames) {

    public record Counts(long batchRows, long cleanRows, long quarantinedRows) {}

    /** The failed checks whose level blocks publication. */
    public List<CheckOutcome> blockingFailures(QualityConfig cfg) {
        return outcomes.stream().filter(o -> o.blocks(cfg)).toList();
    }

    public List<CheckOutcome> failures() {
        return outcomes.stream().filter(o -> !o.passed()).toList();
    }

    public Dataset<Row> clean(String dataset) {
        Dataset<Row> d = clean.get(dataset);
        if (d == null) {
            throw new NoSuchElementException("no dataset " + dataset + " in the gate result");
        }
        return d;
    }

    public void release() {
        cachedFrames.forEach(Dataset::unpersist);
    }
}
