package io.mentoringoutcomes.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A dashboard's load on {@code serve}: N JDBC clients on 127.0.0.1, each running M of the queries a
 * dashboard sends (all of program_roi, an aggregate over retention_curve, a filter on
 * retention_summary), reporting throughput, median, p95 and the first query's latency after start.
 * A bounded measurement, not a test.
 *
 * <p>Two shapes of load. By default the clients are closed-loop: each sends its next query as soon as
 * the last one answered, so the server is saturated and a query's latency is mostly its wait behind
 * the others' (Little's law: median ≈ clients / throughput). With {@code --rate}, the load is
 * open-loop at that many queries a second in all, as a dashboard's viewers send them: client c sends
 * its q-th query at t0 + (q · clients + c) / rate, whether or not the server has kept up, and its
 * latency runs from that scheduled time, not from when the client got round to sending it (so a
 * server that falls behind is charged for the queueing: no coordinated omission).
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Start `serve` on a warehouse (or target --url) and measure N clients x M dashboard queries.")
public final class ServeLoadBenchmark implements Callable<Integer> {

    static final List<String> QUERIES = List.of(
            "SELECT * FROM program_roi",
            "SELECT program_id, cohort, method, max(month) AS months, min(survival) AS lowest_survival FROM retention_curve GROUP BY program_id, cohort, method",
            "SELECT * FROM retention_summary WHERE horizon_months = 12");

    @Option(
            names = "--warehouse",
            defaultValue = "warehouse",
            description = "Warehouse to serve (default: ${DEFAULT-VALUE}).")
    String warehouse;

    @Option(
            names = "--url",
            description = "Target this running endpoint instead of starting one (jdbc:hive2://127.0.0.1:PORT/gold).")
    String url;

    @Option(
            names = "--clients",
            defaultValue = "32",
            description = "Concurrent JDBC clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--queries", defaultValue = "20", description = "Queries per client (default: ${DEFAULT-VALUE}).")
    int queries;

    @Option(
            names = "--rate",
            paramLabel = "QPS",
            description = "Open-loop: send this many queries a second in all, spread evenly over the clients, and "
                    + "time each from when it was due (default: closed-loop, back to back).")
    Double rate;

    @Option(
            names = "--master",
            defaultValue = "local[2]",
            description = "Spark master of the started server (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(
            names = "--out",
            defaultValue = "docs/benchmarks",
            description = "Folder for the figures (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--label", defaultValue = "", description = "Suffix of the figures' file name, e.g. before/after.")
    String label;

    @Option(
            names = "--connection-per-query",
            description = "Each query on a connection of its own, opened and closed around it (as Superset does), "
                    + "instead of one connection per client.")
    boolean connectionPerQuery;

