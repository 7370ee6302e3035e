package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The open-loop schedule of {@code benchmark serve --rate}, worked by hand; no server. */
class ServeLoadBenchmarkTest {

    @Test
    void fourClientsAtFiftyQueriesASecondSendOneQueryEveryTwentyMillisecondsInTurn() {
        // 50 queries/s: one every 20 ms. Client 1's third query (q = 2) is arrival 2·4 + 1 = 9: 180 ms.
        assertEquals(180_000_000L, ServeLoadBenchmark.dueNanos(1, 2, 4, 50.0));
        assertEquals(0L, ServeLoadBenchmark.dueNanos(0, 0, 4, 50.0));
        assertEquals(60_000_000L, ServeLoadBenchmark.dueNanos(3, 0, 4, 50.0));
        assertEquals(80_000_000L, ServeLoadBenchmark.dueNanos(0, 1, 4, 50.0));
        // 32 clients × 20 queries at 50 queries/s: the last is arrival 639, due at 12.78 s, and every
        // arrival slot is taken exactly once (no two clients due together, none skipped).
        assertEquals(12_780_000_000L, ServeLoadBenchmark.dueNanos(31, 19, 32, 50.0));
        TreeSet<Long> due = new TreeSet<>();
        for (int c = 0; c < 32; c++) {
            for (int q = 0; q < 20; q++) {
                due.add(ServeLoadBenchmark.dueNanos(c, q, 32, 50.0));
            }
        }
        assertEquals(640, due.size());
        long slot = 0;
        for (long t : due) {
            assertEquals(slot++ * 20_000_000L, t);
        }
    }

    @Test
    void aRateOutsideItsRangeIsRefusedBeforeAnythingStarts() {
        for (String bad : new String[] {"0", "-5", "NaN", "1e9"}) {
            ServeLoadBenchmark b = new ServeLoadBenchmark();
            new CommandLine(b).parseArgs("--rate", bad, "--url", "jdbc:hive2://127.0.0.1:1/gold");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::call, bad);
            assertEquals("--rate must be 0.1-10000 queries a second", e.getMessage());
        }
    }
}
