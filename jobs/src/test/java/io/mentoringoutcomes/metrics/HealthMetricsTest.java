package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wiring only: the figures are tested in each class's own test. Surveys and goals are absent here. */
class HealthMetricsTest extends SparkTestBase {

    @Test
    void fourDocumentedTablesWithoutOptionalInputs(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> MetricsJob.silverInputs(wh));
        assertTrue(missing.getMessage().startsWith("silver.programs is required"), missing.getMessage());
        wh.overwrite(
                "silver.programs",
                spark.sql("SELECT 'P1' AS program_id, 'One' AS name, 'onboarding' AS program_type, "
                        + "'formal' AS format, DATE'2024-01-01' AS start_date, CAST(NULL AS DATE) AS end_date, "
                        + "14 AS planned_cadence_days, 1000.0 AS annual_fixed_cost"));
        wh.overwrite(
                "silver.matches",
                spark.sql("SELECT 'm1' AS match_id, 'P1' AS program_id, 'e2' AS mentor_id, "
                        + "'e1' AS mentee_id, DATE'2025-01-01' AS matched_date, CAST(NULL AS DATE) AS ended_date, "
                        + "CAST(NULL AS STRING) AS end_reason"));
        wh.overwrite(
                "silver.meetings",
                spark.sql(
                        "SELECT 'k1' AS meeting_id, 'm1' AS match_id, "
                                + "TIMESTAMP'2025-02-01 10:00:00' AS scheduled_at, 'held' AS status, 60 AS duration_minutes, 7 AS action_rating"));
        wh.overwrite(
                "silver.hris_employees",
                spark.sql(
                                "SELECT * FROM VALUES "
                                        + "('e1', DATE'2020-01-01'), ('e2', DATE'2020-01-01'), ('e3', DATE'2020-01-01') AS t(employee_id, hire_date)")
                        .selectExpr(
                                "employee_id",
                                "hire_date",
                                "CAST(NULL AS DATE) AS termination_date",
                                "CAST(NULL AS STRING) AS termination_type",
                                "'Eng' AS department",
                                "'L1' AS job_level",
                                "CAST(NULL AS STRING) AS location",
                                "CAST(NULL AS DOUBLE) AS annual_salary",
                                "CAST(NULL AS DOUBLE) AS performance_rating",
                                "CAST(NULL AS STRING) AS gender",
                                "CAST(NULL AS STRING) AS ethnicity",
                                "CAST(NULL AS STRING) AS manager_id"));
        Dataset<Row> cohorts = spark.sql("SELECT 'P1' AS program_id, 'mentee' AS cohort, 'matched' AS method, "
                + "'e1' AS employee_id, DATE'2025-01-01' AS index_date, 1.0 AS weight, 0 AS time_days, 0 AS event, "
                + "'Eng' AS department, 'L1' AS job_level, '<1' AS tenure_band, '2025-01' AS index_month");

        Map<String, Dataset<Row>> tables = HealthMetrics.compute(
                MetricsJob.silverInputs(wh),
                cohorts,
                LocalDate.parse("2025-06-30"),
                10,
                new Pseudonymizer("0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        assertEquals(
                List.of("turnover_rate", "satisfaction_summary", "engagement_summary", "match_health"),
                List.copyOf(tables.keySet()));
        for (Map.Entry<String, Dataset<Row>> e : tables.entrySet()) {
            for (StructField f : e.getValue().schema().fields()) {
                assertTrue(f.metadata().contains("comment"), e.getKey() + "." + f.name() + " has a comment");
            }
            assertTrue(e.getValue().count() > 0, e.getKey());
        }
        assertEquals(
                3L,
                tables.get("satisfaction_summary")
                        .where(col("note").equalTo(SatisfactionSummary.SURVEYS_ABSENT))
                        .count());
        Row match = tables.get("match_health").head();
        assertTrue(match.<Boolean>getAs("suppressed"), "one match in P1 is under 10");
        assertEquals(16, match.<String>getAs("match_key").length());
    }
}
