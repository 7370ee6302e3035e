package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.QueryOutput;
import io.mentoringoutcomes.ServeProcess;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.cli.Main;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A whole night into a real S3 API server on 127.0.0.1: S3Proxy (Maven Central; its
 * jar-with-dependencies is copied to target/s3proxy by the build) in its own JVM with a filesystem
 * backend. The night writes through {@code s3a://} (hadoop-aws); {@code query} and a {@code serve}
 * process read the figures back through {@code s3a://}, and both must equal the same Delta table
 * read straight from S3Proxy's backing folder, a path that shares nothing with s3a.
 */
class ObjectStorageTest extends SparkTestBase {

    static final String BUCKET = "mentoring";
    static final String IDENTITY = "mo-test-identity";
    static final String CREDENTIAL = "mo-test-credential-7f3a";
    static final String ROI = "SELECT program_id, horizon_months, replacement_cost_ratio, roi FROM gold.program_roi"
            + " ORDER BY program_id, horizon_months, replacement_cost_ratio";

    static Path dir;
    static Process s3proxy;
    static int port;
    static int runExit;
    static Map<String, String> s3a;

    @BeforeAll
    static void nightIntoS3Proxy() throws Exception {
        dir = Files.createTempDirectory("mo-s3");
        Path jar = projectRoot().resolve("jobs/target/s3proxy/s3proxy.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": the build copies it (process-test-classes)");
        Files.createDirectories(dir.resolve("blobs").resolve(BUCKET)); // the filesystem backend's bucket
        port = ServeProcess.freePort();
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(
                props,
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + IDENTITY,
                        "s3proxy.credential=" + CREDENTIAL,
                        "jclouds.provider=filesystem",
                        "jclouds.identity=" + IDENTITY,
                        "jclouds.credential=" + CREDENTIAL,
                        "jclouds.filesystem.basedir=" + dir.resolve("blobs"),
                        ""));
        s3proxy = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        jar.toString(),
                        "--properties",
                        props.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("s3proxy.log").toFile())
                .start();
        waitForPort(port, 120);

        // What a deployment passes as spark.hadoop.* settings (the launcher: -D in MENTORING_JAVA_OPTS).
        s3a = new LinkedHashMap<>();
        s3a.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
        s3a.put("fs.s3a.endpoint.region", "us-east-1");
        s3a.put("fs.s3a.path.style.access", "true");
        s3a.put("fs.s3a.connection.ssl.enabled", "false");
        s3a.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        s3a.put("fs.s3a.access.key", IDENTITY);
        s3a.put("fs.s3a.secret.key", CREDENTIAL);
        s3a.put("fs.s3a.attempts.maximum", "2");
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        s3a.forEach(hadoop::set);
        // Directory markers are kept by the session's own default (SparkSessionProvider), as in production.
        assertEquals("keep", hadoop.get("fs.s3a.directory.marker.retention"));

        runExit = Main.execute(
                "run",
                "--input",
                projectRoot().resolve("sample-data").toString(),
                "--warehouse",
                "s3a://" + BUCKET + "/wh",
                "--run-id",
                "s3-night",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "2");
    }

    @AfterAll
    static void stop() throws Exception {
        // The shared session's catalog names the night's tables at s3a:// locations; once S3Proxy is
        // gone, the next test class to register one of those names would wait out S3A's retries on
        // each. Drop the names (only the catalog's entries: the tables are external) while it listens.
        for (String layer : Warehouse.LAYERS) {
            if (spark.catalog().databaseExists(layer)) {
                for (org.apache.spark.sql.catalog.Table t :
                        spark.catalog().listTables(layer).collectAsList()) {
                    spark.sql("DROP " + ("VIEW".equals(t.tableType()) ? "VIEW" : "TABLE") + " IF EXISTS `" + layer
                            + "`.`" + t.name() + "`");
                }
            }
        }
        if (s3proxy != null) {
            s3proxy.destroy();
            if (!s3proxy.waitFor(20, TimeUnit.SECONDS)) {
                s3proxy.destroyForcibly();
            }
        }
    }

    @Test
    void aWholeNightLandsInS3AndReadsBackWithQueryAndServe() throws Exception {
        assertEquals(0, runExit, "the night on s3a:// (S3Proxy log: " + dir.resolve("s3proxy.log") + ")");
        // The objects are in the S3 server's backing store, not on a local warehouse path.
        Path goldRoi = dir.resolve("blobs").resolve(BUCKET).resolve("wh/gold/program_roi");
        assertTrue(Files.isDirectory(goldRoi.resolve("_delta_log")), "gold.program_roi is not in S3Proxy's store");

        // The same table read from the server's folder with the local filesystem: an independent path.
        List<String> direct = new ArrayList<>();
        for (Row r : spark.read()
                .format("delta")
                .load(goldRoi.toUri().toString())
                .orderBy("program_id", "horizon_months", "replacement_cost_ratio")
                .select("program_id", "horizon_months", "replacement_cost_ratio", "roi")
                .collectAsList()) {
            direct.add(csv(r.get(0), r.get(1), r.get(2), r.get(3)));
        }
        assertTrue(direct.size() > 2, direct.toString());

        String warehouse = "s3a://" + BUCKET + "/wh";
        List<String> viaQuery = List.of(QueryOutput.csv(warehouse, ROI).split("\n"));
        assertEquals("program_id,horizon_months,replacement_cost_ratio,roi", viaQuery.get(0));
        assertEquals(direct, viaQuery.subList(1, viaQuery.size()));
        // The night is recorded in the warehouse on S3 too.
        assertEquals(
                "status\nsucceeded\n",
                QueryOutput.csv(
                        warehouse,
                        "SELECT status FROM ops.pipeline_runs WHERE run_id = 's3-night' AND stage = 'publish'"
                                + " AND status <> 'started'"));

        assertEquals(direct, servedRoi(warehouse));
    }

    /** gold.program_roi as a JDBC client of a {@code serve} process on the s3a:// warehouse reads it. */
    private static List<String> servedRoi(String warehouse) throws Exception {
        int servePort = ServeProcess.freePort();
        String javaOpts = "-Xmx1g "
                + s3a.entrySet().stream()
                        .map(e -> "-Dspark.hadoop." + e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" "));
        try (ServeProcess server = ServeProcess.start(
                        projectRoot(),
                        "s3",
                        servePort,
                        Map.of("MENTORING_JAVA_OPTS", javaOpts),
                        List.of(
                                "--warehouse",
                                warehouse,
                                "--port",
                                String.valueOf(servePort),
                                "--master",
                                "local[1]",
                                "--metastore-dir",
                                dir.resolve("metastore").toString()))
                .get(300, TimeUnit.SECONDS)) {
            Class.forName("org.apache.hive.jdbc.HiveDriver");
            List<String> rows = new ArrayList<>();
            try (Connection c = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + servePort + "/gold", "bi", "");
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery(ROI)) {
                while (rs.next()) {
                    rows.add(csv(rs.getObject(1), rs.getObject(2), rs.getObject(3), rs.getObject(4)));
                }
            }
            return rows;
        }
    }

    private static String csv(Object... values) {
        List<String> out = new ArrayList<>();
        for (Object v : values) {
            out.add(v == null ? "" : v.toString());
        }
        return String.join(",", out);
    }

    private static void waitForPort(int port, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            assertTrue(s3proxy.isAlive(), "S3Proxy exited: see " + dir.resolve("s3proxy.log"));
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("S3Proxy not listening on 127.0.0.1:" + port + " after " + seconds + " s");
    }
}
