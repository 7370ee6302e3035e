package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.publish.Publications;
import io.mentoringoutcomes.publish.Publisher;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's watcher looks for a new night every few seconds for months: a look that finds none costs no Spark job. */
class ServedNightTest extends SparkTestBase {

    static final StructType FIGURE = StructType.fromDDL("program_id STRING, value DOUBLE");

    @TempDir
    Path dir;

    void publishNight(Warehouse wh, String runId, String asOf, double value) {
        wh.overwrite("staging.program_roi", spark.createDataFrame(List.of(RowFactory.create("ALL", value)), FIGURE));
        Publications.record(wh, runId, LocalDate.parse(asOf), Publisher.publish(wh, List.of("staging.program_roi")));
    }

    @Test
    void aRefreshThatFindsNoNewNightRunsNoSparkJobAndANewNightIsServed() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        assertEquals("pipeline_runs@-1", ServedNight.pointer(wh), "nothing published yet");
        publishNight(wh, "run-1", "2026-10-31", 1.5);
        assertEquals("publications@" + wh.version(Publications.TABLE), ServedNight.pointer(wh));

        List<String> views = new ArrayList<>();
        ServedNight night = ServedNight.start(wh, GoldSource.latestPublished(wh), Set.of("gold"), views);
        assertEquals(List.of("gold.program_roi"), views);
        assertFalse(night.refresh(), "the first look reads the pointer and finds the served night");

        var sc = spark.sparkContext();
        try {
            sc.setJobGroup("refresh-nothing-new", "no-op refreshes", false);
            for (int i = 0; i < 5; i++) {
                assertFalse(night.refresh());
            }
            sc.setJobGroup("publish-night-2", "a new night", false);
            publishNight(wh, "run-2", "2026-11-01", 2.5);
            sc.setJobGroup("refresh-new-night", "the refresh that swaps", false);
            assertTrue(night.refresh(), "a new publication is served");
            assertTrue(night.describe().contains("2026-11-01"), night.describe());
            assertEquals(
                    2.5, spark.sql("SELECT value FROM gold.program_roi").head().getDouble(0));
        } finally {
            sc.clearJobGroup();
        }
        // Listener events arrive in order: once the swap's jobs are known, the no-op ones would be too.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (sc.statusTracker().getJobIdsForGroup("refresh-new-night").length == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(sc.statusTracker().getJobIdsForGroup("refresh-new-night").length > 0, "the swap read the night");
        assertEquals(0, sc.statusTracker().getJobIdsForGroup("refresh-nothing-new").length);
    }
}
