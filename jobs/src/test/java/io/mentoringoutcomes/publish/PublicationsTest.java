package io.mentoringoutcomes.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publication pointer: a night is seen whole or not at all, whatever the gold folders hold. */
class PublicationsTest extends SparkTestBase {

    static final StructType FIGURE = StructType.fromDDL("program_id STRING, value DOUBLE");
    static final List<String> STAGING = List.of("staging.program_roi", "staging.retention_summary");

    @TempDir
    Path dir;

    Dataset<Row> figure(double value) {
        return spark.createDataFrame(List.of(RowFactory.create("ALL", value)), FIGURE);
    }

    static double value(Dataset<Row> table) {
        return table.head().getDouble(1);
    }

    /** What the publish stage does: every gold table, then the pointer. */
    Map<String, Long> publishNight(Warehouse wh, String runId, String asOf, double roi, double retention) {
        wh.overwrite("staging.program_roi", figure(roi));
        wh.overwrite("staging.retention_summary", figure(retention));
        Map<String, Long> versions = Publisher.publish(wh, STAGING);
        Publications.record(wh, runId, LocalDate.parse(asOf), versions);
        return versions;
    }

    @Test
    void aNightWhoseProcessDiedBetweenTwoGoldCommitsIsNotSeenAndLastNightIsSeenWhole() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Map<String, Long> night1 = publishNight(wh, "run-1", "2026-10-31", 1.5, 0.5);

        // Night 2 committed gold.program_roi, then its JVM died: no second commit, no pointer row.
        wh.overwrite("gold.program_roi", figure(9.9));

        GoldSource latest = GoldSource.of(wh, null);
        assertEquals("run-1", latest.night().orElseThrow().runId());
        assertEquals(
                night1,
                Map.of(
                        "gold.program_roi",
                        latest.version("gold.program_roi"),
                        "gold.retention_summary",
                        latest.version("gold.retention_summary")));
        assertEquals(1.5, value(latest.read("gold.program_roi")), "last night's figure, not the half night's 9.9");
        assertEquals(0.5, value(latest.read("gold.retention_summary")));
        // SQL over gold.* resolves through the same pointer.
        latest.register();
        assertEquals(1.5, spark.sql("SELECT value FROM gold.program_roi").head().getDouble(0));
        // A raw Delta reader of the folder sees the latest commit: the half night.
        assertEquals(9.9, value(wh.read("gold.program_roi")));

        // The re-run publishes the whole night; one pointer commit makes both tables visible together.
        long pointerBefore = wh.version(Publications.TABLE);
        Map<String, Long> night2 = publishNight(wh, "run-2", "2026-11-01", 2.5, 0.7);
        assertEquals(pointerBefore + 1, wh.version(Publications.TABLE), "one commit per publication");
        GoldSource now = GoldSource.of(wh, "");
        assertEquals("run-2", now.night().orElseThrow().runId());
        assertEquals(night2.get("gold.program_roi"), now.version("gold.program_roi"));
        assertEquals(2.5, value(now.read("gold.program_roi")));
        assertEquals(0.7, value(now.read("gold.retention_summary")));

        // --as-reported-on resolves through the pointer too.
        GoldSource asOfNight1 = GoldSource.of(wh, "2026-10-31");
        assertEquals(1.5, value(asOfNight1.read("gold.program_roi")));
        assertEquals(0.5, value(asOfNight1.read("gold.retention_summary")));
    }

    @Test
    void aReRunOfTheSameNightWinsAndPointerRowsNameRelativePaths() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        publishNight(wh, "run-a", "2026-11-01", 1.0, 0.1);
        publishNight(wh, "run-b", "2026-11-01", 2.0, 0.2);
        PublishedNights.PublishedNight n = PublishedNights.asReportedOn(wh, LocalDate.parse("2026-11-01"));
        assertEquals("run-b", n.runId());
        assertEquals(2.0, value(GoldSource.of(wh, null).read("gold.program_roi")));
        List<Row> rows = wh.read(Publications.TABLE)
                .filter("run_id = 'run-b'")
                .orderBy("table_name")
                .collectAsList();
        assertEquals(2, rows.size());
        assertEquals("gold/program_roi", rows.get(0).getAs("table_path"));
        assertEquals("gold/retention_summary", rows.get(1).getAs("table_path"));
        assertFalse(
                PublishedNights.find(wh, LocalDate.parse("2026-10-31")).isPresent(), "nothing before the first night");
        assertTrue(GoldSource.of(wh, null).isPinned());
    }
}
