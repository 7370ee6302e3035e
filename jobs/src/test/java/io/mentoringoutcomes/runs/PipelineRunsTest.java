package io.mentoringoutcomes.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.MetricsConfig;
import io.mentoringoutcomes.pipeline.ExclusiveRun;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.pipeline.WarehouseLease;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineRunsTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void aStageThatThrowsIsRecordedAsFailedWithItsError() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        RunContext ctx = new RunContext(wh, "nowhere", LocalDate.parse("2026-10-31"), "run-empty");
        // No silver tables: metrics cannot run.
        Exception e = assertThrows(Exception.class, () -> Pipeline.metrics(ctx, MetricsConfig.defaults()));

        List<Row> runs = wh.read(PipelineRuns.TABLE).orderBy("finished_at").collectAsList();
        assertEquals(2, runs.size());
        assertEquals("started", runs.get(0).getAs("status"), "the start row comes before the stage does anything");
        Row run = runs.get(1);
        assertEquals("run-empty", run.getAs("run_id"));
        assertEquals("metrics", run.getAs("stage"));
        assertEquals("failed", run.getAs("status"));
        assertTrue(run.<String>getAs("details_json").contains("\"error\""), run.<String>getAs("details_json"));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }

    @Test
    void aRunThatDiedMidStageIsReportedAndClosedAsInterruptedByTheNextWriter() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        // What a kill -9 leaves, as that process wrote it: the night's and the metrics stage's start
        // rows without final rows, and ingest started and succeeded.
        java.util.function.BiFunction<String, String, Row> row =
                (stage, status) -> org.apache.spark.sql.RowFactory.create(
                        "run-killed",
                        "2026-11-28",
                        java.sql.Date.valueOf("2026-11-28"),
                        "in",
                        stage,
                        status,
                        java.sql.Timestamp.valueOf("2026-11-28 02:00:00"),
                        java.sql.Timestamp.valueOf(
                                status.equals("started") ? "2026-11-28 02:00:00" : "2026-11-28 02:01:00"),
                        0.0,
                        "{}");
        // Written by a version before ops.pipeline_runs recorded settings and code version: the
        // closing rows below add those columns, and these rows keep reading (as null).
        var before =
                new org.apache.spark.sql.types.StructType(java.util.Arrays.copyOf(PipelineRuns.SCHEMA.fields(), 10));
        wh.append(
                PipelineRuns.TABLE,
                spark.createDataFrame(
                        List.of(
                                row.apply("run", "started"),
                                row.apply("ingest", "started"),
                                row.apply("ingest", "succeeded"),
                                row.apply("metrics", "started")),
                        before));

        List<PipelineRuns.Unfinished> open = PipelineRuns.unfinished(wh);
        assertEquals(
                List.of("metrics", "run"),
                open.stream().map(PipelineRuns.Unfinished::stage).sorted().toList());

        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int code;
        try {
            code = ExclusiveRun.run(
                    new RunContext(wh, "in", LocalDate.parse("2026-11-28"), "run-next"),
                    "run",
                    java.time.Duration.ZERO,
                    () -> 0);
        } finally {
            System.setErr(old);
        }
        assertEquals(0, code);
        String said = err.toString();
        assertTrue(said.contains("run run-killed started metrics at "), said);
        assertTrue(said.contains("did not finish; continuing"), said);
        assertTrue(PipelineRuns.unfinished(wh).isEmpty());
        List<Row> closed = wh.read(PipelineRuns.TABLE)
                .filter("status = 'interrupted'")
                .orderBy("stage")
                .collectAsList();
        assertEquals(
                List.of("metrics", "run"),
                closed.stream().map(r -> r.<String>getAs("stage")).toList());
        assertTrue(closed.get(0).<String>getAs("details_json").contains("\"detected_by\":\"run-next\""));
        assertEquals("run-killed", closed.get(0).getAs("run_id"));
        assertTrue(WarehouseLease.holder(wh).isEmpty(), "the lease was released");
    }
}
