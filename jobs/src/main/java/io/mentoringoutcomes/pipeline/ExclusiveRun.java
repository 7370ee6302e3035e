package io.mentoringoutcomes.pipeline;

import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.hadoop.util.ShutdownHookManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every writing command runs: holding the warehouse lease, with the runs that died before it
 * reported and closed, and a shutdown hook that records {@code interrupted} on SIGTERM.
 */
public final class ExclusiveRun {

    private static final Logger LOG = LoggerFactory.getLogger(ExclusiveRun.class);

    /**
     * Above Spark's own hook (Hadoop's ShutdownHookManager runs higher priorities first, one at a
     * time; Spark stops the SparkContext from its hook at FileSystem's priority + 30 = 40), so the
     * interrupted row is written while Spark still runs.
     */
    static final int SHUTDOWN_PRIORITY = 100;

    /** The lease this JVM's writing command holds, if any. */
    private static volatile WarehouseLease held;

    private ExclusiveRun() {}

    /**
     * Fails when this JVM's lease was lost (it expired unrenewed and another writer took it): call
     * before a commit only the warehouse's one writer may make. Without a lease (a stage called
     * directly, as tests do) there is nothing to check.
     */
    public static void ensureLeaseHeld() {
        WarehouseLease lease = held;
        if (lease != null) {
            lease.ensureHeld();
        }
    }

    /**
     * Runs {@code body} as the warehouse's only writer.
     *
     * @throws WarehouseLease.HeldException when another writer holds the lease past {@code wait}
     */
    public static int run(RunContext ctx, String command, Duration wait, IntSupplier body) {
        WarehouseLease lease = WarehouseLease.acquire(ctx.warehouse(), ctx.runId(), command, wait);
        Runnable hook = () -> {
            List<String> recorded = PipelineRuns.recordInterrupted(
                    "the JVM was asked to stop (SIGTERM or exit) " + "while the stage ran");
            if (!recorded.isEmpty()) {
                LOG.warn("[run] interrupted: recorded {} in {}", String.join(", ", recorded), PipelineRuns.TABLE);
            }
            try {
                lease.close();
            } catch (RuntimeException e) {
                LOG.warn("[run] lease not released (it expires by itself): {}", e.getMessage());
            }
        };
        ShutdownHookManager.get().addShutdownHook(hook, SHUTDOWN_PRIORITY, 60, TimeUnit.SECONDS);
        held = lease;
        try {
            for (PipelineRuns.Unfinished u : PipelineRuns.unfinished(ctx.warehouse())) {
                LOG.warn("[run] {}; continuing (recorded as interrupted)", u.describe());
                PipelineRuns.recordInterrupted(ctx.warehouse(), u, ctx.runId());
            }
            return body.getAsInt();
        } finally {
            held = null;
            if (!ShutdownHookManager.get().isShutdownInProgress()) {
                ShutdownHookManager.get().removeShutdownHook(hook);
                lease.close();
            }
        }
    }
}
