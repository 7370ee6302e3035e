package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pseudonym key lives outside the warehouse: environment, or a user-level owner-only file. */
class PseudonymKeyLocationTest {

    private static final String OLD_KEY = "0123456789abcdef0123456789abcdef";

    @Test
    void firstUseCreatesAnOwnerOnlyUserFileAndNothingInTheWarehouse(@TempDir Path dir) throws Exception {
        Path warehouse = Files.createDirectories(dir.resolve("wh"));
        Map<String, String> env =
                Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Pseudonymizer first = Pseudonymizer.forWarehouse(warehouse.toUri().toString(), new Configuration(), env);
        Path key = dir.resolve("config/mentoring-outcomes/pseudonym.key");
        assertTrue(Files.exists(key));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertFalse(Files.exists(warehouse.resolve("_secrets")), "nothing secret in the warehouse");
        // Stable night to night: the second run reads the same key.
        assertEquals(
                first.pseudonym("M001"),
                Pseudonymizer.forWarehouse(warehouse.toUri().toString(), new Configuration(), env)
                        .pseudonym("M001"));
    }

    @Test
    void processesOnFirstUseAtOnceAllGetTheOneKeyThatWasCreated(@TempDir Path dir) throws Exception {
        // Each round is a fresh config folder that eight callers find empty at the same moment: before
        // the key was created whole and at once, a loser failed on the existing file or read it empty.
        for (int round = 0; round < 20; round++) {
            Path warehouse = Files.createDirectories(dir.resolve("wh" + round));
            Map<String, String> env =
                    Map.of("XDG_CONFIG_HOME", dir.resolve("config" + round).toString());
            int callers = 8;
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(callers);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
            try {
                List<java.util.concurrent.Future<String>> made = new java.util.ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    made.add(pool.submit(() -> {
                        start.await();
                        return Pseudonymizer.forWarehouse(warehouse.toUri().toString(), new Configuration(), env)
                                .pseudonym("M001");
                    }));
                }
                Path key = dir.resolve("config" + round + "/mentoring-outcomes/pseudonym.key");
                made.get(0).get(); // wait for the first caller; the key exists from then on
                String written = Files.readString(key).strip();
                String expected = Pseudonymizer.hmacSha256Hex(written.getBytes(StandardCharsets.UTF_8), "M001")
                        .substring(0, 16);
                for (java.util.concurrent.Future<String> f : made) {
                    assertEquals(expected, f.get(), "round " + round);
                }
                assertEquals(64, written.length(), "the key is whole: 32 random bytes in hex");
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
                try (var left = Files.list(key.getParent())) {
                    assertEquals(List.of(key), left.toList(), "no temporary file left behind");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aKeyFileFoundInTheWarehouseIsMovedOutAndKeepsPseudonymsStable(@TempDir Path dir) throws Exception {
        Path warehouse = Files.createDirectories(dir.resolve("wh"));
        Path inWarehouse =
                Files.createDirectories(warehouse.resolve("_secrets")).resolve("pseudonym.key");
        Files.writeString(inWarehouse, OLD_KEY);
        Map<String, String> env =
                Map.of("XDG_CONFIG_HOME", dir.resolve("config").toString());
        Pseudonymizer p = Pseudonymizer.forWarehouse(warehouse.toUri().toString(), new Configuration(), env);
        // The published pseudonyms were made with the old key: HMAC of the id under it.
        assertEquals(
                Pseudonymizer.hmacSha256Hex(OLD_KEY.getBytes(StandardCharsets.UTF_8), "M001")
                        .substring(0, 16),
                p.pseudonym("M001"));
        assertFalse(Files.exists(inWarehouse), "moved out of the warehouse");
        Path moved = dir.resolve("config/mentoring-outcomes/pseudonym.key");
        assertEquals(OLD_KEY, Files.readString(moved));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(moved)));
    }

    @Test
    void aKeyFileInTheWarehouseBesideAConfiguredKeyIsRefusedWithWhatToDo(@TempDir Path dir) throws Exception {
        Path warehouse = Files.createDirectories(dir.resolve("wh"));
        Path inWarehouse =
                Files.createDirectories(warehouse.resolve("_secrets")).resolve("pseudonym.key");
        Files.writeString(inWarehouse, OLD_KEY);
        Map<String, String> env = Map.of(
                "XDG_CONFIG_HOME",
                dir.resolve("config").toString(),
                Pseudonymizer.KEY_ENV,
                "another-secret-of-sixteen-bytes");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Pseudonymizer.forWarehouse(warehouse.toUri().toString(), new Configuration(), env));
        assertTrue(
                e.getMessage().contains("delete " + "file:" + inWarehouse)
                        || e.getMessage().contains("delete"),
                e.getMessage());
        assertTrue(e.getMessage().contains(Pseudonymizer.KEY_FILE_ENV), e.getMessage());
        assertTrue(Files.exists(inWarehouse), "nothing is deleted on refusal");
    }
}
