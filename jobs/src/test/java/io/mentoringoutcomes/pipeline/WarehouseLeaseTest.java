package io.mentoringoutcomes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseLeaseTest extends SparkTestBase {

    @TempDir
    Path dir;

    /** A lease row written as another host's live (or dead) holder would have left it. */
    static void plant(Warehouse wh, String runId, String host, Instant expires) {
        WarehouseLease.Holder h = new WarehouseLease.Holder(
                "token-" + runId, runId, "run", host, 1L, Instant.parse("2026-11-28T02:00:00Z"), expires);
        assertTrue(WarehouseLease.tryAcquire(wh, h).isEmpty());
    }

    @Test
    void twoWritersRacingForAFreshAndThenAReleasedLeaseGetExactlyOneHolder() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Round 1 races to create the table and insert the row; round 2 races on the existing row.
            for (int round = 1; round <= 2; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Object>> results = new ArrayList<>();
                for (String run : List.of("run-a" + round, "run-b" + round)) {
                    results.add(pool.submit(() -> {
                        together.await();
                        try {
                            return WarehouseLease.acquire(wh, run, "run", Duration.ZERO);
                        } catch (WarehouseLease.HeldException e) {
                            return e;
                        }
                    }));
                }
                List<WarehouseLease> winners = new ArrayList<>();
                List<WarehouseLease.HeldException> refused = new ArrayList<>();
                for (Future<Object> f : results) {
                    Object o = f.get();
                    if (o instanceof WarehouseLease l) {
                        winners.add(l);
                    } else {
                        refused.add((WarehouseLease.HeldException) o);
                    }
                }
                assertEquals(1, winners.size(), "round " + round + ": exactly one writer holds the lease");
                assertEquals(1, refused.size());
                String winner = winners.get(0).holder().runId();
                assertEquals(winner, refused.get(0).holder().runId(), "the refusal names the holder");
                assertTrue(
                        refused.get(0).getMessage().contains("in use by run " + winner + " (run) on host "),
                        refused.get(0).getMessage());
                assertEquals(winner, WarehouseLease.holder(wh).orElseThrow().runId());
                winners.get(0).close();
                assertTrue(WarehouseLease.holder(wh).isEmpty(), "released");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLiveHolderRefusesEvenAfterWaitingAndAnExpiredOneIsTakenOver() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        plant(wh, "run-elsewhere", "other-host.example", Instant.now().plus(Duration.ofHours(1)));

        long t0 = System.nanoTime();
        WarehouseLease.HeldException e = assertThrows(
                WarehouseLease.HeldException.class,
                () -> WarehouseLease.acquire(wh, "run-second", "publish", Duration.ofSeconds(2)));
        assertTrue((System.nanoTime() - t0) / 1e9 >= 2.0, "it waited");
        assertTrue(
                e.getMessage()
                        .contains("run run-elsewhere (run) on host other-host.example, pid 1, since "
                                + "2026-11-28T02:00:00Z"),
                e.getMessage());
        assertTrue(e.getMessage().contains("still held after waiting PT2S"), e.getMessage());

        // A holder on another host that stopped renewing: its lease expired a minute ago.
        Warehouse wh2 = new Warehouse(spark, dir.resolve("wh2").toString());
        plant(wh2, "run-dead", "other-host.example", Instant.now().minus(Duration.ofMinutes(1)));
        try (WarehouseLease mine = WarehouseLease.acquire(wh2, "run-next", "run", Duration.ZERO)) {
            assertEquals("run-next", WarehouseLease.holder(wh2).orElseThrow().runId());
            mine.ensureHeld();
        }
    }

    @Test
    void aHolderOnThisHostWhoseProcessIsGoneDoesNotBlock() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        long deadPid = ProcessHandle.current().pid() + 1_000_000; // beyond any pid in use here
        WarehouseLease.Holder dead = new WarehouseLease.Holder(
                "token-killed",
                "run-killed",
                "run",
                WarehouseLease.hostName(),
                deadPid,
                Instant.now(),
                Instant.now().plus(Duration.ofHours(1)));
        assertTrue(WarehouseLease.tryAcquire(wh, dead).isEmpty());
        try (WarehouseLease mine = WarehouseLease.acquire(wh, "run-rerun", "run", Duration.ZERO)) {
            assertEquals("run-rerun", WarehouseLease.holder(wh).orElseThrow().runId());
        }
    }

    @Test
    void waitDurationsOutsideTheAllowListAreRefused() {
        assertEquals(Duration.ZERO, WarehouseLease.parseWait("0"));
        assertEquals(Duration.ofSeconds(90), WarehouseLease.parseWait("90s"));
        assertEquals(Duration.ofMinutes(30), WarehouseLease.parseWait("30m"));
        assertEquals(Duration.ofHours(2), WarehouseLease.parseWait("2h"));
        for (String hostile : List.of("-5m", "30", "1d", "PT5M", "5 m", "5m;rm -rf /", "9999999h", "1.5h", "m", "５m")) {
            assertThrows(IllegalArgumentException.class, () -> WarehouseLease.parseWait(hostile), hostile);
        }
    }
}
