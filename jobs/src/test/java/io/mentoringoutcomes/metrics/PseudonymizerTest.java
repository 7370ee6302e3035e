package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Expected digests are RFC 4231's published HMAC-SHA-256 test vectors. */
class PseudonymizerTest extends SparkTestBase {

    private static final byte[] JEFE = "Jefe".getBytes(StandardCharsets.UTF_8);
    private static final String CASE2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    @Test
    void rfc4231TestCases() {
        assertEquals(CASE2, Pseudonymizer.hmacSha256Hex(JEFE, "what do ya want for nothing?"));
        byte[] case1Key = new byte[20];
        Arrays.fill(case1Key, (byte) 0x0b);
        assertEquals(
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                Pseudonymizer.hmacSha256Hex(case1Key, "Hi There"));
    }

    @Test
    void columnMatchesTheVectorAndTruncates() {
        Pseudonymizer p = new Pseudonymizer(JEFE);
        List<Row> rows = spark.sql(
                        "SELECT * FROM VALUES ('what do ya want for nothing?'), (CAST(NULL AS STRING)) AS t(id)")
                .select(p.column(col("id"), 64).as("full"), p.column(col("id")).as("short"))
                .collectAsList();
        assertEquals(CASE2, rows.get(0).getString(0));
        assertEquals(CASE2.substring(0, 16), rows.get(0).getString(1));
        assertTrue(rows.get(1).isNullAt(0), "null ids stay null");
    }

    @Test
    void keyFromEnvironmentOrFileOrFailure(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String secret = "0123456789abcdef0123";
        assertEquals(
                new Pseudonymizer(secret.getBytes(StandardCharsets.UTF_8)).pseudonym("m1"),
                Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.KEY_ENV, secret))
                        .pseudonym("m1"));
        Path file = dir.resolve("pseudonym.key");
        Files.writeString(file, secret + "\n");
        assertEquals(
                Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.KEY_ENV, secret))
                        .pseudonym("m1"),
                Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.KEY_FILE_ENV, file.toString()))
                        .pseudonym("m1"));
        IllegalStateException none =
                assertThrows(IllegalStateException.class, () -> Pseudonymizer.fromEnvironment(Map.of()));
        assertTrue(none.getMessage().contains(Pseudonymizer.KEY_ENV));
        assertThrows(
                IllegalStateException.class,
                () -> Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.KEY_ENV, "short")));
    }
}
