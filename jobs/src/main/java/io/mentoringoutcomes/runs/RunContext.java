package io.mentoringoutcomes.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.fs.Path;

/**
 * One night's run: which delivery (batch = the as-of date), which run of it, and where.
 * Re-running a night re-uses its batch id, which is what makes re-runs idempotent. The settings
 * are the run's effective configuration, recorded with every row the run writes to ops.pipeline_runs.
 */
public record RunContext(Warehouse warehouse, String input, LocalDate asOf, String runId, Settings settings) {

    /** A run on the built-in settings (tests, the benchmark). */
    public RunContext(Warehouse warehouse, String input, LocalDate asOf, String runId) {
        this(warehouse, input, asOf, runId, Settings.defaults());
    }

    public String batchId() {
        return asOf.toString();
    }

    public static String newRunId(LocalDate asOf) {
        return "run-" + asOf + "-"
                + DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    }

    /**
     * The as-of date: the one given, else the delivery's {@code _manifest.json} extracted_on,
     * else today (UTC).
     */
    public static LocalDate resolveAsOf(String given, String input, org.apache.hadoop.conf.Configuration conf) {
        if (given != null && !given.isBlank()) {
            return LocalDate.parse(given);
        }
        if (input != null) {
            try {
                Path manifest = new Path(input, "_manifest.json");
                var fs = manifest.getFileSystem(conf);
                if (fs.exists(manifest)) {
                    try (InputStream in = fs.open(manifest)) {
                        JsonNode node = new ObjectMapper().readTree(in);
                        if (node.hasNonNull("extracted_on")) {
                            return LocalDate.parse(node.get("extracted_on").asText());
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + input + "/_manifest.json: " + e.getMessage(), e);
            }
        }
        return LocalDate.now(ZoneOffset.UTC);
    }
}
