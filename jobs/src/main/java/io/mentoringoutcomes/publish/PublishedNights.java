package io.mentoringoutcomes.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * Which gold versions were published for a night: the answer to "show me the figures exactly as
 * they were reported on DATE". The night reported on DATE is the latest publication whose as_of is
 * on or before DATE (a re-run of the same night wins over the earlier run), read from the
 * publication pointer {@link Publications ops.publications}. Warehouses published before the pointer
 * existed have their nights in {@code ops.pipeline_runs} only (the publish stage's
 * {@code {"gold_versions": {"gold.x": v}}}); those are read when the pointer has no such night.
 */
public final class PublishedNights {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PublishedNights() {}

    /** One successful publish: its run, night, when it finished and the gold version of each table. */
    public record PublishedNight(String runId, LocalDate asOf, Timestamp finishedAt, Map<String, Long> goldVersions) {

        public PublishedNight {
            goldVersions = Collections.unmodifiableMap(new LinkedHashMap<>(goldVersions));
        }

        public String describe() {
            return "as published by run " + runId + " (as of " + asOf + ")";
        }
    }

    /** The table → Delta version map of the night reported on {@code date}. */
    public static Map<String, Long> goldVersions(Warehouse wh, LocalDate date) {
        return asReportedOn(wh, date).goldVersions();
    }

    /** The night reported on {@code date}; fails with a readable message when there is none. */
    public static PublishedNight asReportedOn(Warehouse wh, LocalDate date) {
        return find(wh, date)
                .orElseThrow(() -> new IllegalStateException("no successful publish with as_of on or before " + date
                        + " in " + PipelineRuns.TABLE + " under " + wh.root()));
    }

    /** The latest successful publish with as_of on or before {@code date}, if any. */
    public static Optional<PublishedNight> find(Warehouse wh, LocalDate date) {
        Optional<PublishedNight> published = Publications.find(wh, date);
        return published.isPresent() ? published : findRecordedRun(wh, date);
    }

    /** Before {@code ops.publications}: the latest successful publish row of {@code ops.pipeline_runs}. */
    private static Optional<PublishedNight> findRecordedRun(Warehouse wh, LocalDate date) {
        if (!wh.exists(PipelineRuns.TABLE)) {
            return Optional.empty();
        }
        List<Row> rows = wh.read(PipelineRuns.TABLE)
                .filter(col("stage")
                        .equalTo("publish")
                        .and(col("status").equalTo("succeeded"))
                        .and(col("as_of").leq(lit(java.sql.Date.valueOf(date)))))
                .orderBy(col("as_of").desc(), col("finished_at").desc())
                .select("run_id", "as_of", "finished_at", "details_json")
                .limit(1)
                .collectAsList();
        return rows.isEmpty() ? Optional.empty() : Optional.of(toNight(rows.get(0)));
    }

    /** The latest successful publish of any night, if any. */
    public static Optional<PublishedNight> latest(Warehouse wh) {
        return find(wh, LocalDate.of(9999, 12, 31));
    }

    static PublishedNight toNight(Row row) {
        Map<String, Long> versions = parseGoldVersions(row.getString(3));
        return new PublishedNight(row.getString(0), row.getDate(1).toLocalDate(), row.getTimestamp(2), versions);
    }

    /** {@code {"gold_versions": {"gold.x": 3, ...}}} → ordered map; fails on a publish row without versions. */
    public static Map<String, Long> parseGoldVersions(String detailsJson) {
        try {
            JsonNode versions =
                    JSON.readTree(detailsJson == null ? "{}" : detailsJson).path("gold_versions");
            if (!versions.isObject() || versions.isEmpty()) {
                throw new IllegalStateException("publish row has no gold_versions: " + detailsJson);
            }
            Map<String, Long> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = versions.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), e.getValue().asLong());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable details_json: " + detailsJson, e);
        }
    }
}
