package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.LocalFolders;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.serve.EndpointSecurity;
import io.mentoringoutcomes.serve.ServedNight;
import io.mentoringoutcomes.serve.SqlEndpoint;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        subcommands = ServeUsersCommand.class,
        description = {
            "Serve the warehouse to BI tools over JDBC/ODBC: Spark's Thrift Server (HiveServer2 protocol) "
                    + "with read-only views gold.<table>. Runs until stopped (Ctrl-C or SIGTERM).",
            "Without --auth it listens on 127.0.0.1 only; any other --host needs --auth password or --auth ldap."
        })
public final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Mixin
    SparkOptions spark;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}). A non-loopback address needs --auth; "
                    + "use --keystore too, so passwords do not cross the network in clear.")
    String host;

    @Option(
            names = "--port",
            defaultValue = "10000",
            description = "Port of the binary Thrift transport (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--auth",
            defaultValue = "none",
            paramLabel = "none|password|ldap",
            description = "Client authentication (default: ${DEFAULT-VALUE}): password checks the --users-file "
                    + "(salted PBKDF2 hashes, written by `serve users add`); ldap binds to --ldap-url as the user.")
    String auth;

    @Option(names = "--users-file", paramLabel = "FILE", description = "Users and password hashes for --auth password.")
    Path usersFile;

    @Option(
            names = "--ldap-url",
            paramLabel = "URL",
            description = "ldaps://HOST[:PORT] of the directory for --auth ldap.")
    String ldapUrl;

    @Option(
            names = "--ldap-base-dn",
            paramLabel = "DN",
            description = "Base DN of users, e.g. ou=people,dc=example,dc=com.")
    String ldapBaseDn;

    @Option(
            names = "--ldap-domain",
            paramLabel = "DOMAIN",
            description = "Active Directory domain appended to user names.")
    String ldapDomain;

    @Option(
            names = "--ldap-user-dn-pattern",
            paramLabel = "PATTERN",
            description = "User DN with %%s for the name, e.g. uid=%%s,ou=people,dc=example,dc=com.")
    String ldapUserDnPattern;

    @Option(
            names = "--keystore",
            paramLabel = "FILE",
            description = "Turns TLS on with this keystore (PKCS12 or JKS). Its password comes from "
                    + EndpointSecurity.KEYSTORE_PASSWORD_ENV + " or a file (--keystore-password-file, "
                    + EndpointSecurity.KEYSTORE_PASSWORD_FILE_ENV + "), never the command line.")
    Path keystore;

    @Option(
            names = "--keystore-password-file",
            paramLabel = "FILE",
            description = "File holding the keystore password.")
    Path keystorePasswordFile;

    @Option(
            names = "--transport",
            defaultValue = "binary",
            paramLabel = "binary|http",
            description = "binary Thrift on --port, or HTTP on --http-port at /--http-path, as gateways and proxies "
                    + "use (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(
            names = "--http-port",
            defaultValue = "10001",
            description = "Port of the HTTP transport (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(
            names = "--http-path",
            defaultValue = EndpointSecurity.DEFAULT_HTTP_PATH,
            description = "URL path of the HTTP transport (default: ${DEFAULT-VALUE}).")
    String httpPath;

    @Option(
            names = "--expose-layers",
            split = ",",
            paramLabel = "LAYER",
            description = "Also serve these layers' tables as read-only views: silver, ops, staging, bronze "
                    + "(default: gold only; bronze and silver hold person-level rows).")
    List<String> exposeLayers = List.of();

    @Mixin
    AsReportedOnOption asReportedOn;

    @Option(
            names = "--refresh-seconds",
            defaultValue = "10",
            description = "How often to look for a newly published night to serve (default: ${DEFAULT-VALUE}; "
                    + "not with --as-reported-on).")
    int refreshSeconds;

    @Option(
            names = "--no-result-cache",
            description = "Run every statement, even one a dashboard repeats on the same night (by default the "
                    + "answers of repeated reads are remembered until a new night is served).")
    boolean noResultCache;

    @Option(
            names = "--metastore-dir",
            paramLabel = "DIR",
            description = "Folder under which this process keeps its Hive session folders (scratch, resources, "
                    + "operation logs), in a subfolder removed on exit (default: java.io.tmpdir).")
    Path metastoreDir;

    /** The security options, checked against their allow-lists before anything starts. */
    EndpointSecurity security() {
        return EndpointSecurity.validate(
                new EndpointSecurity.Options(
                        host,
                        port,
                        choice("--auth", auth, EndpointSecurity.Auth.class),
                        usersFile,
                        ldapUrl,
                        ldapBaseDn,
                        ldapDomain,
                        ldapUserDnPattern,
                        keystore,
                        keystorePasswordFile,
                        choice("--transport", transport, EndpointSecurity.Transport.class),
                        httpPort,
                        httpPath),
                System.getenv());
    }

    private static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + ": '" + value + "' is not one of "
                + java.util.Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT))
                        .toList());
    }

    @Override
    public Integer call() throws Exception {
        EndpointSecurity security = security();
        if (refreshSeconds < 1 || refreshSeconds > 86_400) {
            throw new IllegalArgumentException("--refresh-seconds: " + refreshSeconds + " is not between 1 and 86400");
        }
        security.warnings().forEach(w -> LOG.warn("[serve] warning: {}", w));
        listenHost = host;
        listenPort = security.listenPort();
        Set<String> layers = new LinkedHashSet<>();
        layers.add("gold");
        for (String layer : exposeLayers) {
            if (!Warehouse.LAYERS.contains(layer)) {
                throw new IllegalArgumentException(
                        "--expose-layers: unknown layer '" + layer + "'; one of " + Warehouse.LAYERS);
            }
            layers.add(layer);
        }
        assertPortFree();
        for (String overriding : List.of(
                "HIVE_SERVER2_THRIFT_BIND_HOST",
                "HIVE_SERVER2_THRIFT_PORT",
                "HIVE_SERVER2_THRIFT_HTTP_PORT",
                "HIVE_SERVER2_TRANSPORT_MODE")) {
            if (System.getenv(overriding) != null) {
                // The Thrift Server would take them over --host/--port/--http-port/--transport.
                throw new IllegalStateException("unset " + overriding + ": serve listens where --host, --port, "
                        + "--http-port and --transport say");
            }
        }
        // A folder of this process's own: two endpoints never share Hive's session folders or operation logs.
        Path parent = metastoreDir != null
                ? Files.createDirectories(metastoreDir)
                : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(parent, "mentoring-outcomes-serve-");
        AtomicReference<HiveThriftServer2> server = new AtomicReference<>();
        AtomicReference<SparkSession> session = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("[serve] stopping");
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
                        },
                        "serve-shutdown"));
        // Derby writes its derby.log where derby.system.home points, else into the working directory.
        System.setProperty("derby.system.home", dir.toAbsolutePath().toString());
        var settings = new SqlEndpoint.Settings(security, dir);

        long started = System.nanoTime();
        io.mentoringoutcomes.serve.ResultCache.enable(!noResultCache);
        // Gold-sized queries want one shuffle partition unless told otherwise.
        int partitions = spark.shufflePartitions != null ? spark.shufflePartitions : 1;
        session.set(SparkSessionProvider.getOrCreateWithHiveCatalog(
                spark.master, partitions, SqlEndpoint.sessionSettings(settings)));
        Warehouse wh = new Warehouse(session.get(), spark.warehouse);
        // The latest published night (or the one asked for), cached; the current tables when none is published.
        boolean pinnedByUser = asReportedOn.date != null && !asReportedOn.date.isBlank();
        GoldSource gold = pinnedByUser ? asReportedOn.source(wh) : GoldSource.latestPublished(wh);
        List<String> views = new java.util.ArrayList<>();
        ServedNight night = ServedNight.start(wh, gold, layers, views);
        if (!pinnedByUser) {
            night.watch(refreshSeconds);
        }
        if (views.stream().noneMatch(v -> v.startsWith("gold."))) {
            LOG.warn("[serve] warning: no gold tables under {} yet; run the pipeline first", wh.root());
        }
        server.set(SqlEndpoint.start(wh, views, settings));
        awaitListening();
        LOG.info("[serve] {} read-only views ({}), gold {}", views.size(), String.join(", ", views), gold.describe());
        LOG.info("[serve] {}", security.describe());
        LOG.info(
                "[serve] ready in {} s: {} (stop with Ctrl-C)",
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9),
                SqlEndpoint.jdbcUrl(settings));
        stopped.await();
        return 0;
    }

    private String listenHost;
    private int listenPort;

    /** The Thrift Server ends the JVM when its port is taken; say so plainly before starting Spark. */
    private void assertPortFree() {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(listenHost, listenPort));
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + listenHost + ":" + listenPort + " (" + e.getMessage()
                    + "); choose another with --port or --http-port");
        }
    }

    /** The server binds its socket on a thread of its own: wait until it accepts connections. */
    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(listenHost, listenPort), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException(
                "the Thrift Server did not listen on " + listenHost + ":" + listenPort + " within 120 s");
    }
}
