package io.mentoringoutcomes.serve;

import static io.mentoringoutcomes.serve.SqlEndpointTest.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.ServeProcess;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/mentoring-outcomes serve} with authentication, TLS and the HTTP transport, as separate
 * processes over a warehouse with planted gold figures, reached with the Hive JDBC driver 2.3.9.
 * Two servers only, since each start is expensive: password + TLS on binary Thrift, and password on
 * HTTP. The users file is written by {@code serve users add} with the password on stdin, and the
 * keystore is the test's own, made with the JDK's keytool. Both serve the published night from
 * memory, not a later unpublished write, and switch to a newly published night without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlEndpointSecurityTest extends SparkTestBase {

    static final StructType ROI =
            StructType.fromDDL("program_id STRING, horizon_months INT, roi DOUBLE, suppressed BOOLEAN");
    static final String PASSWORD = "alice-long-password";
    static final String STORE_PASSWORD = "keystore-secret-1";
    static final String TRUST_PASSWORD = "truststore-secret";
    /**
     * What the planted gold.program_roi answers, worked by hand from the rows written below: the
     * published night's version, not the unpublished write after it (ALL at 9.75).
     */
    static final List<List<Object>> ROI_ROWS = List.of(List.of("ALL", 12, 1.5), List.of("P-LEAD", 12, -0.25));

    static final String ROI_QUERY = "SELECT program_id, horizon_months, roi\nFROM program_roi WHERE NOT suppressed "
            + "AND program_id <> 'NOT-IN-THE-LOG' ORDER BY program_id";

    @TempDir
    static Path dir;

    static Warehouse wh;
    static Path users;
    static Path trustStore;
    static ServeProcess tls;
    static ServeProcess http;

    @BeforeAll
    static void start() throws Exception {
        wh = new Warehouse(spark, dir.resolve("warehouse").toString());
        wh.overwrite(
                "gold.program_roi",
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("ALL", 12, 1.5, false),
                                RowFactory.create("P-LEAD", 12, -0.25, false),
                                RowFactory.create("P-TINY", 12, null, true)),
                        ROI));
        // That version is the published night; a later write without a publish must not be served.
        publish("night-1", java.time.LocalDate.of(2026, 11, 1), wh.version("gold.program_roi"));
        wh.overwrite(
                "gold.program_roi", spark.createDataFrame(List.of(RowFactory.create("ALL", 12, 9.75, false)), ROI));

        users = dir.resolve("serve-users");
        Process add = new ProcessBuilder(
                        launcher(),
                        "serve",
                        "users",
                        "add",
                        "alice",
                        "--users-file",
                        users.toString(),
                        "--password-stdin",
                        "--iterations",
                        "100000")
                .redirectErrorStream(true)
                .start();
        try (OutputStream stdin = add.getOutputStream()) {
            stdin.write((PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String addOutput = new String(add.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(add.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, add.exitValue(), addOutput);
        assertFalse(Files.readString(users).contains(PASSWORD));

        Path keystore = dir.resolve("serve.p12");
        Path cert = dir.resolve("serve.crt");
        trustStore = dir.resolve("trust.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "serve",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-alias",
                "serve",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                cert.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "serve",
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                TRUST_PASSWORD);

        // Both start at once: most of a start is waiting on Spark and the metastore.
        CompletableFuture<ServeProcess> tlsStart = startServer(
                "tls",
                Map.of(EndpointSecurity.KEYSTORE_PASSWORD_ENV, STORE_PASSWORD),
                "--auth",
                "password",
                "--users-file",
                users.toString(),
                "--keystore",
                keystore.toString(),
                "--port",
                "%PORT%");
        CompletableFuture<ServeProcess> httpStart = startServer(
                "http",
                Map.of(),
                "--auth",
                "password",
                "--users-file",
                users.toString(),
                "--transport",
                "http",
                "--http-port",
                "%PORT%",
                "--port",
                String.valueOf(freePort()),
                "--refresh-seconds",
                "1");
        tls = tlsStart.get(420, TimeUnit.SECONDS);
        http = httpStart.get(420, TimeUnit.SECONDS);
        Class.forName("org.apache.hive.jdbc.HiveDriver");
        DriverManager.setLoginTimeout(60);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (ServeProcess s : new ServeProcess[] {tls, http}) {
            if (s != null) {
                s.close();
            }
        }
    }

    static String launcher() {
        return projectRoot().resolve("bin/mentoring-outcomes").toString();
    }

    static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    static int freePort() throws IOException {
        return ServeProcess.freePort();
    }

    static CompletableFuture<ServeProcess> startServer(String name, Map<String, String> env, String... options)
            throws IOException {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of(
                "--warehouse",
                wh.root(),
                "--master",
                "local[1]",
                "--metastore-dir",
                dir.resolve("metastore-" + name).toString()));
        for (String o : options) {
            args.add(o.equals("%PORT%") ? String.valueOf(port) : o);
        }
        return ServeProcess.start(projectRoot(), name, port, env, args);
    }

    String tlsUrl() {
        return "jdbc:hive2://127.0.0.1:" + tls.port() + "/gold;ssl=true;sslTrustStore=" + trustStore
                + ";trustStorePassword=" + TRUST_PASSWORD;
    }

    String httpUrl() {
        return "jdbc:hive2://127.0.0.1:" + http.port() + "/gold;transportMode=http;httpPath=cliservice";
    }

    static void awaitLogged(ServeProcess s, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!s.logged(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(s.logged(text), "not logged: " + text + "\n" + String.join("\n", s.output()));
    }

    @Test
    @Order(1)
    void overTlsTheRightPasswordReadsGoldAndAWrongOneIsRefused() throws Exception {
        for (String[] wrong : new String[][] {{"alice", "alice-long-passworD"}, {"mallory", PASSWORD}, {"alice", ""}}) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(tlsUrl(), wrong[0], wrong[1])
                            .close(),
                    wrong[0] + "/" + wrong[1]);
            assertTrue(e.getMessage().contains("Could not open client transport"), e.getMessage());
        }
        try (Connection c = DriverManager.getConnection(tlsUrl(), "alice", PASSWORD)) {
            assertEquals(ROI_ROWS, rows(c, ROI_QUERY));
        }
        // Who logged in and what they asked, first line only: neither the rest of the statement nor data.
        awaitLogged(tls, "login refused: user alice");
        awaitLogged(tls, "login refused: user mallory");
        awaitLogged(tls, "login: user alice");
        awaitLogged(tls, "by alice: SELECT program_id, horizon_months, roi …");
        assertFalse(tls.logged("NOT-IN-THE-LOG"), String.join("\n", tls.output()));
        assertFalse(tls.logged("P-LEAD"), String.join("\n", tls.output()));
        assertFalse(tls.logged(PASSWORD), "the password is never logged");
    }

    @Test
    @Order(2)
    void aPlainConnectionToTheTlsServerFailsAndSoDoesAnUntrustedCertificate() {
        String plain = "jdbc:hive2://127.0.0.1:" + tls.port() + "/gold";
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(plain, "alice", PASSWORD).close());
        // TLS with the JVM's default trust store: the test's self-signed certificate is not in it.
        String untrusted = "jdbc:hive2://127.0.0.1:" + tls.port() + "/gold;ssl=true";
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(untrusted, "alice", PASSWORD).close());
    }

    @Test
    @Order(3)
    void theHttpTransportReadsGoldWithThePasswordOnly() throws Exception {
        try (Connection c = DriverManager.getConnection(httpUrl(), "alice", PASSWORD)) {
            assertEquals(ROI_ROWS, rows(c, ROI_QUERY));
            assertEquals(List.of(List.of(2L)), rows(c, "SELECT count(*) FROM gold.program_roi WHERE roi IS NOT NULL"));
        }
        assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection(httpUrl(), "alice", "alice-long-passworD")) {
                rows(c, ROI_QUERY);
            }
        });
        // The binary port is not listening in HTTP mode: only --http-port is.
        assertTrue(http.logged("http transport"), String.join("\n", http.output()));
    }

    @Test
    @Order(4)
    void aRememberedAnswerNeverLetsAStatementPastTheGuard() throws Exception {
        try (Connection c = DriverManager.getConnection(tlsUrl(), "alice", PASSWORD)) {
            // Asked twice: the second answer is the one remembered for this night, and the same.
            assertEquals(ROI_ROWS, rows(c, ROI_QUERY));
            assertEquals(ROI_ROWS, rows(c, ROI_QUERY));
            // The night's gold is held on the driver: the plan scans local rows, not Delta files.
            String plan = rows(c, "EXPLAIN SELECT * FROM gold.program_roi")
                    .get(0)
                    .get(0)
                    .toString();
            assertTrue(plan.contains("LocalTableScan"), plan);
            assertFalse(plan.contains("FileScan"), plan);
            // A refused statement is refused every time it is sent.
            for (int attempt = 0; attempt < 3; attempt++) {
                String refused = SqlEndpointTest.refusal(c, "SELECT input_file_name(), roi FROM program_roi");
                assertTrue(refused.contains(ReadOnlyGuard.REFUSED), refused);
            }
        }
        // The remembered statement's very text, from a session carrying a catalog in its URL: refused
        // before it is parsed, so no remembered answer is given either.
        String withCatalog =
                tlsUrl() + "?spark.sql.catalog.x=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog";
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection(withCatalog, "alice", PASSWORD)) {
                rows(c, ROI_QUERY);
            }
        });
        assertTrue(e.getMessage().contains("is not accepted"), e.getMessage());
    }

    static long auditLines(ServeProcess s, String text) {
        synchronized (s.output()) {
            return s.output().stream().filter(l -> l.contains(text)).count();
        }
    }

    /**
     * An exact repeat is answered before it is parsed, keyed by its text, the session's settings,
     * catalog and database and the night: every statement that would make a name mean something
     * else in a session without changing that key is refused, and what does change it (a setting,
     * USE) changes the answer. A refused statement stays refused; every statement is audited.
     */
    @Test
    @Order(5)
    void anAnswerGivenWithoutParsingFollowsTheSessionAndRefusalsStay() throws Exception {
        // A first line no other test sends, so its audit lines are this test's alone.
        String query = "SELECT program_id, horizon_months, roi AS roi\nFROM program_roi WHERE NOT suppressed "
                + "ORDER BY program_id";
        String roiLine = "by alice: SELECT program_id, horizon_months, roi AS roi …";
        long audited = auditLines(tls, roiLine);
        try (Connection c = DriverManager.getConnection(tlsUrl(), "alice", PASSWORD)) {
            assertEquals(ROI_ROWS, rows(c, query));
            assertEquals(ROI_ROWS, rows(c, query));
            // Session objects that would change what a name means: none may be created.
            for (String sql : List.of(
                    "CREATE TEMPORARY VIEW program_roi AS SELECT 'X' AS program_id, 1 AS horizon_months, "
                            + "9.0 AS roi, false AS suppressed",
                    "CREATE OR REPLACE TEMP VIEW program_roi AS SELECT * FROM gold.program_roi WHERE false",
                    "CREATE GLOBAL TEMPORARY VIEW program_roi AS SELECT 1 AS x",
                    "CREATE TEMPORARY FUNCTION upper AS 'org.apache.hadoop.hive.ql.udf.generic.GenericUDFLower'",
                    "CACHE TABLE program_roi AS SELECT * FROM gold.program_roi WHERE false",
                    "DECLARE VARIABLE roi DOUBLE DEFAULT 0.0",
                    "SET VARIABLE roi = 0.0")) {
                String refused = SqlEndpointTest.refusal(c, sql);
                // Refused by the guard, or not even Spark SQL in this version (no session variables in 3.5).
                assertTrue(
                        refused.contains(ReadOnlyGuard.REFUSED) || refused.contains("ParseException"),
                        sql + " -> " + refused);
            }
            assertEquals(ROI_ROWS, rows(c, query), "the remembered answer is still the view's");
            // Another database: the same text now names a table that is not there.
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("USE default");
            }
            String missing = SqlEndpointTest.refusal(c, query);
            assertTrue(missing.contains("TABLE_OR_VIEW_NOT_FOUND"), missing);
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("USE gold");
            }
            assertEquals(ROI_ROWS, rows(c, query));

            // A setting that changes the answer: dividing by zero is NULL, or an error under ANSI.
            String divide = "SELECT program_id, roi / 0 AS r FROM program_roi WHERE program_id = 'ALL'";
            List<List<Object>> nullRoi = List.of(java.util.Arrays.asList("ALL", null));
            assertEquals(nullRoi, rows(c, divide));
            assertEquals(nullRoi, rows(c, divide));
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SET spark.sql.ansi.enabled=true");
            }
            String ansi = SqlEndpointTest.refusal(c, divide);
            assertTrue(ansi.contains("DIVIDE_BY_ZERO"), ansi);
            try (java.sql.Statement st = c.createStatement()) {
                st.execute("SET spark.sql.ansi.enabled=false");
            }
            assertEquals(nullRoi, rows(c, divide));

            // Refused the first, second and third time alike, remembered answers or not.
            for (String hostile : List.of(
                    "SELECT input_file_name(), roi FROM program_roi",
                    "SELECT TRANSFORM(program_id) USING 'cat /etc/hostname' AS (x) FROM program_roi")) {
                for (int attempt = 0; attempt < 3; attempt++) {
                    String refused = SqlEndpointTest.refusal(c, hostile);
                    assertTrue(refused.contains(ReadOnlyGuard.REFUSED), attempt + ": " + refused);
                }
            }
        }
        // Every statement is in the audit log, those answered without parsing too: five sent here.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (auditLines(tls, roiLine) < audited + 5 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(audited + 5, auditLines(tls, roiLine), String.join("\n", tls.output()));
    }

    @Test
    @Order(6)
    void aNonLoopbackHostWithoutAuthenticationIsRefusedBeforeAnythingListens() throws Exception {
        int port = freePort();
        Process p = new ProcessBuilder(
                        launcher(),
                        "serve",
                        "--warehouse",
                        wh.root(),
                        "--host",
                        "0.0.0.0",
                        "--port",
                        String.valueOf(port))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("error: --host 0.0.0.0 is not a loopback address"), out);
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress("127.0.0.1", port), 1000));
        }
    }

    static double allRoi(Connection c) throws SQLException {
        return (double) rows(c, "SELECT roi FROM program_roi WHERE program_id = 'ALL'")
                .get(0)
                .get(0);
    }

    @Test
    @Order(7) // publishes a night: runs last
    void aNewlyPublishedNightReplacesTheServedOneWithoutRestart() throws Exception {
        try (Connection c = DriverManager.getConnection(httpUrl(), "alice", PASSWORD)) {
            // Night 1 (1.5) is served, not the unpublished 9.75 written after it; asked twice, so
            // the answer is remembered for night 1.
            assertEquals(1.5, allRoi(c));
            assertEquals(1.5, allRoi(c));
            // Night 2 publishes the 9.75 version: served within a few seconds, the same statement
            // answered afresh rather than from what was remembered for night 1.
            publish("night-2", java.time.LocalDate.of(2026, 11, 2), wh.version("gold.program_roi"));
            awaitLogged(http, "[serve] now serving gold");
            String swap;
            synchronized (http.output()) {
                swap = http.output().stream()
                        .filter(l -> l.startsWith("[serve] now serving gold"))
                        .findFirst()
                        .orElseThrow();
            }
            java.util.regex.Matcher reused = java.util.regex.Pattern.compile("(\\d+) remembered answers given")
                    .matcher(swap);
            assertTrue(reused.find() && Long.parseLong(reused.group(1)) >= 1, swap);
            assertEquals(9.75, allRoi(c));
            // A write without a publish is still not served.
            wh.overwrite(
                    "gold.program_roi", spark.createDataFrame(List.of(RowFactory.create("ALL", 12, 3.25, false)), ROI));
            Thread.sleep(3000);
            assertEquals(9.75, allRoi(c));
        }
    }

    static void publish(String runId, java.time.LocalDate asOf, long roiVersion) {
        io.mentoringoutcomes.runs.PipelineRuns.record(
                new io.mentoringoutcomes.runs.RunContext(wh, "test", asOf, runId),
                "publish",
                "succeeded",
                java.time.Instant.now(),
                Map.of("gold_versions", Map.of("gold.program_roi", roiVersion)));
    }
}
