package io.mentoringoutcomes.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.LauncherRun;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.pipeline.WarehouseLease;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.publish.Publications;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One sample night, then the same night's publish again as its own process
 * ({@code bin/mentoring-outcomes publish}, as the DAG runs it) sent SIGTERM between two gold
 * commits, then a whole run killed with SIGKILL during metrics (after ingest and refine), then the
 * night's metrics and publish re-run on silver rewritten into a different number of files with
 * another shuffle partitioning. Readers must see a whole night throughout; the ops tables must say
 * what happened; and the re-run's gold must be bit-identical to the first night's. (One re-run
 * serves both interruptions: each extra night costs this test minutes in CI.)
 */
class InterruptedNightTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void aNightStoppedBetweenTwoGoldCommitsLeavesLastNightWholeAndItsReRunGivesBitIdenticalGold() throws Exception {
        String sample = projectRoot().resolve("sample-data").toString();
        String whArg = dir.resolve("wh").toString();
        Warehouse wh = new Warehouse(spark, whArg);

        // Night 1, uninterrupted.
        assertEquals(
                0,
                Main.execute(
                        "run",
                        "--input",
                        sample,
                        "--warehouse",
                        whArg,
                        "--run-id",
                        "night-1",
                        "--master",
                        "local[2]",
                        "--shuffle-partitions",
                        "2"));
        GoldSource night1 = GoldSource.of(wh, null);
        assertEquals("night-1", night1.night().orElseThrow().runId());
        Map<String, List<Row>> gold1 = snapshot(night1);
        assertTrue(gold1.size() >= 5, "gold tables published: " + gold1.keySet());

        // The same night's publish again, stopped by SIGTERM once its first gold table is committed
        // (a whole second run would add nothing here but minutes).
        LauncherRun stopped = LauncherRun.signalWhen(
                projectRoot(),
                line -> line.startsWith("[publish] gold.") && line.contains(" -> version "),
                "TERM",
                5,
                "publish",
                "--input",
                sample,
                "--warehouse",
                whArg,
                "--run-id",
                "night-2",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "2");
        String said = stopped.said();
        assertTrue(stopped.signalled(), "the run reached publish:\n" + said);
        assertNotEquals(0, stopped.exitCode(), said);
        assertTrue(said.contains("[run] interrupted: recorded night-2/"), said);

        // The ops tables say what happened, written before Spark stopped; the lease is free.
        Map<String, String> status = new LinkedHashMap<>();
        wh.read(PipelineRuns.TABLE)
                .filter(col("run_id").equalTo("night-2").and(col("status").notEqual("started")))
                .orderBy("finished_at")
                .collectAsList()
                .forEach(r -> status.put(r.getAs("stage"), r.getAs("status")));
        assertEquals(Map.of("publish", "interrupted"), status, said);
        assertTrue(PipelineRuns.unfinished(wh).isEmpty());
        assertTrue(WarehouseLease.holder(wh).isEmpty(), "the shutdown hook released the lease");
        assertEquals(
                List.of("night-1"),
                wh.read(Publications.TABLE).select("run_id").distinct().collectAsList().stream()
                        .map(r -> r.getString(0))
                        .toList(),
                "the stopped night was not published");

        // Some gold folders moved, not all; readers still see night 1 whole.
        long moved = night1.tables().stream()
                .filter(t -> wh.version(t) != night1.version(t))
                .count();
        assertTrue(moved >= 1 && moved < night1.tables().size(), "stopped between two gold commits: " + moved);
        GoldSource afterStop = GoldSource.of(wh, null);
        assertEquals("night-1", afterStop.night().orElseThrow().runId());
        assertEquals(gold1, snapshot(afterStop));

        // A whole run of the night killed outright (SIGKILL: no shutdown hook, no lease release, no
        // final row) after ingest and refine, during metrics.
        LauncherRun killed = LauncherRun.signalWhen(
                projectRoot(),
                line -> line.startsWith("[metrics] cohort frame"),
                "KILL",
                2,
                "run",
                "--input",
                sample,
                "--warehouse",
                whArg,
                "--run-id",
                "night-4",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "2");
        String killedSaid = killed.said();
        assertTrue(killed.signalled(), "the run reached metrics:\n" + killedSaid);
        assertEquals(137, killed.exitCode(), killedSaid);
        assertFalse(WarehouseLease.holder(wh).isEmpty(), "a killed holder cannot release its lease");
        // The night's own start row and its metrics stage's are open: no final row for either.
        assertEquals(
                java.util.Set.of("run", "metrics"),
                PipelineRuns.unfinished(wh).stream()
                        .filter(u -> u.runId().equals("night-4"))
                        .map(PipelineRuns.Unfinished::stage)
                        .collect(java.util.stream.Collectors.toSet()),
                "ops shows night-4 still in metrics");
        assertEquals("night-1", GoldSource.of(wh, null).night().orElseThrow().runId(), "gold untouched");

        // Silver rewritten into another number of files; then the night's metrics and publish run
        // again with another shuffle partitioning. The first of them takes the dead holder's lease at
        // once (same host, process gone) and records the killed run as interrupted; the gold they
        // publish, over both interrupted nights' leftovers, must be the uninterrupted night's.
        long filesBefore = silverFiles(wh);
        for (String table : wh.tables("silver")) {
            wh.overwrite(table, wh.read(table).localCheckpoint().repartition(5));
        }
        long filesAfter = silverFiles(wh);
        assertNotEquals(filesBefore, filesAfter, "silver's layout changed");
        try {
            String[] common = {
                "--input",
                sample,
                "--warehouse",
                whArg,
                "--run-id",
                "night-5",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "3"
            };
            assertEquals(0, Main.execute(concat("metrics", common)));
            assertEquals(0, Main.execute(concat("publish", common)));
        } finally {
            spark.conf().set("spark.sql.shuffle.partitions", "2");
        }
        Map<String, String> night4 = new LinkedHashMap<>();
        wh.read(PipelineRuns.TABLE)
                .filter(col("run_id").equalTo("night-4").and(col("status").notEqual("started")))
                .orderBy("finished_at")
                .collectAsList()
                .forEach(r -> night4.put(r.getAs("stage"), r.getAs("status")));
        assertEquals("interrupted", night4.get("metrics"), night4.toString());
        assertEquals("interrupted", night4.get("run"), night4.toString());
        assertEquals("succeeded", night4.get("ingest"), night4.toString());
        assertTrue(PipelineRuns.unfinished(wh).isEmpty());
        GoldSource night5 = GoldSource.of(wh, null);
        assertEquals("night-5", night5.night().orElseThrow().runId());
        Map<String, List<Row>> gold5 = snapshot(night5);
        assertEquals(gold1.keySet(), gold5.keySet());
        for (String table : gold1.keySet()) {
            assertEquals(
                    gold1.get(table),
                    gold5.get(table),
                    table + " after a stopped publish, a killed run and a new layout is bit-identical");
        }
    }

    /** Every row of every gold table the source reads, in a fixed order. */
    static Map<String, List<Row>> snapshot(GoldSource gold) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (String table : gold.tables()) {
            var df = gold.read(table);
            Column[] all =
                    Arrays.stream(df.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new);
            out.put(table, new ArrayList<>(df.orderBy(all).collectAsList()));
        }
        return out;
    }

    static long silverFiles(Warehouse wh) {
        long n = 0;
        for (String table : wh.tables("silver")) {
            n += spark.sql("DESCRIBE DETAIL " + wh.pathIdentifier(table))
                    .first()
                    .<Long>getAs("numFiles");
        }
        return n;
    }

    static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
