package io.mentoringoutcomes.pipeline;

import static org.apache.spark.sql.functions.col;

import io.mentoringoutcomes.config.MetricsConfig;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.ingest.IngestJob;
import io.mentoringoutcomes.ingest.SilverRefiner;
import io.mentoringoutcomes.metrics.MetricsJob;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.publish.Publications;
import io.mentoringoutcomes.publish.Publisher;
import io.mentoringoutcomes.quality.CheckOutcome;
import io.mentoringoutcomes.quality.GateResult;
import io.mentoringoutcomes.quality.OutputAudit;
import io.mentoringoutcomes.quality.QualityGate;
import io.mentoringoutcomes.quality.QualityReport;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.runs.StageLog;
import io.mentoringoutcomes.spark.Warehouse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The nightly flow, stage by stage: landing → bronze → (quality gate) → silver → gold staging →
 * audit → gold. Each stage is callable alone (Airflow runs them as separate tasks) and records
 * itself in {@code ops.pipeline_runs}: a {@code started} row first, then how it ended.
 */
public final class Pipeline {

    public static final int OK = 0;
    public static final int BLOCKED = 3;

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** MDC keys of every log line a stage emits: the night as ops.pipeline_runs records it. */
    public static final String MDC_RUN_ID = "run_id";

    public static final String MDC_STAGE = "stage";
    public static final String MDC_AS_OF = "as_of";

    private Pipeline() {}

    /** One stage's name and exit code, and how long it took: what {@link #runAll} reports. */
    public interface StageObserver {
        void stageDone(String stage, int exitCode, double seconds);
    }

    /**
     * ingest → quality → metrics → publish, stopping at the first stage that does not succeed.
     * Returns the last stage's exit code ({@link #OK} when gold was published).
     */
    public static int runAll(
            RunContext ctx, Contract contract, QualityConfig quality, MetricsConfig metrics, StageObserver observer) {
        // The night's own start row, before its first stage: a run killed anywhere shows as unfinished.
        return recorded(ctx, "run", () -> {
            Instant started = Instant.now();
            int code = timed("ingest", () -> ingest(ctx, contract), observer);
            code = code != OK ? code : timed("quality", () -> quality(ctx, contract, quality), observer);
            code = code != OK ? code : timed("metrics", () -> metrics(ctx, metrics), observer);
            code = code != OK ? code : timed("publish", () -> publish(ctx, quality), observer);
            PipelineRuns.record(ctx, "run", code == OK ? "succeeded" : "blocked", started, Map.of("exit_code", code));
            return code;
        });
    }

    private static int timed(String stage, IntSupplier body, StageObserver observer) {
        long start = System.nanoTime();
        int code = body.getAsInt();
        observer.stageDone(stage, code, Math.round((System.nanoTime() - start) / 1e8) / 10.0);
        return code;
    }

    /**
     * Runs a stage's body; a stage that throws is recorded in {@code ops.pipeline_runs} as
     * {@code failed} with its error before the exception goes on, so every run's row is there.
     */
    private static int recorded(RunContext ctx, String stage, IntSupplier body) {
        // Every line logged during the stage carries the night; a stage inside the run restores the run's.
        Map<String, String> outer = MDC.getCopyOfContextMap();
        MDC.put(MDC_RUN_ID, ctx.runId());
        MDC.put(MDC_STAGE, stage);
        MDC.put(MDC_AS_OF, ctx.asOf().toString());
        try {
            return recordedStage(ctx, stage, body);
        } finally {
            if (outer == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(outer);
            }
        }
    }

    private static int recordedStage(RunContext ctx, String stage, IntSupplier body) {
        Instant started = PipelineRuns.start(ctx, stage);
        try {
            return body.getAsInt();
        } catch (Exception e) { // Spark's SparkException is checked but thrown undeclared
            if (PipelineRuns.shuttingDown()) {
                throw e; // the shutdown hook recorded the stage as interrupted
            }
            try {
                PipelineRuns.record(ctx, stage, "failed", started, Map.of("error", String.valueOf(e.getMessage())));
            } catch (RuntimeException recordFailure) {
                e.addSuppressed(recordFailure);
            }
            throw e;
        }
    }

    public static int ingest(RunContext ctx, Contract contract) {
        return recorded(ctx, "ingest", () -> ingestStage(ctx, contract));
    }

    public static int quality(RunContext ctx, Contract contract, QualityConfig cfg) {
        return recorded(ctx, "quality", () -> qualityStage(ctx, contract, cfg));
    }

    public static int metrics(RunContext ctx, MetricsConfig cfg) {
        return recorded(ctx, "metrics", () -> metricsStage(ctx, cfg));
    }

    public static int publish(RunContext ctx, QualityConfig cfg) {
        return recorded(ctx, "publish", () -> publishStage(ctx, cfg));
    }

    private static int ingestStage(RunContext ctx, Contract contract) {
        Instant started = Instant.now();
        IngestJob.Result result = IngestJob.run(ctx, contract);
        List<String> blocking = result.blockingProblems(contract);
        Map<String, Object> details = new LinkedHashMap<>();
        result.datasets()
                .forEach((name, a) -> details.put(
                        name,
                        Map.of(
                                "rows_read",
                                a.rowsRead(),
                                "rows_to_bronze",
                                a.rowsToBronze(),
                                "rows_quarantined",
                                a.rowsQuarantined())));
        details.put("blocking_problems", blocking);
        PipelineRuns.record(ctx, "ingest", blocking.isEmpty() ? "succeeded" : "blocked", started, details);
        if (!blocking.isEmpty()) {
            LOG.error("ingest blocked publication:\n  - {}", String.join("\n  - ", blocking));
            return BLOCKED;
        }
        return OK;
    }

