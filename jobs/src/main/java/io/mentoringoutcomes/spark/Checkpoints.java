package io.mentoringoutcomes.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * The one way the product materialises an intermediate frame to cut its lineage: the next plans
 * read it as a one-node scan instead of re-analysing, re-optimising and (AQE) re-planning the
 * plan that built it in every query that uses it.
 *
 * <p>Local masters take a local checkpoint (blocks in memory, spilling to local disk: the
 * fastest). Anywhere else a lost executor would lose local-checkpoint blocks and the frame with
 * them, so a cluster takes a reliable checkpoint in the context's checkpoint directory (shared
 * storage; {@link #ensureDirectory}).
 */
public final class Checkpoints {

    private Checkpoints() {}

    /** {@code df} materialised now, local or reliable as the master requires. */
    public static Dataset<Row> cut(Dataset<Row> df) {
        return cut(df, !df.sparkSession().sparkContext().isLocal());
    }

    static Dataset<Row> cut(Dataset<Row> df, boolean reliable) {
        if (!reliable) {
            return df.localCheckpoint(true);
        }
        if (df.sparkSession().sparkContext().getCheckpointDir().isEmpty()) {
            throw new IllegalStateException(
                    "a cluster needs a checkpoint directory on shared storage: Checkpoints.ensureDirectory first");
        }
        return df.checkpoint(true);
    }

    /** Checkpoint directories this class set, as the context names them (Spark appends a random folder). */
    private static final java.util.Set<String> SET_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Sets the context's checkpoint directory to {@code dir} unless the application already set
     * one. True when the directory in use is one this class set, now or on an earlier night of the
     * same application: the caller deletes it when its night is done, and a later night (which
     * finds it set) still owns it, writes there again and deletes it again. An application's own
     * directory is never ours to delete. Local masters never read it.
     */
    public static boolean ensureDirectory(SparkContext sc, String dir) {
        if (sc.getCheckpointDir().isEmpty()) {
            sc.setCheckpointDir(dir);
            SET_HERE.add(sc.getCheckpointDir().get());
        }
        return SET_HERE.contains(sc.getCheckpointDir().get());
    }

    /** Drops a cut frame's data now, its blocks and any checkpoint files, rather than when the GC gets to it. */
    public static void release(Dataset<Row> cut) {
        if (cut.queryExecution().analyzed() instanceof LogicalRDD rdd) {
            rdd.rdd().unpersist(false);
            scala.Option<String> file = rdd.rdd().getCheckpointFile();
            if (file.isDefined()) {
                Path path = new Path(file.get());
                try {
                    path.getFileSystem(cut.sparkSession().sparkContext().hadoopConfiguration())
                            .delete(path, true);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete checkpoint " + path, e);
                }
            }
        } else {
            cut.unpersist();
        }
    }
}