    @Option(
            names = "--serve-option",
            paramLabel = "OPTION",
            description = "Extra option passed to the started serve (repeatable).")
    List<String> serveOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 256 || queries < 1 || queries > 10_000) {
            throw new IllegalArgumentException("--clients must be 1-256 and --queries 1-10000");
        }
        if (rate != null && !(rate >= 0.1 && rate <= 10_000)) {
            throw new IllegalArgumentException("--rate must be 0.1-10000 queries a second");
        }
        if (url != null
                && !url.matches(
                        "jdbc:hive2://(127\\.0\\.0\\.1|localhost):[0-9]{1,5}/[A-Za-z0-9_]+(;[A-Za-z0-9_=.]+)*")) {
            throw new IllegalArgumentException("--url: a jdbc:hive2:// URL on 127.0.0.1 is expected");
        }
        Class.forName("org.apache.hive.jdbc.HiveDriver");
        figures.put("started_at", Instant.now().toString());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("load_average_before", loadAverage());
        figures.put("clients", clients);
        figures.put("queries_per_client", queries);
        figures.put("queries", QUERIES);
        figures.put("load_shape", rate == null ? "closed-loop" : "open-loop");
        if (rate != null) {
            figures.put("offered_qps", rate);
        }
        Process server = null;
        try {
            String target = url;
            if (target == null) {
                int port;
                try (ServerSocket probe = new ServerSocket(0)) {
                    port = probe.getLocalPort();
                }
                long t0 = System.nanoTime();
                server = startServer(port);
                figures.put("server_ready_seconds", (System.nanoTime() - t0) / 1e9);
                target = "jdbc:hive2://127.0.0.1:" + port + "/gold";
                figures.put("serve_options", serveOptions);
            }
            figures.put("url", target);
            // The first query after start, on its own: what the first dashboard of the morning waits.
            // And the first session to close: the server builds its Hive metastore client then.
            Connection first = DriverManager.getConnection(target, "benchmark", "");
            try {
                long t = System.nanoTime();
                run(first, QUERIES.get(0));
                figures.put("first_query_ms", (System.nanoTime() - t) / 1e6);
            } finally {
                long t = System.nanoTime();
                first.close();
                figures.put("first_close_ms", (System.nanoTime() - t) / 1e6);
            }
            figures.put("connection_per_query", connectionPerQuery);
            long[] latencies = load(target);
            Arrays.sort(latencies);
            figures.put("latency_median_ms", latencies[latencies.length / 2] / 1e6);
            figures.put("latency_p95_ms", latencies[(int) Math.ceil(latencies.length * 0.95) - 1] / 1e6);
            figures.put("latency_max_ms", latencies[latencies.length - 1] / 1e6);
            figures.put("load_average_after", loadAverage());
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
            }
        }
        Files.createDirectories(out);
        Path file = out.resolve("serve-load-" + clients + "x" + queries
                + (rate == null
                        ? ""
                        : "-at-"
                                + new BigDecimal(rate.toString())
                                        .stripTrailingZeros()
                                        .toPlainString() + "qps")
                + (connectionPerQuery ? "-per-query" : "")
                + (label.isBlank() ? "" : "-" + label) + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), figures);
        System.out.printf(
                Locale.ROOT,
                "[benchmark serve] %d clients x %d queries, %s: %.1f queries/s, median %.0f ms, p95 %.0f ms, "
                        + "first query %.0f ms, first close %.0f ms -> %s%n",
                clients,
                queries,
                rate == null ? "closed-loop" : "open-loop at " + rate + " queries/s offered",
                (double) figures.get("throughput_qps"),
                figures.get("latency_median_ms"),
                figures.get("latency_p95_ms"),
                figures.get("first_query_ms"),
                figures.get("first_close_ms"),
                file);
        return 0;
    }

    private final Map<String, Object> figures = new LinkedHashMap<>();

    /**
     * When a client's query is due in the open-loop shape, in nanoseconds after the common start: the
     * (q · clients + c)-th of evenly spaced arrivals at {@code rate} a second, so that the clients'
     * queries interleave instead of arriving in bursts of {@code clients}.
     */
    static long dueNanos(int client, int query, int clients, double rate) {
        return Math.round((query * (double) clients + client) * 1e9 / rate);
    }

    /**
     * Every client connects first; then all start together and run their queries back to back
     * (closed-loop) or each when it is due (open-loop, {@code --rate}).
     */
    private long[] load(String target) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong t0 = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long[] latencies = new long[clients * queries];
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            done.add(pool.submit(() -> {
                try (Connection conn =
                        connectionPerQuery ? null : DriverManager.getConnection(target, "benchmark-" + client, "")) {
                    connected.countDown();
                    go.await();
                    long start = t0.get();
                    for (int q = 0; q < queries; q++) {
                        String sql = QUERIES.get((client + q) % QUERIES.size());
                        long t = System.nanoTime();
                        if (rate != null) {
                            long due = start + dueNanos(client, q, clients, rate);
                            long early = due - t;
                            if (early > 0) {
                                TimeUnit.NANOSECONDS.sleep(early);
                            }
                            t = due; // latency from when the query was due, waiting included
                        }
                        if (conn != null) {
                            run(conn, sql);
                        } else {
                            // The latency a connection-per-query client sees: open, query, close.
                            try (Connection own = DriverManager.getConnection(target, "benchmark-" + client, "")) {
                                run(own, sql);
                            }
                        }
                        latencies[client * queries + q] = System.nanoTime() - t;
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    connected.countDown();
                    throw new IllegalStateException(e);
                }
                return null;
            }));
        }
        connected.await(600, TimeUnit.SECONDS);
        t0.set(System.nanoTime());
        go.countDown();
        for (Future<?> f : done) {
            f.get(1800, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - t0.get()) / 1e9;
        pool.shutdown();
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " clients failed");
        }
        figures.put("wall_seconds", seconds);
        figures.put("throughput_qps", clients * queries / seconds);
        return latencies;
    }

    private static int run(Connection c, String sql) throws Exception {
        int rows = 0;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows++;
            }
        }
        if (rows == 0) {
            throw new IllegalStateException("no rows from: " + sql);
        }
        return rows;
    }

    /** `serve` in a JVM of its own, with this JVM's flags and class path. */
    private Process startServer(int port) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--warehouse",
                warehouse,
                "--port",
                String.valueOf(port),
                "--master",
                master));
        cmd.addAll(serveOptions);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            System.err.println("  serve| " + line);
                            if (line.startsWith("[serve] ready")) {
                                ready.complete(null);
                            }
                        }
                    } catch (IOException ignored) {
                        // ended
                    }
                    ready.completeExceptionally(new IllegalStateException("serve ended before it was ready"));
                },
                "serve-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(600, TimeUnit.SECONDS);
        return p;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
