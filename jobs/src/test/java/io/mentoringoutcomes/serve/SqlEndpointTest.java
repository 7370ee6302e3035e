package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.ServeProcess;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

/**
 * {@code bin/mentoring-outcomes serve} as a BI tool meets it: a separate process (the README's
 * command) running Spark's Thrift Server over a warehouse with planted gold figures, and the Hive
 * JDBC driver, the client Spark ships and BI tools' Spark connectors speak the same protocol as.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqlEndpointTest extends SparkTestBase {

    static final StructType ROI = StructType.fromDDL(
            "program_id STRING, horizon_months INT, "
                    + "roi DOUBLE COMMENT '(benefit - total_cost) / total_cost.', roi_ci_low DOUBLE, roi_ci_high DOUBLE, suppressed BOOLEAN");
    static final StructType COSTS = StructType.fromDDL("program_id STRING, total_cost DOUBLE");
    static final StructType EMPLOYEES = StructType.fromDDL("employee_id STRING, salary DOUBLE");

    @TempDir
    static Path dir;

    static Warehouse wh;
    static ServeProcess server;
    static String url;

    static Dataset<Row> roi(double allRoi) {
        return spark.createDataFrame(
                List.of(
                        RowFactory.create("ALL", 12, allRoi, allRoi - 1.0, allRoi + 1.0, false),
                        RowFactory.create("P-LEAD", 12, -0.25, -1.5, 1.0, false),
                        RowFactory.create("P-TINY", 12, null, null, null, true)),
                ROI);
    }

    @BeforeAll
    static void startServer() throws Exception {
        // A folder name with a space, an apostrophe and "%20": none of them may reach SQL or a URI unquoted.
        wh = new Warehouse(spark, dir.resolve("with space/it's %20/warehouse").toString());
        wh.overwrite("gold.program_roi", roi(1.5));
        wh.overwrite(
                "gold.program_costs",
                spark.createDataFrame(
                        List.of(RowFactory.create("ALL", 1000.0), RowFactory.create("P-LEAD", 400.0)), COSTS));
        wh.overwrite("silver.employees", spark.createDataFrame(List.of(RowFactory.create("E1", 81000.0)), EMPLOYEES));

        int port = ServeProcess.freePort();
        server = ServeProcess.start(
                        projectRoot(),
                        "endpoint",
                        port,
                        Map.of(),
                        List.of(
                                "--warehouse",
                                wh.root(),
                                "--port",
                                String.valueOf(port),
                                "--master",
                                "local[1]",
                                "--metastore-dir",
                                dir.resolve("metastore").toString()))
                .get(300, TimeUnit.SECONDS);
        String line = server.output().stream()
                .filter(l -> l.startsWith("[serve] ready"))
                .findFirst()
                .orElseThrow();
        url = "jdbc:hive2://127.0.0.1:" + port + "/gold";
        assertTrue(line.contains(url), line);
        Class.forName("org.apache.hive.jdbc.HiveDriver");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.close();
        }
    }

    static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
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
        SQLException e = assertThrows(
                SQLException.class,
                () -> {
                    try (Statement st = c.createStatement()) {
                        st.execute(sql);
                    }
                },
                sql);
        return e.getMessage();
    }

    @Test
    @Order(1)
    void aJdbcClientReadsProgramRoi() throws Exception {
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            assertEquals(
                    List.of(List.of("ALL", 12, 1.5, 0.5, 2.5), List.of("P-LEAD", 12, -0.25, -1.5, 1.0)),
                    rows(
                            c,
                            "SELECT program_id, horizon_months, roi, roi_ci_low, roi_ci_high FROM gold.program_roi "
                                    + "WHERE NOT suppressed ORDER BY program_id"));
            // A suppressed figure stays NULL over JDBC, never 0.
            assertEquals(
                    Collections.singletonList(null),
                    rows(c, "SELECT roi FROM program_roi WHERE program_id = 'P-TINY'")
                            .get(0));
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
            assertEquals(
                    List.of(
                            "program_id STRING",
                            "horizon_months INT",
                            "roi DOUBLE",
                            "roi_ci_low DOUBLE",
                            "roi_ci_high DOUBLE",
                            "suppressed BOOLEAN"),
                    columns);
            // The table's column comments reach the BI tool through the view.
            assertEquals("(benefit - total_cost) / total_cost.", roiRemarks);
        }
    }

    /** Each column's name, JDBC type, type name, precision and scale, as a BI tool reads them. */
    static List<String> columnsOf(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i) + " " + md.getColumnType(i) + " " + md.getColumnTypeName(i) + "("
                        + md.getPrecision(i) + "," + md.getScale(i) + ")");
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void aRememberedAnswerHasTheColumnsOfTheFirstOne() throws Exception {
        // The first send runs the statement; the repeats are answered from what was remembered.
        String sql = "SELECT program_id, horizon_months AS months, roi, CAST(roi AS DECIMAL(10,3)) AS roi_3dp, "
                + "suppressed, count(*) OVER () AS n FROM program_roi WHERE program_id <> 'NOT-A-PROGRAM'";
        // Expected from the planted schema and the statement, as Hive JDBC 2.3 types them.
        List<String> expected = List.of(
                "program_id " + java.sql.Types.VARCHAR + " string(2147483647,0)",
                "months " + java.sql.Types.INTEGER + " int(10,0)",
                "roi " + java.sql.Types.DOUBLE + " double(15,15)",
                "roi_3dp " + java.sql.Types.DECIMAL + " decimal(10,3)",
                "suppressed " + java.sql.Types.BOOLEAN + " boolean(1,0)",
                "n " + java.sql.Types.BIGINT + " bigint(19,0)");
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            assertEquals(expected, columnsOf(c, sql), "the first answer");
            assertEquals(expected, columnsOf(c, sql), "the remembered answer");
        }
        // And from another session, which finds it remembered before parsing.
        try (Connection c = DriverManager.getConnection(url, "bi-reader-2", "")) {
            assertEquals(expected, columnsOf(c, sql), "the remembered answer, another session");
            assertEquals(3, rows(c, sql).size());
        }
    }

    @Test
    @Order(2)
    void refusesTheHostileCorpusAndKeepsServing() throws Exception {
        long roiVersion = wh.version("gold.program_roi");
        long costsVersion = wh.version("gold.program_costs");
        Path marker = dir.resolve("marker");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("GOLD_PATH", wh.path("gold.program_roi"));
        values.put("SILVER_PATH", wh.path("silver.employees"));
        values.put("MARKER", marker.toString());
        values.put("DIR", dir.toString());
        List<String> corpus =
                PlanAllowListTest.hostileCorpus(values, List.of("gold.program_roi", "gold.program_costs"));
        try (Connection c = DriverManager.getConnection(url, "bi-reader", "")) {
            List<Object> databases =
                    rows(c, "SHOW DATABASES").stream().map(r -> r.get(0)).toList();
            assertEquals(List.of("default", "gold"), databases);
            // A layer that is not served is refused by its name, before the catalog is asked.
            String unserved = refusal(c, "SELECT * FROM silver.employees");
            assertTrue(
                    unserved.contains(
                            "not allowed: a read of something other than the served views (silver.employees)"),
                    unserved);
            String unknown = refusal(c, "SELECT * FROM gold.no_such_table");
            assertTrue(unknown.contains("TABLE_OR_VIEW_NOT_FOUND"), unknown);
            List<String> wrong = new ArrayList<>();
            for (String sql : corpus) {
                // The Thrift Server appends its stack trace to the message; the refusal is its first line.
                String refused = refusal(c, sql).lines().findFirst().orElse("");
                if (!refused.contains(ReadOnlyGuard.REFUSED)) {
                    wrong.add(sql + " -> " + refused);
                }
            }
            assertEquals(List.of(), wrong, "statements not refused with serve's one-line message");
            assertTrue(refusal(c, "SELECT TRANSFORM(1) USING 'id' AS (x)").contains("TRANSFORM ... USING"));

            // The same connection still reads, joins and aggregates the gold views.
            assertEquals(
                    List.of(Arrays.asList("ALL", 1.5), Arrays.asList("P-LEAD", -0.25), Arrays.asList("P-TINY", null)),
                    rows(c, "SELECT program_id, roi FROM program_roi ORDER BY program_id"));
            assertEquals(
                    List.of(List.of("ALL", 1500.0), List.of("P-LEAD", -100.0)),
                    rows(
                            c,
                            "SELECT r.program_id, c.total_cost * r.roi FROM gold.program_roi r "
                                    + "JOIN gold.program_costs c ON r.program_id = c.program_id ORDER BY r.program_id"));
            assertEquals(List.of(List.of(3L, 1.25)), rows(c, "SELECT count(*), sum(roi) FROM gold.program_roi"));
        }
        assertFalse(Files.exists(marker), "no statement wrote the marker");
        assertEquals(roiVersion, wh.version("gold.program_roi"), "the table was not written");
        assertEquals(costsVersion, wh.version("gold.program_costs"), "the table was not written");
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
                assertTrue(refused.contains("not allowed: changing the setting"), set + " -> " + refused);
            }
            // A spark.sql.* setting is fine, and the session still reads.
            try (Statement st = c.createStatement()) {
                st.execute("SET spark.sql.shuffle.partitions=3");
            }
            assertEquals(3, rows(c, "SELECT * FROM gold.program_roi").size());
        }
        // The same catalog passed in the JDBC URL reaches the session without a statement: every
        // statement of that session is refused before it is parsed, so no connection is ever opened.
        String withCatalog =
                url + "?spark.sql.catalog.x=org.apache.spark.sql.execution.datasources.v2.jdbc.JDBCTableCatalog"
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
            double before = (double) rows(c, "SELECT roi FROM gold.program_roi WHERE program_id = 'ALL'")
                    .get(0)
                    .get(0);
            wh.overwrite("gold.program_roi", roi(before + 1.0));
            assertEquals(
                    List.of(List.of(before + 1.0)),
                    rows(c, "SELECT roi FROM gold.program_roi WHERE program_id = 'ALL'"));
        }
    }

    @Test
    void viewsCoverTheLayersAskedFor() {
        Warehouse local = new Warehouse(spark, dir.resolve("views-warehouse").toString());
        local.overwrite("gold.program_roi", roi(1.5));
        local.overwrite(
                "silver.employees", spark.createDataFrame(List.of(RowFactory.create("E1", 81000.0)), EMPLOYEES));
        local.overwrite("ops.quarantine", spark.createDataFrame(List.of(RowFactory.create("E1", 1.0)), EMPLOYEES));
        assertEquals(
                List.of("gold.program_roi"),
                SqlEndpoint.createViews(local, GoldSource.current(local), List.of("gold")));
        assertEquals(
                List.of("silver.employees", "gold.program_roi"),
                SqlEndpoint.createViews(local, GoldSource.current(local), List.of("gold", "silver")));
        assertEquals("VIEW", tableType("silver.employees"));
        assertEquals(
                81000.0, spark.sql("SELECT salary FROM silver.employees").head().getDouble(0));
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
