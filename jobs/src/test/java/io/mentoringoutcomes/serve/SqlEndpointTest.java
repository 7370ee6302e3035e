package io.mentoringoutcomes.serve;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/mentoring-outcomes serve} as a BI tool meets it: a separate process (the README's
 * command) running Spark's Thrift Server over a warehouse with planted gold figures, and the Hive
 * JDBC driver, the client Spark ships and BI tools' Spark connectors speak the same protocol as.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlEndpointTest extends SparkTestBase {

    static final StructType ROI = StructType.fromDDL("program_id STRING, horizon_months INT, "
            + "roi DOUBLE COMMENT '(benefit - total_cost) / total_cost.', roi_ci_low DOUBLE, roi_ci_high DOUBLE, suppressed BOOLEAN");
    static final StructType EMPLOYEES = StructType.fromDDL("employee_id STRING, salary DOUBLE");

    @TempDir
    static Path dir;
    static Warehouse wh;
    static Process server;
    static final List<String> serverOutput = Collections.synchronizedList(new ArrayList<>());
    static String url;

    static Dataset<Row> roi(double allRoi) {
        return spark.createDataFrame(List.of(
                RowFactory.create("ALL", 12, allRoi, allRoi - 1.0, allRoi + 1.0, false),
                RowFactory.create("P-LEAD", 12, -0.25, -1.5, 1.0, false),
                RowFactory.create("P-TINY", 12, null, null, null, true)), ROI);
    }

    @BeforeAll
    static void startServer() throws Exception {
        // A folder name with a space, an apostrophe and "%20": none of them may reach SQL or a URI unquoted.
        wh = new Warehouse(spark, dir.resolve("with space/it's %20/warehouse").toString());
        wh.overwrite("gold.program_roi", roi(1.5));
        wh.overwrite("silver.employees", spark.createDataFrame(
                List.of(RowFactory.create("E1", 81000.0)), EMPLOYEES));

        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(projectRoot().resolve("bin/mentoring-outcomes").toString(), "serve",
                "--warehouse", wh.root(), "--port", String.valueOf(port), "--master", "local[1]",
                "--metastore-dir", dir.resolve("metastore").toString())
                .redirectErrorStream(true);
        pb.environment().put("MENTORING_JAVA_OPTS", "-Xmx1g");
        server = pb.start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    serverOutput.add(line);
                    if (line.startsWith("[serve] ready")) {
                        ready.complete(line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("serve ended before it was ready:\n"
                    + String.join("\n", serverOutput)));
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
        String line = ready.get(300, TimeUnit.SECONDS);
        url = "jdbc:hive2://127.0.0.1:" + port + "/gold";
        assertTrue(line.contains(url), line);
        Class.forName("org.apache.hive.jdbc.HiveDriver");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.destroy(); // SIGTERM: serve's shutdown hook stops the Thrift Server and Spark
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                out.add(row);
            }
        }
        return out;
    }

    static String refusal(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }, sql);
        return e.getMessage();
    }

    @Test
    @Order(1)
    void aJdbcClientReadsProgramRoi() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            assertEquals(List.of(
                            List.of("ALL", 12, 1.5, 0.5, 2.5),
                            List.of("P-LEAD", 12, -0.25, -1.5, 1.0)),
                    rows(c, "SELECT program_id, horizon_months, roi, roi_ci_low, roi_ci_high FROM gold.program_roi "
                            + "WHERE NOT suppressed ORDER BY program_id"));
            // A suppressed figure stays NULL over JDBC, never 0.
            assertEquals(Collections.singletonList(null),
                    rows(c, "SELECT roi FROM program_roi WHERE program_id = 'P-TINY'").get(0));
            assertTrue(rows(c, "SHOW TABLES IN gold").stream().anyMatch(r -> r.contains("program_roi")));
            // What a BI tool asks before it draws: the columns and their types, through JDBC metadata.
            List<String> columns = new ArrayList<>();
            String roiRemarks = null;
            try (ResultSet rs = c.getMetaData().getColumns(null, "gold", "program_roi", null)) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME"));
                    if (rs.getString("COLUMN_NAME").equals("roi")) {
                        roiRemarks = rs.getString("REMARKS");
                    }
                }
            }
            assertEquals(List.of("program_id STRING", "horizon_months INT", "roi DOUBLE", "roi_ci_low DOUBLE",
                    "roi_ci_high DOUBLE", "suppressed BOOLEAN"), columns);
            // The table's column comments reach the BI tool through the view.
            assertEquals("(benefit - total_cost) / total_cost.", roiRemarks);
        }
    }

    /** A SQL string literal (the warehouse's folder name has an apostrophe). */
    static String sqlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    @Order(2)
    void servesOnlyGoldAndRefusesWrites() throws Exception {
        long version = wh.version("gold.program_roi");
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            List<Object> databases = rows(c, "SHOW DATABASES").stream().map(r -> r.get(0)).toList();
            assertEquals(List.of("default", "gold"), databases);
            assertTrue(refusal(c, "SELECT * FROM silver.employees").contains("TABLE_OR_VIEW_NOT_FOUND"));
            // Nor by path, the way around a catalog: only the served views read data.
            String silverPath = "delta.`" + wh.path("silver.employees") + "`";
            for (String around : List.of("SELECT * FROM " + silverPath,
                    "SELECT p.roi FROM gold.program_roi p JOIN " + silverPath + " e ON p.program_id = e.employee_id",
                    "DESCRIBE " + silverPath,
                    "SELECT * FROM parquet.`" + wh.path("silver.employees") + "`")) {
                assertTrue(refusal(c, around).contains("other than the served views"), around);
            }

            for (String write : List.of(
                    "DROP VIEW gold.program_roi",
                    "CREATE TABLE gold.copy AS SELECT * FROM gold.program_roi",
                    "CREATE OR REPLACE VIEW gold.program_roi AS SELECT 1 AS roi",
                    "CREATE TEMPORARY VIEW mine AS SELECT 1 AS x",
                    "CREATE DATABASE scratch")) {
                String refused = refusal(c, write);
                assertTrue(refused.contains("is not a read"), write + " -> " + refused);
            }
            assertTrue(refusal(c, "SELECT * FROM table_changes_by_path(" + sqlString(wh.path("silver.employees")) + ", 0)")
                    .contains("read-only"));
            assertTrue(refusal(c, "INSERT INTO gold.program_roi VALUES ('X', 12, 9.0, 8.0, 10.0, false)")
                    .contains("is not a read"));
            // By path, the served table itself: the writes Delta offers are refused too.
            String goldPath = "delta.`" + wh.path("gold.program_roi") + "`";
            for (String write : List.of(
                    "INSERT INTO " + goldPath + " VALUES ('X', 12, 9.0, 8.0, 10.0, false)",
                    "DELETE FROM " + goldPath + " WHERE program_id = 'ALL'",
                    "RESTORE TABLE " + goldPath + " TO VERSION AS OF 0",
                    "VACUUM " + goldPath,
                    "MERGE INTO " + goldPath + " t USING (SELECT 'ALL' AS id) s ON t.program_id = s.id "
                            + "WHEN MATCHED THEN DELETE",
                    "UPDATE " + goldPath + " SET roi = 0",
                    "DESCRIBE HISTORY " + silverPath)) {
                String refused = refusal(c, write);
                assertTrue(refused.contains("is not a read"), write + " -> " + refused);
            }
            assertTrue(refusal(c, "SELECT * FROM table_changes_by_path(" + sqlString(wh.path("silver.employees")) + ", 0)")
                    .contains("read-only"));
            assertTrue(refusal(c, "SELECT java_method('java.lang.System', 'exit', 0)").contains("reflect/java_method"));
            assertTrue(refusal(c, "SELECT roi FROM gold.program_roi WHERE reflect('java.lang.System', 'getenv', 'HOME') "
                    + "IS NOT NULL").contains("reflect/java_method"));
            assertEquals(3, rows(c, "SELECT * FROM gold.program_roi").size());
        }
        assertEquals(version, wh.version("gold.program_roi"), "the table was not written");
    }

    @Test
    @Order(3)
    void refusesSettingsThatReachFileSystemsOrCatalogs() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            for (String set : List.of(
                    "SET spark.sql.catalog.x=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog",
                    "SET fs.file.impl=org.apache.hadoop.fs.RawLocalFileSystem",
                    "SET spark.hadoop.fs.defaultFS=file:///")) {
                String refused = refusal(c, set);
                assertTrue(refused.contains("may not be changed"), set + " -> " + refused);
            }
            // A spark.sql.* setting is fine, and the session still reads.
            try (Statement st = c.createStatement()) {
                st.execute("SET spark.sql.shuffle.partitions=3");
            }
            assertEquals(3, rows(c, "SELECT * FROM gold.program_roi").size());
        }
        // The same catalog passed in the JDBC URL reaches the session without a statement: every
        // statement of that session is refused before it is parsed, so no connection is ever opened.
        String withCatalog = url + "?spark.sql.catalog.x=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog"
                + ";spark.sql.catalog.x.url=jdbc:derby:memory:x";
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Connection c = DriverManager.getConnection(withCatalog, "bi-reader", "")) {
                rows(c, "SHOW TABLES IN x.APP");
            }
        });
        assertTrue(e.getMessage().contains("is not accepted"), e.getMessage());
    }

    @Test
    @Order(4) // rewrites the planted figures
    void aNewPublishShowsWithoutRestart() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            double before = (double) rows(c, "SELECT roi FROM gold.program_roi WHERE program_id = 'ALL'").get(0).get(0);
            wh.overwrite("gold.program_roi", roi(before + 1.0));
            assertEquals(List.of(List.of(before + 1.0)),
                    rows(c, "SELECT roi FROM gold.program_roi WHERE program_id = 'ALL'"));
        }
    }

    @Test
    void viewsCoverTheLayersAskedFor() {
        Warehouse local = new Warehouse(spark, dir.resolve("views-warehouse").toString());
        local.overwrite("gold.program_roi", roi(1.5));
        local.overwrite("silver.employees", spark.createDataFrame(List.of(RowFactory.create("E1", 81000.0)), EMPLOYEES));
        local.overwrite("ops.quarantine", spark.createDataFrame(List.of(RowFactory.create("E1", 1.0)), EMPLOYEES));
        assertEquals(List.of("gold.program_roi"), SqlEndpoint.createViews(local, GoldSource.current(local), List.of("gold")));
        assertEquals(List.of("silver.employees", "gold.program_roi"),
                SqlEndpoint.createViews(local, GoldSource.current(local), List.of("gold", "silver")));
        assertEquals("VIEW", tableType("silver.employees"));
        assertEquals(81000.0, spark.sql("SELECT salary FROM silver.employees").head().getDouble(0));
        // Back to tables for the test classes after this one in the shared session.
        local.register("silver.employees");
        local.register("gold.program_roi");
    }

    private static String tableType(String table) {
        try {
            return spark.catalog().getTable(table).tableType();
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new AssertionError(e);
        }
    }
}
