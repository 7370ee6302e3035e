package io.mentoringoutcomes.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest extends SparkTestBase {

    /** 1..10 with a filter and an aggregate above it: the plan a cut must replace by its rows. */
    private static Dataset<Row> evenSquares() {
        return spark.range(1, 11)
                .filter(col("id").mod(2).equalTo(0))
                .select(col("id"), col("id").multiply(col("id")).as("sq"))
                .orderBy("id");
    }

    private static List<String> rows(Dataset<Row> df) {
        return df.orderBy("id").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void aLocalMasterTakesALocalCheckpointWithTheSameRowsAndNoFiles() {
        Dataset<Row> cut = Checkpoints.cut(evenSquares());

        LogicalRDD scan =
                assertInstanceOf(LogicalRDD.class, cut.queryExecution().analyzed());
        assertFalse(scan.rdd().getCheckpointFile().isDefined(), "a local checkpoint writes no files");
        assertEquals(List.of("[2,4]", "[4,16]", "[6,36]", "[8,64]", "[10,100]"), rows(cut));
        Checkpoints.release(cut);
    }

    @Test
    void aReliableCheckpointWritesUnderTheDirectoryAndReleaseDeletesIt(@TempDir Path dir) throws Exception {
        Checkpoints.ensureDirectory(spark.sparkContext(), dir.toUri().toString());
        // The shared test context may already have had a directory set: files go wherever it points.
        Path root =
                Path.of(new java.net.URI(spark.sparkContext().getCheckpointDir().get()));

        Dataset<Row> cut = Checkpoints.cut(evenSquares(), true);

        LogicalRDD scan =
                assertInstanceOf(LogicalRDD.class, cut.queryExecution().analyzed());
        Path file = Path.of(new java.net.URI(scan.rdd().getCheckpointFile().get()));
        assertTrue(file.startsWith(root) && Files.isDirectory(file), "checkpoint written under " + root);
        assertEquals(List.of("[2,4]", "[4,16]", "[6,36]", "[8,64]", "[10,100]"), rows(cut));

        Checkpoints.release(cut);
        assertFalse(Files.exists(file), "release deletes the checkpoint's files");
    }

    @Test
    void anEarlierDirectoryIsKept(@TempDir Path first, @TempDir Path second) {
        Checkpoints.ensureDirectory(spark.sparkContext(), first.toUri().toString());
        String set = spark.sparkContext().getCheckpointDir().get();

        assertFalse(
                Checkpoints.ensureDirectory(spark.sparkContext(), second.toUri().toString()));
        assertEquals(set, spark.sparkContext().getCheckpointDir().get());
    }
}
