package io.mentoringoutcomes.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublisherTest extends SparkTestBase {

    static final StructType ROI = StructType.fromDDL("program_id STRING, roi DOUBLE");

    @TempDir
    Path dir;

    Dataset<Row> roi(double value) {
        return spark.createDataFrame(List.of(RowFactory.create("ALL", value)), ROI);
    }

    double goldRoi(Warehouse wh, String table) {
        return wh.read(table).head().getDouble(1);
    }

    @Test
    void aWriteFailingPartWayRestoresTheTablesAlreadyPublishedThatNight() throws IOException {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        wh.overwrite("staging.program_roi", roi(1.5));
        wh.overwrite("staging.retention_summary", roi(0.5));
        Map<String, Long> night1 = Publisher.publish(wh, List.of("staging.program_roi", "staging.retention_summary"));

        // Night 2: new figures for the first table; the second's files are gone when publish reads them.
        wh.overwrite("staging.program_roi", roi(9.9));
        wh.overwrite("staging.retention_summary", roi(0.7));
        try (Stream<Path> files = Files.list(dir.resolve("wh/staging/retention_summary"))) {
            for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".parquet"))
                    .toList()) {
                Files.delete(p);
            }
        }
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Publisher.publish(wh, List.of("staging.program_roi", "staging.retention_summary")));
        assertTrue(
                e.getMessage().contains("gold.program_roi -> version " + night1.get("gold.program_roi")),
                e.getMessage());

        // Last night's figures, in new commits (overwrite, then restore); the failed table untouched.
        assertEquals(1.5, goldRoi(wh, "gold.program_roi"));
        assertEquals(night1.get("gold.program_roi") + 2, wh.version("gold.program_roi"));
        assertEquals(0.5, goldRoi(wh, "gold.retention_summary"));
        assertEquals(night1.get("gold.retention_summary"), wh.version("gold.retention_summary"));
    }
}
