package io.mentoringoutcomes.publish;

import io.mentoringoutcomes.pipeline.StageLog;
import io.mentoringoutcomes.spark.Warehouse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Staging → gold, once the audit has passed. Each gold table is overwritten in one Delta commit,
 * so the previous night stays readable by version (time travel) and BI readers never see a half
 * written table. The gold versions written are returned for {@code ops.pipeline_runs}.
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
        for (String staging : stagingTables) {
            String gold = goldTable(staging);
            wh.overwrite(gold, wh.read(staging));
            long version = wh.version(gold);
            versions.put(gold, version);
            log.info(gold + " -> version " + version);
        }
        log.done("published");
        return versions;
    }
}
