package io.mentoringoutcomes.pipeline;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.metrics.MetricsConfig;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineRunsTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void aStageThatThrowsIsRecordedAsFailedWithItsError() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        RunContext ctx = new RunContext(wh, "nowhere", LocalDate.parse("2026-10-31"), "run-empty");
        // No silver tables: metrics cannot run.
        Exception e = assertThrows(Exception.class, () -> Pipeline.metrics(ctx, MetricsConfig.defaults()));

        List<Row> runs = wh.read(PipelineRuns.TABLE).collectAsList();
        assertEquals(1, runs.size());
        Row run = runs.get(0);
        assertEquals("run-empty", run.getAs("run_id"));
        assertEquals("metrics", run.getAs("stage"));
        assertEquals("failed", run.getAs("status"));
        assertTrue(run.<String>getAs("details_json").contains("\"error\""), run.<String>getAs("details_json"));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
    }
}
