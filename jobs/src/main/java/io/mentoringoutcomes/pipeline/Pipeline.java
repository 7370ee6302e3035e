package io.mentoringoutcomes.pipeline;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.ingest.IngestJob;
import io.mentoringoutcomes.ingest.SilverRefiner;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;

/**
 * The nightly flow, stage by stage: landing → bronze → (quality gate) → silver → gold staging →
 * audit → gold. Each stage is callable alone (Airflow runs them as separate tasks) and records
 * itself in {@code ops.pipeline_runs}.
 */
public final class Pipeline {

    public static final int OK = 0;
    public static final int BLOCKED = 3;

    private Pipeline() {}

    public static int ingest(RunContext ctx, Contract contract) {
        Instant started = Instant.now();
        IngestJob.Result result = IngestJob.run(ctx, contract);
        List<String> blocking = result.blockingProblems(contract);
        Map<String, Object> details = new LinkedHashMap<>();
        result.datasets().forEach((name, a) -> details.put(name, Map.of(
                "rows_read", a.rowsRead(), "rows_to_bronze", a.rowsToBronze(), "rows_quarantined", a.rowsQuarantined())));
        details.put("blocking_problems", blocking);
        PipelineRuns.record(ctx, "ingest", blocking.isEmpty() ? "succeeded" : "blocked", started, details);
        if (!blocking.isEmpty()) {
            System.err.println("ingest blocked publication:");
            blocking.forEach(p -> System.err.println("  - " + p));
            return BLOCKED;
        }
        return OK;
    }

    /** Tonight's bronze rows of a dataset (empty when it was not delivered). */
    public static Dataset<Row> bronzeBatch(RunContext ctx, DatasetContract dataset) {
        Warehouse wh = ctx.warehouse();
        String table = IngestJob.bronzeTable(dataset.dataset());
        return wh.readIfExists(table)
                .map(df -> df.filter(col(IngestJob.BATCH_ID).equalTo(ctx.batchId())))
                .orElse(null);
    }

    /** Bronze batch → silver for every delivered dataset, given the rows the gate let through. */
    public static Map<String, SilverRefiner.Outcome> refine(RunContext ctx, Contract contract,
                                                            Map<String, Dataset<Row>> cleanBatches) {
        StageLog log = StageLog.start("refine", "bronze -> silver");
        Map<String, SilverRefiner.Outcome> outcomes = new LinkedHashMap<>();
        for (DatasetContract dataset : contract.datasets()) {
            Dataset<Row> clean = cleanBatches.get(dataset.dataset());
            if (clean == null) {
                continue;
            }
            SilverRefiner.Outcome o = SilverRefiner.refine(ctx.warehouse(), dataset, clean);
            outcomes.put(dataset.dataset(), o);
            log.info(String.format("%-16s inserted %8s, updated %8s, unchanged %8s", dataset.dataset(),
                    StageLog.count(o.inserted()), StageLog.count(o.updated()), StageLog.count(o.unchanged())));
        }
        log.done("silver refreshed");
        return outcomes;
    }
}
