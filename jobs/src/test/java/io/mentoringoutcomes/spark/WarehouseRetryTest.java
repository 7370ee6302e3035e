package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * Which failures the warehouse's writes retry, judged on the exceptions real Delta throws: a
 * transaction that read the table loses to a concurrent metadata change, and to a concurrent
 * overwrite, and both are retried; an error in the query itself is not.
 */
class WarehouseRetryTest extends SparkTestBase {

    @Test
    void aConcurrentMetadataChangeIsRetried(@TempDir Path dir) {
        String path = table(dir);
        OptimisticTransaction txn = DeltaLog.forTable(spark, path).startTransaction();
        txn.filterFiles(); // the transaction has read the table
        spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('mentoring.note' = 'changed meanwhile')");

        RuntimeException conflict = assertThrows(RuntimeException.class, () -> commitNothing(txn));
        assertTrue(
                conflict.getClass().getSimpleName().equals("MetadataChangedException"),
                "Delta reported " + conflict.getClass().getName());
        assertTrue(Warehouse.isRetryable(conflict));
        assertTrue(Warehouse.isRetryable(new RuntimeException("wrapped", conflict)));
    }

    @Test
    void aConcurrentOverwriteIsRetriedAndAQueryErrorIsNot(@TempDir Path dir) {
        String path = table(dir);
        OptimisticTransaction txn = DeltaLog.forTable(spark, path).startTransaction();
        List<AddFile> read = JavaConverters.seqAsJavaList(txn.filterFiles());
        spark.createDataFrame(List.of(RowFactory.create("b", 2)), StructType.fromDDL("id STRING, n INT"))
                .write()
                .format("delta")
                .mode("overwrite")
                .save(path);

        // Both transactions remove the file this one read.
        List<Action> removes = read.stream().map(f -> (Action) f.remove()).toList();
        RuntimeException conflict = assertThrows(
                RuntimeException.class,
                () -> txn.commit(JavaConverters.asScalaBuffer(removes).toSeq(), DeltaOperations.ManualUpdate$.MODULE$));
        assertTrue(Warehouse.isRetryable(conflict), conflict.getClass().getName());

        AnalysisException query = assertThrows(
                AnalysisException.class, () -> spark.sql("SELECT no_such_column FROM delta.`" + path + "`"));
        assertFalse(Warehouse.isRetryable(query));
    }

    private static String table(Path dir) {
        String path = dir.resolve("things").toString();
        spark.createDataFrame(List.of(RowFactory.create("a", 1)), StructType.fromDDL("id STRING, n INT"))
                .write()
                .format("delta")
                .save(path);
        return path;
    }

    /** Commits an empty transaction: Delta still checks it against what was committed since it read. */
    private static void commitNothing(OptimisticTransaction txn) {
        txn.commit(JavaConverters.asScalaBuffer(List.<Action>of()).toSeq(), DeltaOperations.ManualUpdate$.MODULE$);
    }
}
