package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.LocalFolders;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.serve.SqlEndpoint;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the warehouse to BI tools over JDBC/ODBC: Spark's Thrift Server (HiveServer2 protocol) "
                + "with read-only views gold.<table>. Runs until stopped (Ctrl-C or SIGTERM).",
                "No authentication: it binds to 127.0.0.1 unless --host says otherwise."})
public final class ServeCommand implements Callable<Integer> {

    @Mixin
    SparkOptions spark;

    @Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}). The endpoint has no authentication: "
                    + "prefer an SSH tunnel or a proxy with auth to binding a public address.")
    String host;

    @Option(names = "--port", defaultValue = "10000", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--expose-layers", split = ",", paramLabel = "LAYER",
            description = "Also serve these layers' tables as read-only views: silver, ops, staging, bronze "
                    + "(default: gold only; bronze and silver hold person-level rows).")
    List<String> exposeLayers = List.of();

    @Mixin
    AsReportedOnOption asReportedOn;

    @Option(names = "--metastore-dir", paramLabel = "DIR",
            description = "Folder under which this process keeps its own catalog (embedded Derby, rebuilt at every "
                    + "start) and Thrift operation logs, in a subfolder removed on exit (default: java.io.tmpdir).")
    Path metastoreDir;

    @Override
    public Integer call() throws Exception {
        Set<String> layers = new LinkedHashSet<>();
        layers.add("gold");
        for (String layer : exposeLayers) {
            if (!Warehouse.LAYERS.contains(layer)) {
                throw new IllegalArgumentException("--expose-layers: unknown layer '" + layer + "'; one of " + Warehouse.LAYERS);
            }
            layers.add(layer);
        }
        assertPortFree();
        for (String overriding : List.of("HIVE_SERVER2_THRIFT_BIND_HOST", "HIVE_SERVER2_THRIFT_PORT")) {
            if (System.getenv(overriding) != null) {
                // The Thrift Server would take them over --host/--port.
                throw new IllegalStateException("unset " + overriding + ": serve listens where --host and --port say");
            }
        }
        // A folder of this process's own: two endpoints never share a Derby database or operation logs.
        Path parent = metastoreDir != null ? Files.createDirectories(metastoreDir) : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "mentoring-outcomes-serve-");
        AtomicReference<HiveThriftServer2> server = new AtomicReference<>();
        AtomicReference<SparkSession> session = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("[serve] stopping");
            try {
                if (server.get() != null) {
                    server.get().stop();
                }
                if (session.get() != null) {
                    session.get().stop();
                }
            } finally {
                LocalFolders.deleteRecursively(dir);
                stopped.countDown();
            }
        }, "serve-shutdown"));
        // Derby writes its derby.log where derby.system.home points, else into the working directory.
        System.setProperty("derby.system.home", dir.toAbsolutePath().toString());
        var settings = new SqlEndpoint.Settings(host, port, dir);

        long started = System.nanoTime();
        session.set(SparkSessionProvider.getOrCreateWithHiveCatalog(
                spark.master, spark.partitions(), SqlEndpoint.sessionSettings(settings)));
        Warehouse wh = new Warehouse(session.get(), spark.warehouse);
        GoldSource gold = asReportedOn.source(wh);
        List<String> views = SqlEndpoint.createViews(wh, gold, layers);
        if (views.stream().noneMatch(v -> v.startsWith("gold."))) {
            System.err.println("[serve] warning: no gold tables under " + wh.root() + " yet; run the pipeline first");
        }
        server.set(SqlEndpoint.start(wh, views));
        awaitListening();
        System.out.printf("[serve] %d read-only views (%s), gold %s%n", views.size(), String.join(", ", views), gold.describe());
        System.out.printf("[serve] ready in %.1f s: %s (stop with Ctrl-C)%n",
                (System.nanoTime() - started) / 1e9, SqlEndpoint.jdbcUrl(settings));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The Thrift Server ends the JVM when its port is taken; say so plainly before starting Spark. */
    private void assertPortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); choose another with --port");
        }
    }

    /** The server binds its socket on a thread of its own: wait until it accepts connections. */
    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Thrift Server did not listen on " + host + ":" + port + " within 120 s");
    }
}