    /**
     * The input gate, then bronze → silver with the rows it let through. A blocking failure
     * leaves silver (and so gold) as it was.
     */
    private static int qualityStage(RunContext ctx, Contract contract, QualityConfig cfg) {
        Instant started = Instant.now();
        GateResult gate = QualityGate.evaluate(ctx.warehouse(), contract, ctx.asOf(), ctx.runId(), ctx.batchId(), cfg);
        try {
            List<CheckOutcome> blocking = gate.blockingFailures(cfg);
            // The quality report is the stage's printed result (as quality --report-only prints it), not a log line.
            System.out.print(QualityReport.render(ctx.warehouse(), ctx.runId()));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put(
                    "failed_checks",
                    gate.failures().stream().map(CheckOutcome::describe).toList());
            if (!blocking.isEmpty()) {
                reportBlocked(
                        "quality gate",
                        blocking.stream().map(CheckOutcome::describe).toList());
                PipelineRuns.record(ctx, "quality", "blocked", started, details);
                return BLOCKED;
            }
            Map<String, Dataset<Row>> clean = new LinkedHashMap<>();
            for (DatasetContract d : contract.datasets()) {
                Dataset<Row> rows = gate.clean(d.dataset());
                if (rows != null) {
                    clean.put(d.dataset(), rows);
                }
            }
            Map<String, SilverRefiner.Outcome> outcomes = refine(ctx, contract, clean);
            outcomes.forEach((name, o) -> details.put(name, Map.of("inserted", o.inserted(), "updated", o.updated())));
            PipelineRuns.record(ctx, "quality", "succeeded", started, details);
            return OK;
        } finally {
            gate.release();
        }
    }

    /** Silver → gold staging: every outcome table, computed but not yet visible to BI. */
    private static int metricsStage(RunContext ctx, MetricsConfig cfg) {
        Instant started = Instant.now();
        StageLog log = StageLog.start(
                Pipeline.class,
                "metrics",
                "silver -> staging, as of " + ctx.asOf() + ", min group size " + cfg.minGroupSize());
        // Disclosure control compares tonight with the night readers were last shown.
        GoldSource published = GoldSource.latestPublished(ctx.warehouse());
        List<String> written = MetricsJob.run(
                ctx.warehouse(),
                ctx.asOf(),
                cfg,
                table -> published.has(table) ? Optional.of(published.read(table)) : Optional.empty(),
                log::info);
        log.done("wrote " + String.join(", ", written));
        PipelineRuns.record(ctx, "metrics", "succeeded", started, Map.of("staging_tables", written));
        return OK;
    }

    /** Audit staging with Deequ; publish to gold only when no blocking check failed. */
    private static int publishStage(RunContext ctx, QualityConfig cfg) {
        Instant started = Instant.now();
        Warehouse wh = ctx.warehouse();
        List<String> staging = wh.tables("staging");
        if (staging.isEmpty()) {
            throw new IllegalStateException(
                    "nothing to publish: no staging tables in " + wh.root() + " (run metrics first)");
        }
        StageLog log = StageLog.start(Pipeline.class, "audit", "auditing " + staging.size() + " staging tables");
        OutputAudit.AuditResult audit = OutputAudit.audit(wh, staging, ctx.runId(), ctx.batchId(), cfg);
        List<String> blocking = audit.outcomes().stream()
                .filter(o -> o.blocks(cfg))
                .map(CheckOutcome::describe)
                .toList();
        log.done(audit.outcomes().size() + " checks, " + blocking.size() + " blocking failures");
        if (!blocking.isEmpty()) {
            reportBlocked("output audit", blocking);
            PipelineRuns.record(ctx, "publish", "blocked", started, Map.of("failed_checks", blocking));
            return BLOCKED;
        }
        // Gold gets the rows the audit passed, not a second read of staging.
        Map<String, Long> versions = Publisher.publish(wh, audit.audited());
        // The night becomes visible here, in one commit, or not at all.
        Publisher.stopIfShuttingDown(Publications.TABLE);
        ExclusiveRun.ensureLeaseHeld();
        Publications.record(wh, ctx.runId(), ctx.asOf(), versions);
        PipelineRuns.record(ctx, "publish", "succeeded", started, Map.of("gold_versions", versions));
        return OK;
    }

    private static void reportBlocked(String what, List<String> failures) {
        LOG.error(
                "{} BLOCKED publication; gold is unchanged. Failed checks ({}):\n  - {}",
                what,
                failures.size(),
                String.join("\n  - ", failures));
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
    public static Map<String, SilverRefiner.Outcome> refine(
            RunContext ctx, Contract contract, Map<String, Dataset<Row>> cleanBatches) {
        StageLog log = StageLog.start(Pipeline.class, "refine", "bronze -> silver");
        Map<String, SilverRefiner.Outcome> outcomes = new LinkedHashMap<>();
        for (DatasetContract dataset : contract.datasets()) {
            Dataset<Row> clean = cleanBatches.get(dataset.dataset());
            if (clean == null) {
                continue;
            }
            SilverRefiner.Outcome o = SilverRefiner.refine(ctx.warehouse(), dataset, clean);
            outcomes.put(dataset.dataset(), o);
            log.info(String.format(
                    "%-16s inserted %8s, updated %8s, unchanged %8s",
                    dataset.dataset(),
                    StageLog.count(o.inserted()),
                    StageLog.count(o.updated()),
                    StageLog.count(o.unchanged())));
        }
        log.done("silver refreshed");
        return outcomes;
    }
}
