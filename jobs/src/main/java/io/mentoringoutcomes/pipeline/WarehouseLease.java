package io.mentoringoutcomes.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.mentoringoutcomes.spark.Warehouse;
import java.net.InetAddress;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per warehouse: a lease row in the Delta table {@code ops.leases}.
 *
 * <p>Taking it is one conditional MERGE on the single row {@code lease_id = 'warehouse'}: insert
 * it when absent, replace it when expired (or held by a dead process on this host), leave it
 * otherwise. Delta's optimistic concurrency makes the MERGE the arbiter: of two writers racing,
 * the second one's MERGE read the file the first replaced (or the empty table the first inserted
 * into), so its commit fails with a concurrent-modification conflict and it re-reads the winner.
 * This holds wherever Delta's own multi-writer commits hold: local and HDFS folders as they are,
 * S3 with Delta's DynamoDB log store (S3 offers no put-if-absent to Delta 3.3 otherwise).
 *
 * <p>The holder renews the expiry every {@code ttl / 4}; a holder that dies stops renewing, and
 * the lease is free once {@code expires_at} has passed, sooner when it died on this host.
 */
public final class WarehouseLease implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarehouseLease.class);

    public static final String TABLE = "ops.leases";
    static final String LEASE_ID = "warehouse";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final int RACE_ATTEMPTS = 5;

    public static final StructType SCHEMA = new StructType()
            .add("lease_id", DataTypes.StringType, false)
            .add("holder_token", DataTypes.StringType, false)
            .add("run_id", DataTypes.StringType)
            .add("command", DataTypes.StringType)
            .add("host", DataTypes.StringType)
            .add("pid", DataTypes.LongType)
            .add("acquired_at", DataTypes.TimestampType)
            .add("expires_at", DataTypes.TimestampType);

    /** Who holds the lease, as the one-line refusal names it. */
    public record Holder(
            String token, String runId, String command, String host, long pid, Instant acquiredAt, Instant expiresAt) {
        public String describe() {
            return "run " + runId + " (" + command + ") on host " + host + ", pid " + pid + ", since " + acquiredAt
                    + ", lease expires " + expiresAt;
        }
    }

    /** Another writer holds the warehouse: what {@code Main} turns into exit code 4 and one line. */
    public static final class HeldException extends RuntimeException {
        private final transient Holder holder;

        public HeldException(String warehouse, Holder holder, Duration waited) {
            super("warehouse " + warehouse + " is in use by " + holder.describe()
                    + (waited.isZero()
                            ? "; nothing was written (wait with --wait-for-lease DURATION, e.g. 30m)"
                            : "; still held after waiting " + waited + ", nothing was written"));
            this.holder = holder;
        }

        public Holder holder() {
            return holder;
        }
    }

    private final Warehouse wh;
    private final Holder mine;
    private final Duration ttl;
    private final ScheduledExecutorService heartbeat;
    private volatile boolean lost;
    private volatile boolean released;

    private WarehouseLease(Warehouse wh, Holder mine, Duration ttl) {
        this.wh = wh;
        this.mine = mine;
        this.ttl = ttl;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "warehouse-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, ttl.toMillis() / 4);
        heartbeat.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    public static WarehouseLease acquire(Warehouse wh, String runId, String command, Duration wait) {
        return acquire(wh, runId, command, wait, DEFAULT_TTL);
    }

    /**
     * Takes the lease, waiting up to {@code wait} (zero: not at all) while another writer holds it.
     *
     * @throws HeldException when it is still held by another writer
     */
    public static WarehouseLease acquire(Warehouse wh, String runId, String command, Duration wait, Duration ttl) {
        Instant deadline = Instant.now().plus(wait);
        while (true) {
            Holder candidate = new Holder(
                    UUID.randomUUID().toString(),
                    runId,
                    command,
                    hostName(),
                    ProcessHandle.current().pid(),
                    Instant.now(),
                    Instant.now().plus(ttl));
            Optional<Holder> other = tryAcquire(wh, candidate);
            if (other.isEmpty()) {
                return new WarehouseLease(wh, candidate, ttl);
            }
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new HeldException(wh.root(), other.get(), wait);
            }
            sleep(left.compareTo(POLL) < 0 ? left : POLL);
        }
    }

    /** Empty when {@code candidate} now holds the lease, else the holder that kept it. */
    static Optional<Holder> tryAcquire(Warehouse wh, Holder candidate) {
        RuntimeException lastRace = null;
        for (int attempt = 0; attempt < RACE_ATTEMPTS; attempt++) {
            try {
                ensureTable(wh);
                Optional<Holder> current = holder(wh);
                if (current.isPresent()
                        && !current.get().token().equals(candidate.token())
                        && current.get().expiresAt().isAfter(Instant.now())
                        && !deadOnThisHost(current.get())) {
                    return current;
                }
                // Replace the row only if it is still the one just judged free: a writer that took it
                // in between changed holder_token (or inserted it), and so wins.
                Column stillFree = current.map(h -> col("t.holder_token").equalTo(lit(h.token())))
                        .orElse(lit(false));
                wh.deltaTable(TABLE)
                        .as("t")
                        .merge(
                                wh.spark()
                                        .createDataFrame(List.of(toRow(candidate)), SCHEMA)
                                        .as("s"),
                                col("t.lease_id").equalTo(col("s.lease_id")))
                        .whenMatched(stillFree)
                        .updateAll()
                        .whenNotMatched()
                        .insertAll()
                        .execute();
                Optional<Holder> after = holder(wh);
                if (after.isPresent() && after.get().token().equals(candidate.token())) {
                    return Optional.empty();
                }
                if (after.isPresent()) {
                    return after;
                }
            } catch (RuntimeException e) {
                if (!isConflict(e)) {
                    throw e;
                }
                lastRace = e; // another writer committed first: read again who holds it
            }
        }
        throw new IllegalStateException(
                "could not settle the warehouse lease after " + RACE_ATTEMPTS + " concurrent attempts", lastRace);
    }

    /** The current holder, whether or not its lease has expired. */
    public static Optional<Holder> holder(Warehouse wh) {
        if (!wh.exists(TABLE)) {
            return Optional.empty();
        }
        List<Row> rows =
                wh.read(TABLE).filter(col("lease_id").equalTo(LEASE_ID)).collectAsList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Row r = rows.get(0);
        return Optional.of(new Holder(
                r.getAs("holder_token"),
                r.getAs("run_id"),
                r.getAs("command"),
                r.getAs("host"),
                r.<Long>getAs("pid"),
                r.<Timestamp>getAs("acquired_at").toInstant(),
                r.<Timestamp>getAs("expires_at").toInstant()));
    }

    public Holder holder() {
        return mine;
    }

    /** True once a renewal found the lease taken by another writer (ours had expired). */
    public boolean isLost() {
        return lost;
    }

    /** Fails when this lease was lost: call before a commit that must be the only writer's. */
    public void ensureHeld() {
        if (lost || released) {
            throw new IllegalStateException("the warehouse lease of run " + mine.runId()
                    + " was lost (it expired and another writer took it); stopping before writing");
        }
    }

    private void renew() {
        if (released) {
            return;
        }
        try {
            Instant expires = Instant.now().plus(ttl);
            wh.deltaTable(TABLE)
                    .update(
                            col("lease_id")
                                    .equalTo(LEASE_ID)
                                    .and(col("holder_token").equalTo(mine.token())),
                            Map.of("expires_at", lit(Timestamp.from(expires))));
            Optional<Holder> now = holder(wh);
            if (now.isEmpty() || !now.get().token().equals(mine.token())) {
                lost = true;
                LOG.warn(
                        "[lease] WARNING the warehouse lease of run {} was taken by {}",
                        mine.runId(),
                        now.map(Holder::describe).orElse("nobody (released)"));
            }
        } catch (RuntimeException e) {
            // A missed renewal is retried at the next beat; the lease lasts several beats.
            LOG.warn("[lease] WARNING renewal failed: {}", e.getMessage());
        }
    }

    /** Releases the lease (deletes our row; a row someone else holds is left alone). Idempotent. */
    @Override
    public synchronized void close() {
        if (released) {
            return;
        }
        released = true;
        // Let a renewal already under way finish: interrupting it mid-UPDATE makes Spark abort its
        // write job and log an ERROR with a stack trace at the end of a night that succeeded.
        heartbeat.shutdown();
        try {
            if (!heartbeat.awaitTermination(30, TimeUnit.SECONDS)) {
                heartbeat.shutdownNow();
            }
        } catch (InterruptedException e) {
            heartbeat.shutdownNow();
            Thread.currentThread().interrupt();
        }
        wh.deltaTable(TABLE)
                .delete(col("lease_id")
                        .equalTo(LEASE_ID)
                        .and(col("holder_token").equalTo(mine.token())));
    }

    private static void ensureTable(Warehouse wh) {
        if (wh.exists(TABLE)) {
            return;
        }
        try {
            // An empty first commit; of two writers creating it at once, one loses the race for version 0.
            wh.append(TABLE, wh.spark().createDataFrame(List.of(), SCHEMA));
        } catch (RuntimeException e) {
            if (!wh.exists(TABLE)) { // a concurrent creation that won is fine
                throw e;
            }
        }
    }

    private static Row toRow(Holder h) {
        return RowFactory.create(
                LEASE_ID,
                h.token(),
                h.runId(),
                h.command(),
                h.host(),
                h.pid(),
                Timestamp.from(h.acquiredAt()),
                Timestamp.from(h.expiresAt()));
    }

    /** A holder on this host whose process is gone cannot renew: no need to wait for its expiry. */
    private static boolean deadOnThisHost(Holder h) {
        return h.host().equals(hostName())
                && h.pid() != ProcessHandle.current().pid()
                && ProcessHandle.of(h.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    private static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            if (name.startsWith("io.delta.exceptions.")
                    || name.contains("ConcurrentModification")
                    || name.contains("FileAlreadyExists")
                    || name.contains("ProtocolChanged")) {
                return true;
            }
        }
        return false;
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,6})([smh])");

    /** {@code --wait-for-lease}: {@code 0}, {@code 90s}, {@code 30m}, {@code 2h}; nothing else. */
    public static Duration parseWait(String text) {
        if (text == null || text.isBlank() || text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("--wait-for-lease takes a whole number of seconds, minutes or hours "
                    + "(90s, 30m, 2h), not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the warehouse lease", e);
        }
    }
}
