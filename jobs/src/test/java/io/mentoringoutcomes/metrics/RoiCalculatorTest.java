package io.mentoringoutcomes.metrics;

import io.mentoringoutcomes.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.mentoringoutcomes.metrics.CohortFixtures.row;
import static io.mentoringoutcomes.metrics.SilverFixtures.d;
import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoiCalculatorTest extends SparkTestBase {

    @Test
    void costBenefitAndRoiByHand() {
        LocalDate asOf = LocalDate.of(2025, 1, 1);
        Dataset<Row> programs = SilverFixtures.df(spark, List.of(
                RowFactory.create("P", "Mentoring", "other", "formal", d("2023-01-01"), null, 30, 12000.0),
                // Q started 6 months before as-of: half its annual fixed cost.
                RowFactory.create("Q", "New", "other", "formal", d("2024-07-01"), null, 30, 12000.0)),
                SilverFixtures.PROGRAMS);
        Dataset<Row> employees = SilverFixtures.df(spark, List.of(
                employee("r", "2010-01-01", null, null, "Ops", "L5", 104000.0, 4.0),
                employee("m", "2020-01-01", null, null, "Eng", "L2", 52000.0, 3.0)), SilverFixtures.EMPLOYEES);
        Dataset<Row> matches = SilverFixtures.df(spark, List.of(match("M", "P", "r", "m", "2024-01-10")),
                SilverFixtures.MATCHES);
        Dataset<Row> meetings = SilverFixtures.df(spark, List.of(
                meeting("1", "M", "2024-01-20", "held", 60),
                meeting("2", "M", "2024-06-20", "held", 90),
                meeting("3", "M", "2024-07-20", "cancelled", null),
                meeting("4", "M", "2025-02-20", "held", 60)), SilverFixtures.MEETINGS); // after 12 months
        // Program P's mentee cohort (salary 52000) and its retention difference at 12 months.
        Dataset<Row> cohort = CohortFixtures.frame(spark, List.of(row("mentee", "naive", "m", 1, 100, 0, 4, 52000, 3)));
        StructType rs = new StructType().add("program_id", DataTypes.StringType).add("cohort", DataTypes.StringType)
                .add("method", DataTypes.StringType).add("horizon_months", DataTypes.IntegerType)
                .add("difference", DataTypes.DoubleType).add("difference_ci_low", DataTypes.DoubleType)
                .add("difference_ci_high", DataTypes.DoubleType);
        Dataset<Row> retention = spark.createDataFrame(List.of(
                RowFactory.create("P", "mentee", "matched", 12, 0.10, 0.02, 0.18),
                RowFactory.create("P", "mentee", "matched", 6, 0.50, 0.40, 0.60)), rs);

        MetricsConfig cfg = MetricsConfig.defaults().withMinGroupSize(1);
        Map<String, Row> out = new HashMap<>();
        for (Row r : RoiCalculator.roi(cohort, retention, programs, matches, meetings, employees, cfg, asOf).collectAsList()) {
            out.put(r.getAs("program_id") + "/" + r.getAs("replacement_cost_ratio"), r);
        }
        assertEquals(3 * 4, out.size());  // P, Q, ALL x 4 ratios

        // Loaded hourly cost of the pair: (104000 + 52000) x 1.25 / 2080 = 93.75; 2.5 hours held in 12 months.
        Row p = out.get("P/0.5");
        assertEquals(2.5, (double) p.getAs("held_meeting_hours"), 1e-12);
        assertEquals(234.375, (double) p.getAs("participant_time_cost"), 1e-9);
        assertEquals(12000.0, (double) p.getAs("fixed_cost"), 1e-9);
        double cost = 12234.375;
        assertEquals(cost, (double) p.getAs("total_cost"), 1e-9);
        // Ratio 0.5: replacement cost 26000; 0.1 x 1 mentee = 0.1 avoided departures, benefit 2600.
        assertEquals(26000.0, (double) p.getAs("replacement_cost_per_departure"), 1e-9);
        assertEquals(2600.0, (double) p.getAs("benefit"), 1e-9);
        assertEquals((2600 - cost) / cost, (double) p.getAs("roi"), 1e-12);
        assertEquals((0.02 * 26000 - cost) / cost, (double) p.getAs("roi_ci_low"), 1e-12);
        assertEquals((0.18 * 26000 - cost) / cost, (double) p.getAs("roi_ci_high"), 1e-12);
        assertEquals(cost / 26000, (double) p.getAs("break_even_retention_uplift"), 1e-12);
        assertFalse((boolean) p.getAs("is_default_assumption"));
        assertTrue((boolean) out.get("P/0.21").getAs("is_default_assumption"));
        assertEquals(0.25, (double) p.getAs("overhead_rate"));

        assertEquals(6000.0, (double) out.get("Q/0.5").getAs("fixed_cost"), 1e-9);
        assertEquals(cost + 6000.0, (double) out.get("ALL/0.5").getAs("total_cost"), 1e-9);
        // Q has no mentees: suppressed.
        assertTrue((boolean) out.get("Q/0.5").getAs("suppressed"));
    }
}
