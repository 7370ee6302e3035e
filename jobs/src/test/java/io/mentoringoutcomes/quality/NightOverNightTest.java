package io.mentoringoutcomes.quality;

import static io.mentoringoutcomes.quality.Night.d;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.Level;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NightOverNightTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void moreThanHalfTheEmployeesGoneOnTheSecondNightIsAnAnomalyReadFromStoredMetrics() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        Contract contract = Contract.standard();
        QualityConfig cfg = QualityConfig.defaults();

        Night first = Night.clean();
        for (int i = 10; i < 18; i++) { // 14 employees on night 1
            first.add(
                    "hris_employees",
                    "E" + i,
                    d("2021-01-01"),
                    null,
                    null,
                    "Eng",
                    "L1",
                    "Paris",
                    1.0,
                    3.0,
                    null,
                    null,
                    null);
        }
        first.writeBronze(wh, "2026-11-19");
        GateResult night1 =
                QualityGate.evaluate(wh, contract, LocalDate.parse("2026-11-19"), "run-n1", "2026-11-19", cfg);
        assertFalse(night1.blocked(), () -> night1.failures().toString());
        CheckOutcome noHistory = QualityGateTest.outcome(night1, "hris_employees", ContractChecks.SIZE_ANOMALY);
        assertTrue(noHistory.passed());
        assertEquals(
                1L,
                wh.read(OpsTables.DQ_METRICS)
                        .where("dataset = 'hris_employees'")
                        .count());
        night1.release();

        // Re-running night 1 replaces its metrics instead of adding a second copy of the night.
        long night1Rows =
                wh.read(OpsTables.DQ_METRICS).where("batch_id = '2026-11-19'").count();
        QualityGate.evaluate(wh, contract, LocalDate.parse("2026-11-19"), "run-n1-again", "2026-11-19", cfg)
                .release();
        assertEquals(
                night1Rows,
                wh.read(OpsTables.DQ_METRICS).where("batch_id = '2026-11-19'").count());
        assertEquals(
                1L,
                wh.read(OpsTables.DQ_METRICS)
                        .where("dataset = 'hris_employees'")
                        .count());
        assertEquals(
                java.util.List.of("run-n1-again"),
                wh.read(OpsTables.DQ_METRICS)
                        .select("run_id")
                        .distinct()
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());

        // 6 employees: more than half of night 1 gone (exactly half is the inclusive bound and passes)
        Night second = Night.clean();
        second.writeBronze(wh, "2026-11-20");
        GateResult night2 =
                QualityGate.evaluate(wh, contract, LocalDate.parse("2026-11-20"), "run-n2", "2026-11-20", cfg);
        CheckOutcome drop = QualityGateTest.outcome(night2, "hris_employees", ContractChecks.SIZE_ANOMALY);
        assertFalse(drop.passed(), drop::toString);
        assertEquals(Level.WARNING, drop.level());
        assertEquals(6.0, drop.metricValue());
        assertFalse(night2.blocked(), "an anomaly is a Warning by default");
        // other datasets kept their size: no anomaly there
        assertTrue(QualityGateTest.outcome(night2, "meetings", ContractChecks.QUARANTINE_RATE_ANOMALY)
                .passed());
        night2.release();

        Night third = Night.clean().without("hris_employees"); // configured as Error, the next drop blocks
        third.add(
                "hris_employees", "E1", d("2020-01-01"), null, null, "Eng", "L3", "Paris", 1.0, 3.0, null, null, null);
        third.add(
                "hris_employees", "E2", d("2020-01-01"), null, null, "Eng", "L3", "Paris", 1.0, 3.0, null, null, null);
        third.writeBronze(wh, "2026-11-21");
        QualityConfig strict = cfg.withAnomalyLevel(Level.ERROR);
        GateResult night3 =
                QualityGate.evaluate(wh, contract, LocalDate.parse("2026-11-21"), "run-n3", "2026-11-21", strict);
        assertTrue(night3.blocked());
        assertTrue(
                night3.blockingFailures(strict).stream().anyMatch(o -> o.check().equals(ContractChecks.SIZE_ANOMALY)),
                () -> night3.blockingFailures(strict).toString());
        night3.release();
    }
}
