package io.mentoringoutcomes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.cli.Main;
import io.mentoringoutcomes.config.Setting;
import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every night records its settings and code version; the audit and the report use the k the metrics ran with. */
class NightSettingsTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void aStageRecordsItsEffectiveSettingsAndTheCommitThatRan() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Settings k12 = Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "12"), Map.of());
        RunContext ctx = new RunContext(wh, "in", LocalDate.parse("2026-10-31"), "run-a", k12);
        Instant started = PipelineRuns.start(ctx, "metrics");
        PipelineRuns.record(ctx, "metrics", "succeeded", started, Map.of());

        List<Row> rows = wh.read(PipelineRuns.TABLE).collectAsList();
        assertEquals(2, rows.size());
        for (Row r : rows) {
            String config = r.getAs("config_json");
            assertTrue(config.contains("\"privacy.min_group_size\":12"), config);
            assertTrue(config.contains("\"privacy.min_group_size\":\"command line --min-group-size\""), config);
            String version = r.getAs("code_version");
            assertTrue(version.startsWith("0.1.0-SNAPSHOT+"), version);
            gitHead()
                    .ifPresent(head ->
                            assertTrue(version.contains(head), version + " names the checkout's commit " + head));
        }
    }

    @Test
    void theAuditUsesTheThresholdTheNightsMetricsRecordedAndRefusesAnother() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        LocalDate night = LocalDate.parse("2026-10-31");
        RunContext metrics = new RunContext(
                wh, "in", night, "run-m", Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "15"), Map.of()));
        PipelineRuns.record(metrics, "metrics", "succeeded", PipelineRuns.start(metrics, "metrics"), Map.of());

        // A separate publish of the same night (another run id, today's defaults: k = 10).
        RunContext publish = new RunContext(wh, "in", night, "run-p");
        assertEquals(15, NightSettings.forAudit(publish, null).qualityConfig().minGroupSize());
        assertEquals(15, NightSettings.forAudit(publish, 15).minGroupSize());
        Settings.ConfigException e =
                assertThrows(Settings.ConfigException.class, () -> NightSettings.forAudit(publish, 10));
        assertTrue(e.getMessage().contains("metrics ran with privacy.min_group_size = 15"), e.getMessage());

        // A night whose metrics ran with a smaller k than this run's is audited at this run's k.
        RunContext loose = new RunContext(
                wh,
                "in",
                LocalDate.parse("2026-09-30"),
                "run-loose",
                Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "3"), Map.of()));
        PipelineRuns.record(loose, "metrics", "succeeded", PipelineRuns.start(loose, "metrics"), Map.of());
        assertEquals(
                10,
                NightSettings.forAudit(new RunContext(wh, "in", LocalDate.parse("2026-09-30"), "run-p2"), null)
                        .minGroupSize());

        // Another night has no recorded metrics: the run's own settings apply.
        RunContext other = new RunContext(wh, "in", LocalDate.parse("2026-11-30"), "run-o");
        assertEquals(10, NightSettings.forAudit(other, null).minGroupSize());
        assertEquals(15, NightSettings.minGroupSize(wh, "run-m", "2026-10-31", null, Settings.defaults(), null));
    }

    /**
     * The report names the k of the metrics that the published night was computed by: a metrics
     * re-run of the same batch after publication (k = 20, never published) does not change it.
     */
    @Test
    void aMetricsReRunAfterPublicationDoesNotChangeThePublishedNightsThreshold() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        LocalDate night = LocalDate.parse("2026-10-31");
        RunContext metrics = new RunContext(
                wh, "in", night, "run-m", Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "15"), Map.of()));
        PipelineRuns.record(metrics, "metrics", "succeeded", PipelineRuns.start(metrics, "metrics"), Map.of());
        Thread.sleep(20); // finished_at has millisecond resolution
        java.sql.Timestamp publishedAt = java.sql.Timestamp.from(Instant.now());
        Thread.sleep(20);
        RunContext rerun = new RunContext(
                wh, "in", night, "run-r", Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "20"), Map.of()));
        PipelineRuns.record(rerun, "metrics", "succeeded", PipelineRuns.start(rerun, "metrics"), Map.of());

        // Published by a separate publish run ("run-p"): its own run id recorded no metrics.
        assertEquals(15, NightSettings.minGroupSize(wh, "run-p", "2026-10-31", publishedAt, Settings.defaults(), null));
        // Without the bound the later re-run would be taken.
        assertEquals(20, NightSettings.minGroupSize(wh, "run-p", "2026-10-31", null, Settings.defaults(), null));
    }

    @Test
    void aBadConfigurationStopsTheCommandBeforeItWritesAnything() throws Exception {
        Path wh = dir.resolve("never-created");
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "privacy:\n  min_group_size: 3\nroi:\n  overhead: 0.3\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int code;
        try {
            code = Main.execute(
                    "run", "--config", bad.toString(), "--warehouse", wh.toString(), "--master", "local[2]");
        } finally {
            System.setErr(old);
        }
        assertEquals(Main.EXIT_BAD_CONFIG, code);
        assertTrue(
                err.toString()
                        .contains("error: bad configuration: " + bad + " (--config) line 4, column 3: "
                                + "unknown setting 'roi.overhead'"),
                err.toString());
        assertFalse(Files.exists(wh), "nothing was written");
    }

    /** HEAD of the checkout the tests run in; empty outside git and in a linked worktree, where the build's plugin reads the main checkout (its issue 882). */
    private static java.util.Optional<String> gitHead() {
        if (!Files.isDirectory(projectRoot().resolve(".git"))) {
            return java.util.Optional.empty();
        }
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .directory(projectRoot().toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{40}")
                    ? java.util.Optional.of(out)
                    : java.util.Optional.empty();
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }
}
