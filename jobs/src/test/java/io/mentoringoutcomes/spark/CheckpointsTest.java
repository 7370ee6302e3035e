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

    /**
     * A cut larger than storage memory spills to disk and is read back through the session's
     * serializer, Kryo: the cohort frame's strings, dates, doubles and nulls come back as they went.
     */
    @Test
    void rowsSpilledToDiskComeBackThroughKryoUnchanged() {
        assertEquals(
                "org.apache.spark.serializer.KryoSerializer",
                spark.sparkContext().conf().get("spark.serializer"));
        Dataset<Row> frame = spark.sql("SELECT * FROM VALUES "
                + "('P1', 'mentee', DATE'2024-03-15', 1.0D, 'Eng', 7), "
                + "('P1', 'comparison', DATE'2024-03-15', 0.3333333333333333D, NULL, NULL), "
                + "('ALL', 'comparison', NULL, 2.5D, 'Sales', 0) "
                + "AS t(program_id, cohort, index_date, weight, department, time_days)");
        Dataset<Row> onDisk = frame.persist(org.apache.spark.storage.StorageLevel.DISK_ONLY());
        try {
            onDisk.count();
            assertEquals(
                    List.of(
                            "[ALL,comparison,null,2.5,Sales,0]",
                            "[P1,comparison,2024-03-15,0.3333333333333333,null,null]",
                            "[P1,mentee,2024-03-15,1.0,Eng,7]"),
                    onDisk.orderBy("program_id", "cohort").collectAsList().stream()
                            .map(Row::toString)
                            .toList());
        } finally {
            onDisk.unpersist(true);
        }
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

    /**
     * The shared test context's directory, put back after each test that clears it: Spark has no
     * public way to unset one, and these tests need a context that has none.
     */
    private scala.Option<String> contextDirectory;

    @org.junit.jupiter.api.BeforeEach
    void rememberTheContextsDirectory() {
        contextDirectory = spark.sparkContext().getCheckpointDir();
    }

    @org.junit.jupiter.api.AfterEach
    void restoreTheContextsDirectory() {
        spark.sparkContext().checkpointDir_$eq(contextDirectory);
    }

    private static void clearTheContextsDirectory() {
        spark.sparkContext().checkpointDir_$eq(scala.Option.empty());
    }

    @Test
    void anApplicationsOwnDirectoryIsKeptAndNeverOursToDelete(@TempDir Path applications, @TempDir Path ours) {
        clearTheContextsDirectory();
        spark.sparkContext().setCheckpointDir(applications.toUri().toString());
        String set = spark.sparkContext().getCheckpointDir().get();

        assertFalse(
                Checkpoints.ensureDirectory(spark.sparkContext(), ours.toUri().toString()));
        assertEquals(set, spark.sparkContext().getCheckpointDir().get());
    }

    @Test
    void aDirectorySetHereIsStillOursOnTheNextNightOfTheSameApplication(@TempDir Path ours, @TempDir Path other)
            throws Exception {
        clearTheContextsDirectory();
        // Night 1 sets the directory, checkpoints into it and deletes it when done (as MetricsJob does).
        assertTrue(
                Checkpoints.ensureDirectory(spark.sparkContext(), ours.toUri().toString()));
        String set = spark.sparkContext().getCheckpointDir().get();
        Path setPath = Path.of(new java.net.URI(set));
        assertTrue(setPath.startsWith(ours), set);
        Checkpoints.cut(evenSquares(), true);
        try (var files = Files.list(setPath)) {
            assertEquals(1, files.count(), "night 1 checkpointed under " + set);
        }
        try (var walk = Files.walk(setPath)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        // Night 2 of the same application finds the directory set: still ours (before, it was
        // taken for the application's, and night 2's files were never deleted), and a checkpoint
        // there recreates it.
        assertTrue(
                Checkpoints.ensureDirectory(spark.sparkContext(), other.toUri().toString()));
        assertEquals(set, spark.sparkContext().getCheckpointDir().get());
        Dataset<Row> cut = Checkpoints.cut(evenSquares(), true);
        assertEquals(List.of("[2,4]", "[4,16]", "[6,36]", "[8,64]", "[10,100]"), rows(cut));
        try (var files = Files.list(setPath)) {
            assertEquals(1, files.count(), "night 2 checkpointed under " + set);
        }
    }
}
