package io.mentoringoutcomes.publish;

import io.mentoringoutcomes.pipeline.StageLog;
import io.mentoringoutcomes.spark.Warehouse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Staging → gold, once the audit has passed. Each gold table is overwritten in one Delta commit,
 * so the previous night stays readable by version (time travel) and BI readers never see a half
 * written table. The gold versions written are returned for {@code ops.pipeline_runs}.
 *
 * <p>Delta commits one table at a time. When a write fails part-way through the night, the tables
 * already published tonight are restored to last night's versions, so gold never mixes two nights.
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
        StageLog log = StageLog.start("publish", "staging -> gold: " + stagingTables.size() + " tables");
        Map<String, Long> versions = new LinkedHashMap<>();
        Map<String, Long> lastNight = new LinkedHashMap<>();
        for (String staging : stagingTables) {
            String gold = goldTable(staging);
            lastNight.put(gold, wh.exists(gold) ? wh.version(gold) : null);
            try {
                wh.overwrite(gold, wh.read(staging));
            } catch (Exception e) { // Spark's SparkException is checked but thrown undeclared
                List<String> restored = restore(wh, versions.keySet(), lastNight, log);
                throw new IllegalStateException("publishing " + gold + " failed (" + e.getMessage()
                        + "); tonight's other gold tables were restored to their previous versions: " + restored, e);
            }
            long version = wh.version(gold);
            versions.put(gold, version);
            log.info(gold + " -> version " + version);
        }
        log.done("published");
        return versions;
    }

    /** Puts each table published tonight back at its version before tonight; returns what it did. */
    private static List<String> restore(Warehouse wh, Iterable<String> publishedTonight, Map<String, Long> lastNight,
                                        StageLog log) {
        List<String> done = new ArrayList<>();
        for (String gold : publishedTonight) {
            Long version = lastNight.get(gold);
            if (version == null) {
                // A first publish has no earlier figures to return to; its version is not recorded as published.
                done.add(gold + " (new tonight, kept)");
                continue;
            }
            wh.restore(gold, version);
            done.add(gold + " -> version " + version);
            log.info("restored " + gold + " to version " + version);
        }
        return done;
    }
}
