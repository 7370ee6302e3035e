package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hive.conf.HiveConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hive metastore a closing JDBC session opens is built once before serve is ready: the in-memory
 * Derby database, its schema and Hive's default database exist before any session has closed.
 */
class SqlEndpointMetastoreTest {

    @TempDir
    Path dir;

    @Test
    void theMetastoreExistsBeforeAnySessionCloses() throws Exception {
        String name = "serve-warm-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String derby = "jdbc:derby:memory:" + name;
        // Derby's log goes to this test's folder, not derby.log in the working directory (read when Derby starts).
        System.setProperty("derby.stream.error.file", dir.resolve("derby.log").toString());
        // The settings serve's Thrift Server runs with (Spark's execution Hive conf, then SqlEndpoint.start's).
        HiveConf conf = new HiveConf();
        conf.set("javax.jdo.option.ConnectionURL", derby + ";create=true");
        conf.set("datanucleus.schema.autoCreateAll", "true");
        conf.set("hive.metastore.schema.verification", "false");
        conf.set("hive.metastore.warehouse.dir", dir.toUri().toString());
        conf.setBoolean("hive.metastore.try.direct.sql", false);

        // Nothing there before: without create=true, Derby refuses to open a database that does not exist.
        assertThrows(
                SQLException.class, () -> DriverManager.getConnection(derby).close());

        SqlEndpoint.openMetastoreOnce(conf);

        List<String> databases = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(derby);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT NAME FROM DBS")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        assertEquals(List.of("default"), databases);
    }
}
