package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.QueryOutput;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Retention;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History that lasts: a night published more than Delta's default 30 days ago stays readable by
 * --as-reported-on in gold (400 days), while a table on the default retention loses it once Delta
 * cleans its log; maintain sets the properties on older tables and VACUUMs within them.
 */
class MaintainCommandTest extends SparkTestBase {

    static final StructType ROI = StructType.fromDDL("program_id STRING, roi DOUBLE, as_of DATE");

    @TempDir
    Path dir;

    static Dataset<Row> roi(double value, String asOf) {
        return spark.createDataFrame(List.of(RowFactory.create("ALL", value, Date.valueOf(asOf))), ROI);
    }

    /**
     * Delta (in-commit timestamps off, its default) takes a commit's timestamp from the modification
     * time of its _delta_log file: setting those back is what the passing of {@code days} looks like.
     */
    static void setBack(Warehouse wh, String table, int days) throws IOException {
        FileTime then = FileTime.from(Instant.now().minus(Duration.ofDays(days)));
        try (Stream<Path> files = Files.list(Path.of(java.net.URI.create(wh.path(table) + "/_delta_log")))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(f, then);
            }
        }
    }

    @Test
    void aNightOlderThan30DaysStaysReadableAsReportedOn() throws IOException {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        String whArg = dir.resolve("wh").toString();
        // Night 1: gold ROI 1.5, the same figures in a silver table (Delta's default 30 days), recorded as published.
        wh.overwrite("gold.program_roi", roi(1.5, "2026-08-31"));
        wh.overwrite("silver.roi_copy", roi(1.5, "2026-08-31"));
        wh.overwrite("bronze.roi_copy", roi(1.5, "2026-08-31"));
        PipelineRuns.record(
                new RunContext(wh, "in", LocalDate.parse("2026-08-31"), "run-2026-08-31"),
                "publish",
                "succeeded",
                Instant.now(),
                Map.of("gold_versions", Map.of("gold.program_roi", 0L)));
        // Each layer's retention is in the table's first commit.
        assertEquals("interval 400 days", wh.properties("gold.program_roi").get(Retention.LOG_RETENTION));
        assertEquals("interval 400 days", wh.properties("gold.program_roi").get(Retention.DELETED_FILE_RETENTION));
        assertEquals("interval 30 days", wh.properties("silver.roi_copy").get(Retention.LOG_RETENTION));
        assertEquals("interval 7 days", wh.properties("bronze.roi_copy").get(Retention.LOG_RETENTION));
        // The restricted layers (people's own values, never served) keep a week, and can be written at all.
        wh.overwrite("admin.roi_copy", roi(1.5, "2026-08-31"));
        wh.overwrite("evidence.roi_copy", roi(1.5, "2026-08-31"));
        assertEquals("interval 7 days", wh.properties("admin.roi_copy").get(Retention.LOG_RETENTION));
        assertEquals("interval 7 days", wh.properties("evidence.roi_copy").get(Retention.DELETED_FILE_RETENTION));
        assertEquals("interval 400 days", wh.properties(PipelineRuns.TABLE).get(Retention.LOG_RETENTION));
        assertEquals(0L, wh.version("gold.program_roi"));

        // 60 days pass, then eleven more nights: Delta checkpoints at version 10 and deletes the log
        // files older than the table's logRetentionDuration.
        setBack(wh, "gold.program_roi", 60);
        setBack(wh, "silver.roi_copy", 60);
        for (int night = 1; night <= 11; night++) {
            wh.overwrite("gold.program_roi", roi(1.5 + night, "2026-10-31"));
            wh.overwrite("silver.roi_copy", roi(1.5 + night, "2026-10-31"));
        }
        assertEquals(11L, wh.version("gold.program_roi"));
        // The last of them is published: readers' default is the latest publication.
        PipelineRuns.record(
                new RunContext(wh, "in", LocalDate.parse("2026-10-31"), "run-2026-10-31"),
                "publish",
                "succeeded",
                Instant.now(),
                Map.of("gold_versions", Map.of("gold.program_roi", 11L)));

        // The control: on Delta's default 30 days, night 1 is gone from the log.
        Exception lost = assertThrows(
                Exception.class, () -> wh.readVersion("silver.roi_copy", 0).collectAsList());
        assertTrue(String.valueOf(lost.getMessage()).contains("version"), lost.getMessage());

        // Gold kept it, through maintain's OPTIMIZE and VACUUM too.
        assertEquals(0, Main.execute("maintain", "--warehouse", whArg, "--master", "local[2]"));
        String sql = "SELECT roi FROM gold.program_roi";
        assertEquals("roi\n1.5\n", query(whArg, "--as-reported-on", "2026-09-30", sql));
        assertEquals("roi\n12.5\n", query(whArg, sql));
    }

    @Test
    void maintainSetsConfiguredRetentionOnOlderTablesOnce() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        String whArg = dir.resolve("wh").toString();
        // A gold table written before retention properties existed: Delta's defaults.
        roi(2.0, "2026-11-01").write().format("delta").save(wh.path("gold.legacy"));
        assertEquals(null, wh.properties("gold.legacy").get(Retention.LOG_RETENTION));
        spark.conf().set(Retention.CONF_PREFIX + "gold.days", "730");
        try {
            assertEquals(0, Main.execute("maintain", "--warehouse", whArg, "--skip-vacuum"));
            assertEquals("interval 730 days", wh.properties("gold.legacy").get(Retention.LOG_RETENTION));
            assertEquals("interval 730 days", wh.properties("gold.legacy").get(Retention.DELETED_FILE_RETENTION));
            long version = wh.version("gold.legacy");
            assertEquals(1L, version, "one commit: the properties");
            assertEquals(0, Main.execute("maintain", "--warehouse", whArg, "--skip-vacuum"));
            assertEquals(version, wh.version("gold.legacy"), "nothing to change, nothing to compact: no commit");
            // VACUUM records itself in the table's history (Delta 3: VACUUM START and VACUUM END)
            assertEquals(0, Main.execute("maintain", "--warehouse", whArg));
            assertEquals(
                    List.of("VACUUM END", "VACUUM START"),
                    wh.deltaTable("gold.legacy")
                            .history(2)
                            .select("operation")
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList());
            assertEquals(2.0, wh.read("gold.legacy").first().<Double>getAs("roi"), 0.0);
        } finally {
            spark.conf().unset(Retention.CONF_PREFIX + "gold.days");
        }
    }

    /**
     * VACUUM on a local master lists the table with one task per core, not Spark's 10,000 (about a
     * minute of empty tasks per table), and still deletes what is due: an untracked data file older
     * than the layer's retention goes, a fresh one stays, the table's rows are untouched.
     */
    @Test
    void vacuumOnALocalMasterListsWithFewTasksAndStillDeletesWhatIsDue() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        wh.overwrite("bronze.roi_copy", roi(3.0, "2026-11-01"));
        Path table = Path.of(java.net.URI.create(wh.path("bronze.roi_copy")));
        Path stale = Files.writeString(table.resolve("part-stale-untracked.parquet"), "left by a failed writer");
        Path fresh = Files.writeString(table.resolve("part-fresh-untracked.parquet"), "a writer still at work");
        // bronze keeps removed files 7 days: one from 30 days ago is due, one from now is not.
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(30))));

        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        assertEquals(String.valueOf(cores), spark.conf().get(SparkSessionProvider.LISTING_PARALLELISM));
        TaskCounter tasks = new TaskCounter();
        spark.sparkContext().addSparkListener(tasks);
        try {
            wh.vacuum("bronze.roi_copy");
            spark.sparkContext().listenerBus().waitUntilEmpty(10_000L);
        } finally {
            spark.sparkContext().removeSparkListener(tasks);
        }
        // Spark's default would be 10,000 listing tasks alone; a handful of small stages remain.
        assertTrue(tasks.ended.get() > 0 && tasks.ended.get() < 100, "VACUUM ran " + tasks.ended + " tasks");
        assertTrue(Files.notExists(stale), "the untracked file older than 7 days is deleted");
        assertTrue(Files.exists(fresh), "a fresh untracked file stays");
        assertEquals(3.0, wh.read("bronze.roi_copy").first().<Double>getAs("roi"), 0.0);
    }

    static final class TaskCounter extends org.apache.spark.scheduler.SparkListener {
        final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd taskEnd) {
            ended.incrementAndGet();
        }
    }

    @Test
    void badRetentionSettingsAreRefusedNamingTheSetting() {
        for (String bad : List.of("6", "0", "-400", "abc", "400 days", "3651", "1e3")) {
            spark.conf().set(Retention.CONF_PREFIX + "gold.days", bad);
            try {
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> Retention.days(spark, "gold"), bad);
                assertTrue(
                        e.getMessage().startsWith("spark.mentoringoutcomes.retention.gold.days=" + bad),
                        e.getMessage());
            } finally {
                spark.conf().unset(Retention.CONF_PREFIX + "gold.days");
            }
        }
        assertEquals(400, Retention.days(spark, "gold"));
        assertThrows(IllegalArgumentException.class, () -> Retention.days(spark, "landing"));
    }

    private static String query(String whArg, String... args) {
        return QueryOutput.csv(whArg, args);
    }
}
