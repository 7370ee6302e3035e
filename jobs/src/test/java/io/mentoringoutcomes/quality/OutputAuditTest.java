package io.mentoringoutcomes.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputAuditTest extends SparkTestBase {

    /** The columns of gold.retention_summary that the audit reads. */
    static final StructType RETENTION = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("n_employees", DataTypes.LongType)
            .add("retention", DataTypes.DoubleType)
            .add("retention_ci_low", DataTypes.DoubleType)
            .add("retention_ci_high", DataTypes.DoubleType)
            .add("difference", DataTypes.DoubleType)
            .add("difference_ci_low", DataTypes.DoubleType)
            .add("difference_ci_high", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType);

    /** gold.promotion_summary's: a bare ci_low/ci_high bounds promotion_rate. */
    static final StructType PROMOTION = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("n_employees", DataTypes.LongType)
            .add("promotion_rate", DataTypes.DoubleType)
            .add("ci_low", DataTypes.DoubleType)
            .add("ci_high", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType);

    /** gold.satisfaction_summary's: values on their own scales (eNPS, 1-5 scores), not probabilities. */
    static final StructType SATISFACTION = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("n_employees", DataTypes.LongType)
            .add("value", DataTypes.DoubleType)
            .add("ci_low", DataTypes.DoubleType)
            .add("ci_high", DataTypes.DoubleType)
            .add("suppressed", DataTypes.BooleanType);

    @TempDir
    Path dir;

    @Test
    void rateOutOfRangeAndUnsuppressedSmallGroupFailWhileACleanTablePasses() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        // Clean: a negative difference with its interval is fine; a small group is suppressed, its size too.
        wh.overwrite(
                "staging.retention_summary",
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("P1", 40L, 0.8, 0.7, 0.9, -0.3, -0.5, -0.1, false),
                                RowFactory.create("P2", null, null, null, null, null, null, null, true)),
                        RETENTION));
        // A promotion rate of 1.2 is no probability, and it lies outside its own interval.
        wh.overwrite(
                "staging.promotion_summary",
                spark.createDataFrame(List.of(RowFactory.create("P1", 40L, 1.2, 0.7, 0.9, false)), PROMOTION));
        // An eNPS of 35 is on its own scale; but 3 employees unsuppressed is a privacy breach.
        wh.overwrite(
                "staging.satisfaction_summary",
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("P1", 40L, 35.0, 20.0, 50.0, false),
                                RowFactory.create("P2", 3L, 4.5, 4.0, 5.0, false)),
                        SATISFACTION));

        QualityConfig cfg = QualityConfig.defaults();
        OutputAudit.AuditResult r = OutputAudit.audit(wh, "run-audit", "2026-11-20", cfg);

        assertFalse(r.publishable());
        assertTrue(
                r.publishable("staging.retention_summary", cfg),
                () -> r.failures().toString());
        assertFalse(r.publishable("staging.promotion_summary", cfg));
        assertFalse(r.publishable("staging.satisfaction_summary", cfg));
        Set<String> failed = r.failures().stream()
                .map(o -> o.dataset() + " " + o.check() + " " + o.level().label())
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(
                Set.of(
                        "staging.promotion_summary unit_interval:promotion_rate error",
                        // the release rules of schemas/release.yaml name the same breach, with its row
                        "staging.satisfaction_summary disclosure:primary:n_employees error",
                        "staging.promotion_summary ci_order:promotion_rate error",
                        "staging.satisfaction_summary privacy:n_employees error"),
                failed);
        // the clean table was audited with every derived check
        Set<String> cleanChecks = r.outcomes().stream()
                .filter(o -> o.dataset().equals("staging.retention_summary"))
                .map(CheckOutcome::check)
                .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        "not_empty",
                        "unit_interval:retention",
                        "unit_interval:retention_ci_low",
                        "unit_interval:retention_ci_high",
                        "ci_order:retention",
                        "ci_order:difference",
                        "non_negative:n_employees",
                        "privacy:n_employees",
                        "disclosure"),
                cleanChecks);
        assertEquals(
                r.outcomes().size(),
                wh.read(OpsTables.DQ_RESULTS).where("run_id = 'run-audit'").count());
    }

    @Test
    void figuresAnEarlierNightLeftInStagingAreNotPublishedAsTonights() {
        Warehouse wh = new Warehouse(spark, dir.resolve("stale").toString());
        StructType withAsOf = PROMOTION.add("as_of", DataTypes.DateType);
        wh.overwrite(
                "staging.promotion_summary",
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                "P1", 40L, 0.2, 0.1, 0.3, false, java.sql.Date.valueOf("2026-10-31"))),
                        withAsOf));
        QualityConfig cfg = QualityConfig.defaults();

        OutputAudit.AuditResult tonight = OutputAudit.audit(wh, "run-stale", "2026-11-30", cfg);
        assertFalse(tonight.publishable());
        assertEquals(
                List.of("as_of_is_tonight"),
                tonight.failures().stream().map(CheckOutcome::check).toList());

        OutputAudit.AuditResult itsOwnNight = OutputAudit.audit(wh, "run-own", "2026-10-31", cfg);
        assertTrue(itsOwnNight.publishable(), () -> itsOwnNight.failures().toString());
    }

    @Test
    void goldGetsTheRowsTheAuditCheckedEvenIfStagingMovesAfterTheAudit() {
        Warehouse wh = new Warehouse(spark, dir.resolve("pinned").toString());
        var passed = List.of(
                RowFactory.create("P1", 40L, 0.8, 0.7, 0.9, -0.3, -0.5, -0.1, false),
                RowFactory.create("P2", null, null, null, null, null, null, null, true));
        wh.overwrite("staging.retention_summary", spark.createDataFrame(passed, RETENTION));
        QualityConfig cfg = QualityConfig.defaults();
        OutputAudit.AuditResult r = OutputAudit.audit(wh, "run-pinned", "2026-11-20", cfg);
        assertTrue(r.publishable(), () -> r.failures().toString());
        // The audited rows live in the driver: no Delta scan is left in their plan.
        var audited = r.audited().get("staging.retention_summary");
        assertFalse(
                audited.queryExecution()
                        .optimizedPlan()
                        .toString()
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("delta"),
                audited.queryExecution().optimizedPlan().toString());

        // Staging changes after the audit (a group of 3 shown: it would have failed privacy).
        wh.overwrite(
                "staging.retention_summary",
                spark.createDataFrame(
                        List.of(RowFactory.create("P9", 3L, 1.0, 0.4, 1.0, null, null, null, false)), RETENTION));
        io.mentoringoutcomes.publish.Publisher.publish(wh, r.audited());

        List<String> gold = wh.read("gold.retention_summary").orderBy("program_id").collectAsList().stream()
                .map(Object::toString)
                .toList();
        assertEquals(passed.stream().map(Object::toString).toList(), gold);
        assertEquals(RETENTION, wh.read("gold.retention_summary").schema());
    }
}
