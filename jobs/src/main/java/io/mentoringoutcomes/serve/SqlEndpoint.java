package io.mentoringoutcomes.serve;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;

/**
 * The SQL endpoint BI tools connect to: Spark's Thrift Server (the HiveServer2 protocol, so any
 * Hive JDBC/ODBC client, Tableau, Power BI or Superset) over read-only views of the warehouse.
 *
 * <p>The views live in Spark's in-memory catalog, recreated at every start: the warehouse stays
 * the only truth, nothing about the catalog needs migrating, and resolving a view costs no
 * metastore round trip (a Hive metastore in Derby cost a statement more than its answer). Each
 * view reads its table by path: gold as the published night ({@link ServedNight}), other layers
 * as they are now.
 */
public final class SqlEndpoint {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SqlEndpoint.class);

    /** Where and how to listen, and the folder of this process's own catalog and Thrift operation logs. */
    public record Settings(EndpointSecurity security, Path metastoreDir) {

        /** Loopback, binary, no authentication: the default. */
        public Settings(String host, int port, Path metastoreDir) {
            this(EndpointSecurity.loopback(host, port), metastoreDir);
        }
    }

    private SqlEndpoint() {}

    /** The session settings of a served session on top of the common ones. */
    public static Map<String, String> sessionSettings(Settings settings) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(
                "spark.sql.extensions",
                SparkSessionProvider.DELTA_EXTENSION + "," + ReadOnlyGuard.class.getName() + ","
                        + NightConsistency.class.getName());
        // Dashboards fire many small queries at once: share the cores between them (FAIR, and FAIR
        // inside the default pool too, which is FIFO unless an allocation file says otherwise),
        // keep Thrift worker threads ready, and skip the per-statement operation log file.
        // The Thrift Server runs on a session with Hive support, but the catalog is Spark's own, in memory.
        conf.put("spark.sql.catalogImplementation", "in-memory");
        conf.put("spark.scheduler.mode", "FAIR");
        conf.put(
                "spark.scheduler.allocation.file",
                fairPools(settings.metastoreDir()).toUri().toString());
        conf.put("spark.hadoop.hive.server2.thrift.min.worker.threads", "16");
        conf.put("spark.hadoop.hive.server2.thrift.http.min.worker.threads", "16");
        conf.put("spark.hadoop.hive.server2.logging.operation.enabled", "false");
        // Every answer is turned into rows by projections Spark generates and compiles per statement
        // (its code text rebuilt each time even when the class is cached): with gold-sized answers
        // that was about a fifth of a served statement's CPU. Interpreted projections cost less here.
        // Whole-stage code generation for the Spark jobs that remain is a separate setting and stays.
        conf.put("spark.sql.codegen.factoryMode", "NO_CODEGEN");
        conf.put(
                "spark.sql.warehouse.dir",
                settings.metastoreDir().resolve("spark-warehouse").toUri().toString());
        // Listening address, transport, authentication and TLS (all but the keystore password).
        conf.putAll(settings.security().sparkSettings());
        // Hive's default is one folder per user under java.io.tmpdir, which a second serve's stop deletes.
        conf.put(
                "spark.hadoop.hive.server2.logging.operation.log.location",
                settings.metastoreDir()
                        .resolve("operation_logs")
                        .toAbsolutePath()
                        .toString());
        // Hive's local scratch folder (default java.io.tmpdir/<user>): a closing JDBC session looks
        // there for its .pipeout files and logs an ERROR when the folder is missing; and the
        // per-session resources folder (default java.io.tmpdir/<session>_resources), left behind
        // otherwise. Both live in this process's folder, created here and removed on exit.
        conf.put(
                "spark.hadoop.hive.exec.local.scratchdir",
                folder(settings.metastoreDir().resolve("scratch")));
        conf.put(
                "spark.hadoop.hive.downloaded.resources.dir",
                folder(settings.metastoreDir().resolve("resources")) + "/${hive.session.id}_resources");
        return conf;
    }

    private static String folder(Path dir) {
        try {
            return java.nio.file.Files.createDirectories(dir).toAbsolutePath().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static Path fairPools(Path dir) {
        Path file = dir.resolve("fairscheduler.xml");
        try {
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(
                    file,
                    "<?xml version=\"1.0\"?>\n<allocations>\n  <pool name=\"default\">\n"
                            + "    <schedulingMode>FAIR</schedulingMode>\n    <weight>1</weight>\n    <minShare>0</minShare>\n"
                            + "  </pool>\n</allocations>\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /**
     * Creates a view {@code layer.noun} for every table of the given layers: gold as {@code gold}
     * reads it (current or a pinned night), the other layers as they are now. Returns the names.
     */
    public static List<String> createViews(Warehouse wh, GoldSource gold, Collection<String> layers) {
        SparkSession spark = wh.spark();
        List<String> views = new ArrayList<>();
        for (String layer : Warehouse.LAYERS) {
            if (!layers.contains(layer)) {
                continue;
            }
            List<String> tables = layer.equals("gold") ? gold.tables() : wh.tables(layer);
            if (tables.isEmpty()) {
                continue;
            }
            spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
            for (String table : tables) {
                String query =
                        layer.equals("gold") ? gold.viewQuery(table) : "SELECT * FROM " + wh.pathIdentifier(table);
                wh.unregister(table);
                spark.sql("CREATE VIEW " + table + " AS " + query);
                views.add(table);
            }
        }
        return views;
    }

    /**
     * Arms the read-only guard for {@code views} and starts the Thrift Server on the warehouse's
     * (Hive-catalog) session, with the authentication, TLS and transport of {@code settings}.
     */
    public static HiveThriftServer2 start(Warehouse wh, List<String> views, Settings settings) {
        SparkSession spark = wh.spark();
        EndpointSecurity security = settings.security();
        // The keystore password goes only into Hive's own configuration, where no SQL statement can
        // list it: the server takes the HiveConf of this thread's Hive session when there is one
        // (the metastore client's), else builds one from the Hadoop configuration.
        security.secretHadoopSettings().forEach(spark.sparkContext().hadoopConfiguration()::set);
        org.apache.hadoop.hive.ql.session.SessionState hive = org.apache.hadoop.hive.ql.session.SessionState.get();
        if (hive != null) {
            security.secretHadoopSettings().forEach(hive.getConf()::set);
        }
        security.providerSystemProperties().forEach(System::setProperty);
        if (security.options().auth() == EndpointSecurity.Auth.PASSWORD) {
            UsersFileAuthenticator.use(security.options().usersFile());
        }
        if (security.authenticated()) {
            spark.sparkContext().addSparkListener(new StatementAuditLog());
        }
        ReadOnlyGuard.arm(spark, views.stream().map(wh::path).toList());
        HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
        // Closing a JDBC session makes Hive open its metastore client (only to drop DataNucleus's
        // class loaders). The views live in Spark's in-memory catalog, so that client has nothing
        // to read; an in-memory Derby of this process's own lets it open instead of retrying a URL
        // it cannot open (ten times, two seconds apart, logging ERRORs).
        server.getHiveConf()
                .set(
                        "javax.jdo.option.ConnectionURL",
                        "jdbc:derby:memory:" + settings.metastoreDir().getFileName() + ";create=true");
        // That client is built anew at every close; without direct SQL it skips the test queries its
        // initialisation runs against Derby, which were about half of a closing session's CPU.
        server.getHiveConf().setBoolean("hive.metastore.try.direct.sql", false);
        openMetastoreOnce(server.getHiveConf());
        return server;
    }

    /**
     * Builds and closes that metastore client once, before serve says it is ready. The first client
     * ever built in the process creates the in-memory Derby schema and Hive's default database and
     * roles (over a second of CPU on 2 cores); later ones skip that. Without this, the first JDBC
     * session to close paid it while dashboards were being answered.
     */
    static void openMetastoreOnce(org.apache.hadoop.hive.conf.HiveConf serverConf) {
        // On a thread of its own, as a closing session's is: Hive keeps its client per thread, and
        // this thread's (the execution client's) must stay as it is. A failure only costs the time
        // again at the first close, which tolerates it as before: a warning, and serve goes on.
        Thread warm = new Thread(
                () -> {
                    try {
                        org.apache.hadoop.hive.ql.metadata.Hive.get(
                                        new org.apache.hadoop.hive.conf.HiveConf(serverConf))
                                .getMSC();
                    } catch (Exception e) {
                        LOG.warn(
                                "serve's own metastore did not open ahead of the first session close: {}",
                                e.toString());
                    } finally {
                        org.apache.hadoop.hive.ql.metadata.Hive.closeCurrent();
                    }
                },
                "serve-metastore-warm-up");
        warm.start();
        try {
            warm.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The JDBC URL a client uses, in the gold database. */
    public static String jdbcUrl(Settings settings) {
        return settings.security().jdbcUrl("gold");
    }
}
