package io.mentoringoutcomes.publish;

import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.StageLog;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Staging → gold, once the audit has passed. Each gold table is overwritten in one Delta commit,
 * so the previous night stays readable by version (time travel) and BI readers never see a half
 * written table. The gold versions written are returned; the night is published only when the
 * caller names them in the publication pointer ({@link Publications}), in one commit.
 *
 * <p>Delta commits one table at a time. Readers through the pointer never see a part-way night; for
 * raw readers of the table folders, when a write fails part-way through the night every gold table
 * that moved tonight is restored to last night's version (a JVM that dies cannot do this: the next
 * successful publish makes the folders whole again). A table published for the first time that
 * night has no earlier version and stays.
 */
public final class Publisher {

    private Publisher() {}

    /** The gold table a staging table publishes to: {@code staging.x} → {@code gold.x}. */
    public static String goldTable(String stagingTable) {
        if (!stagingTable.startsWith("staging.")) {
            throw new IllegalArgumentException("only staging tables are published: " + stagingTable);
        }
        return "gold." + stagingTable.substring("staging.".length());
    }

    public static Map<String, Long> publish(Warehouse wh, List<String> stagingTables) {
        Map<String, Dataset<Row>> staged = new LinkedHashMap<>();
        stagingTables.forEach(t -> staged.put(t, wh.read(t)));
        return publish(wh, staged);
    }

    /** Publishes the given rows of each staging table ({@code staging.x} → {@code gold.x}), in order. */
    public static Map<String, Long> publish(Warehouse wh, Map<String, Dataset<Row>> staged) {
        List<String> stagingTables = List.copyOf(staged.keySet());
        StageLog log =
                StageLog.start(Publisher.class, "publish", "staging -> gold: " + stagingTables.size() + " tables");
        Map<String, Long> versions = new LinkedHashMap<>();
        Map<String, Long> lastNight = new LinkedHashMap<>();
        for (String staging : stagingTables) {
            String gold = goldTable(staging);
            stopIfShuttingDown(gold);
            try {
                lastNight.put(gold, wh.exists(gold) ? wh.version(gold) : null);
                wh.overwrite(gold, staged.get(staging));
                long version = wh.version(gold);
                versions.put(gold, version);
                log.info(gold + " -> version " + version);
            } catch (Exception e) { // Spark's SparkException is checked but thrown undeclared
                if (PipelineRuns.shuttingDown()) {
                    throw e; // Spark is stopping: no restore can run; the pointer was not written
                }
                List<Exception> restoreFailures = new ArrayList<>();
                List<String> restored = restore(wh, lastNight, log, restoreFailures);
                IllegalStateException failure = new IllegalStateException(
                        "publishing " + gold + " failed (" + e.getMessage() + "); gold tables that moved tonight: "
                                + restored,
                        e);
                restoreFailures.forEach(failure::addSuppressed);
                throw failure;
            }
        }
        log.done("published");
        return versions;
    }

    /**
     * After a SIGTERM no new gold commit starts: the night stays unpublished (its pointer is never
     * written) and the shutdown hook records it as interrupted.
     */
    public static void stopIfShuttingDown(String next) {
        if (PipelineRuns.shuttingDown()) {
            throw new IllegalStateException("the JVM is shutting down: not writing " + next);
        }
    }

    /**
     * Puts every gold table that moved tonight (the one that failed included: its commit may have
     * landed before the error) back at its version before tonight. A restore that fails is collected
     * in {@code failures} and the others still run. Returns what was done.
     */
    private static List<String> restore(
            Warehouse wh, Map<String, Long> lastNight, StageLog log, List<Exception> failures) {
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Long> e : lastNight.entrySet()) {
            String gold = e.getKey();
            Long version = e.getValue();
            try {
                if (version == null) {
                    // A first publish has no earlier figures to return to; the night is not recorded as published.
                    if (wh.exists(gold)) {
                        done.add(gold + " (first published tonight, kept)");
                    }
                } else if (wh.version(gold) != version) {
                    wh.restore(gold, version);
                    done.add(gold + " -> version " + version);
                    log.info("restored " + gold + " to version " + version);
                }
            } catch (Exception restoreFailure) {
                failures.add(restoreFailure);
                done.add(gold + " NOT restored (" + restoreFailure.getMessage() + ")");
            }
        }
        return done;
    }
}
