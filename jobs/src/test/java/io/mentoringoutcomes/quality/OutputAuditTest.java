package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputAuditTest extends SparkTestBase {

    static final StructType RETENTION = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("n_employees", DataTypes.LongType)
            .add("retention_12m", DataTypes.DoubleType)
            .add("ci_low", DataTypes.DoubleType)
            .add("ci_high", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType);

    @TempDir
    Path dir;

    @Test
    void rateOutOfRangeAndUnsuppressedSmallGroupFailWhileACleanTablePasses() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        wh.overwrite("staging.retention_summary", spark.createDataFrame(List.of(
                RowFactory.create("P1", 40L, 0.8, 0.7, 0.9, false),
                RowFactory.create("P2", 3L, null, null, null, true)), RETENTION));
        wh.overwrite("staging.retention_bad", spark.createDataFrame(List.of(
                RowFactory.create("P1", 40L, 1.2, 0.7, 0.9, false)), RETENTION));
        wh.overwrite("staging.retention_leaky", spark.createDataFrame(List.of(
                RowFactory.create("P1", 40L, 0.8, 0.7, 0.9, false),
                RowFactory.create("P2", 3L, 0.5, 0.2, 0.8, false)), RETENTION));

        QualityConfig cfg = QualityConfig.defaults();
        OutputAudit.AuditResult r = OutputAudit.audit(wh, "run-audit", "2026-11-20", cfg);

        assertFalse(r.publishable());
        assertTrue(r.publishable("staging.retention_summary", cfg), () -> r.failures().toString());
        assertFalse(r.publishable("staging.retention_bad", cfg));
        assertFalse(r.publishable("staging.retention_leaky", cfg));
        Set<String> failed = r.failures().stream().map(o -> o.dataset() + " " + o.check() + " " + o.level().label())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(Set.of(
                "staging.retention_bad unit_interval:retention_12m error",
                "staging.retention_bad ci_order:retention_12m error",
                "staging.retention_leaky privacy:n_employees error"), failed);
        // the clean table was audited with every derived check
        Set<String> cleanChecks = r.outcomes().stream().filter(o -> o.dataset().equals("staging.retention_summary"))
                .map(CheckOutcome::check).collect(Collectors.toSet());
        assertEquals(Set.of("not_empty", "unit_interval:retention_12m", "unit_interval:ci_low", "unit_interval:ci_high",
                "ci_order:retention_12m", "non_negative:n_employees", "privacy:n_employees"), cleanChecks);
        assertEquals(r.outcomes().size(), wh.read(OpsTables.DQ_RESULTS).where("run_id = 'run-audit'").count());
    }
}
