package io.mentoringoutcomes.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.config.CodeVersion;
import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.spark.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ops.pipeline_runs}: rows per stage of each run: inputs, outcome, timings, table versions.
 * A stage writes {@code started} before it does anything and one final row (succeeded, blocked,
 * failed, interrupted) after, so a stage whose latest row is {@code started} did not finish: its
 * JVM was killed. The next writer reports it and records it as {@code interrupted}.
 */
public final class PipelineRuns {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuns.class);

    public static final String TABLE = "ops.pipeline_runs";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("batch_id", DataTypes.StringType)
            .add("as_of", DataTypes.DateType)
            .add("input", DataTypes.StringType)
            .add("stage", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("started_at", DataTypes.TimestampType)
            .add("finished_at", DataTypes.TimestampType)
            .add("duration_seconds", DataTypes.DoubleType)
            .add("details_json", DataTypes.StringType)
            // The run's effective settings and the code that ran: the audit and the report read
            // the threshold a night was computed with from here, and a figure can be traced to a commit.
            .add("config_json", DataTypes.StringType)
            .add("code_version", DataTypes.StringType);

    public static final String STARTED = "started";
    public static final String INTERRUPTED = "interrupted";

    /** Stages of this JVM that wrote {@code started} and no final row yet: what a SIGTERM records. */
    private static final Map<String, Open> OPEN = new ConcurrentHashMap<>();

    private static volatile boolean shuttingDown;

    private record Open(RunContext ctx, String stage, Instant started) {}

    /** A stage whose latest row is {@code started}: its run ended without saying how. */
    public record Unfinished(
            String runId, String batchId, LocalDate asOf, String input, String stage, Instant startedAt) {
        public String describe() {
            return "run " + runId + " started " + stage + " at " + startedAt + " (as of " + asOf
                    + ") and did not finish";
        }
    }

    private PipelineRuns() {}

    /** Records that {@code stage} of this run begins, before it touches anything. */
    public static Instant start(RunContext ctx, String stage) {
        Instant started = Instant.now();
        append(ctx, stage, STARTED, started, started, Map.of());
        OPEN.put(ctx.runId() + "/" + stage, new Open(ctx, stage, started));
        return started;
    }

    public static void record(RunContext ctx, String stage, String status, Instant started, Map<String, ?> details) {
        OPEN.remove(ctx.runId() + "/" + stage);
        append(ctx, stage, status, started, Instant.now(), details);
    }

    /**
     * Records {@code interrupted} for every stage of this JVM still open: what the shutdown hook
     * calls on SIGTERM, before Spark's own hook stops the SparkContext. Returns what it recorded.
     */
    public static List<String> recordInterrupted(String why) {
        shuttingDown = true;
        List<String> done = new ArrayList<>();
        for (Open o : List.copyOf(OPEN.values())) {
            try {
                record(o.ctx(), o.stage(), INTERRUPTED, o.started(), Map.of("reason", why));
                done.add(o.ctx().runId() + "/" + o.stage());
            } catch (RuntimeException e) {
                LOG.warn("[run] could not record {} as interrupted: {}", o.stage(), e.getMessage());
            }
        }
        return done;
    }

    /** True once the JVM is shutting down: a stage failing then is the interruption, already recorded. */
    public static boolean shuttingDown() {
        return shuttingDown;
    }

    /** Every stage whose latest row is {@code started}, oldest first. */
    public static List<Unfinished> unfinished(Warehouse wh) {
        if (!wh.exists(TABLE)) {
            return List.of();
        }
        List<Row> rows = wh.read(TABLE)
                .groupBy("run_id", "stage")
                .agg(max(struct(
                                col("finished_at"),
                                col("status"),
                                col("started_at"),
                                col("batch_id"),
                                col("as_of"),
                                col("input")))
                        .as("last"))
                .filter(col("last.status").equalTo(STARTED))
                .orderBy(col("last.started_at"))
                .select("run_id", "last.batch_id", "last.as_of", "last.input", "stage", "last.started_at")
                .collectAsList();
        return rows.stream()
                .map(r -> new Unfinished(
                        r.getString(0),
                        r.getString(1),
                        r.getDate(2).toLocalDate(),
                        r.getString(3),
                        r.getString(4),
                        r.getTimestamp(5).toInstant()))
                .toList();
    }

    /** Closes another run's unfinished stage as {@code interrupted}, naming the run that found it. */
    public static void recordInterrupted(Warehouse wh, Unfinished u, String detectedBy) {
        // The interrupted run's settings and code are on its own started row; this row only closes it.
        append(
                wh,
                u.runId(),
                u.batchId(),
                u.asOf(),
                u.input(),
                u.stage(),
                INTERRUPTED,
                u.startedAt(),
                Instant.now(),
                Map.of(
                        "reason",
                        "no final row: the process ended without recording one (killed?)",
                        "detected_by",
                        detectedBy),
                null,
                null);
    }

    /**
     * The settings a night's metrics stage ran with: those recorded by the run's own metrics stage,
     * else by the latest successful metrics stage of the same batch. Empty for nights recorded before
     * settings were (or with no metrics stage).
     */
    public static Optional<Settings> recordedSettings(Warehouse wh, String runId, String batchId) {
        return recordedSettings(wh, runId, batchId, null);
    }

    /**
     * As {@link #recordedSettings(Warehouse, String, String)}, counting only metrics stages finished
     * by {@code notAfter} (when given): a night published at that time was computed by one of them,
     * and a later metrics re-run of the same batch that was never published must not change it.
     */
    public static Optional<Settings> recordedSettings(
            Warehouse wh, String runId, String batchId, java.sql.Timestamp notAfter) {
        if (!wh.exists(TABLE)
                || !java.util.Arrays.asList(wh.read(TABLE).columns()).contains("config_json")) {
            return Optional.empty();
        }
        List<Row> rows = wh.read(TABLE)
                .filter(col("stage")
                        .equalTo("metrics")
                        .and(col("status").equalTo("succeeded"))
                        .and(col("config_json").isNotNull())
                        .and(notAfter == null ? lit(true) : col("finished_at").leq(lit(notAfter)))
                        .and(col("run_id")
                                .equalTo(runId == null ? "" : runId)
                                .or(col("batch_id").equalTo(batchId))))
                .orderBy(
                        col("run_id").equalTo(runId == null ? "" : runId).desc(),
                        col("finished_at").desc())
                .select("config_json")
                .limit(1)
                .collectAsList();
        return rows.stream().findFirst().map(r -> Settings.fromRecorded(r.getString(0)));
    }

    private static void append(
            RunContext ctx, String stage, String status, Instant started, Instant finished, Map<String, ?> details) {
        append(
                ctx.warehouse(),
                ctx.runId(),
                ctx.batchId(),
                ctx.asOf(),
                ctx.input(),
                stage,
                status,
                started,
                finished,
                details,
                ctx.settings().toJson(),
                CodeVersion.current());
    }

    private static void append(
            Warehouse wh,
            String runId,
            String batchId,
            LocalDate asOf,
            String input,
            String stage,
            String status,
            Instant started,
            Instant finished,
            Map<String, ?> details,
            String configJson,
            String codeVersion) {
        String json;
        try {
            json = JSON.writeValueAsString(details);
        } catch (Exception e) {
            json = "{\"error\":\"details not serialisable\"}";
        }
        Row row = RowFactory.create(
                runId,
                batchId,
                Date.valueOf(asOf),
                input,
                stage,
                status,
                Timestamp.from(started),
                Timestamp.from(finished),
                (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0,
                json,
                configJson,
                codeVersion);
        wh.appendAddingColumns(TABLE, wh.spark().createDataFrame(List.of(row), SCHEMA));
    }
}
