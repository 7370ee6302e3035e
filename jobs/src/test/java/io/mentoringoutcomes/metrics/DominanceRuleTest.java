package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The p% rule on hand-worked groups: total − x1 − x2 against p/100 · x1. */
class DominanceRuleTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("program_id", DataTypes.StringType)
            .add("employee_id", DataTypes.StringType)
            .add("annual_salary", DataTypes.DoubleType);

    private static Map<String, Boolean> judge(List<Row> rows, double p) {
        Map<String, Boolean> out = new TreeMap<>();
        DominanceRule.dominated(spark.createDataFrame(rows, SCHEMA), "program_id", "employee_id", "annual_salary", p)
                .collectAsList()
                .forEach(r -> out.put(r.getString(0), r.getBoolean(1)));
        return out;
    }

    private static List<Row> group(String program, double... salaries) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < salaries.length; i++) {
            rows.add(RowFactory.create(program, program + "-e" + i, salaries[i]));
        }
        return rows;
    }

    @Test
    void aGroupIsDominatedWhenTheOthersButTheSecondAreUnderPPercentOfTheLargest() {
        List<Row> rows = new ArrayList<>();
        // EVEN: ten salaries of 50,000: total − x1 − x2 = 400,000, far above 10% of 50,000.
        rows.addAll(group("EVEN", 50e3, 50e3, 50e3, 50e3, 50e3, 50e3, 50e3, 50e3, 50e3, 50e3));
        // CEO: 2,000,000 beside nine of 20,000: the rest after the two largest is 8 × 20,000 = 160,000,
        // under 10% of 2,000,000 (200,000): the second largest learns the CEO's pay to within 8%.
        rows.addAll(group("CEO", 2e6, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3));
        // EDGE: 1,000,000 and nine of 12,500: the rest is 8 × 12,500 = 100,000, exactly 10%: not under it.
        rows.addAll(group("EDGE", 1e6, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3));
        // ONE: a single contributor is its own total. ZERO: nothing to learn.
        rows.addAll(group("ONE", 70e3));
        rows.addAll(group("ZERO", 0, 0, 0));
        // TWICE: e0 has two rows (counted twice in the figure, so twice here): 60,000 + 60,000 beside two of
        // 5,000: the rest after 120,000 and 5,000 is 5,000 < 12,000. Per row it would be 60,000, 60,000, 5,000,
        // 5,000: the rest 10,000 > 6,000, not dominated.
        rows.add(RowFactory.create("TWICE", "t0", 60e3));
        rows.add(RowFactory.create("TWICE", "t0", 60e3));
        rows.add(RowFactory.create("TWICE", "t1", 5e3));
        rows.add(RowFactory.create("TWICE", "t2", 5e3));
        assertEquals(
                Map.of("CEO", true, "EDGE", false, "EVEN", false, "ONE", true, "TWICE", true, "ZERO", false),
                judge(rows, 10));
        // A stricter p catches EDGE: 100,000 < 20% of 1,000,000.
        assertEquals(
                true,
                judge(group("EDGE", 1e6, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3, 12.5e3), 20)
                        .get("EDGE"));
    }

    @Test
    void theEvidenceIsEachGroupsTotalAndItsTwoLargestPeople() {
        List<Row> rows = new ArrayList<>();
        rows.addAll(group("CEO", 2e6, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3, 20e3));
        rows.addAll(group("ONE", 70e3));
        // TWICE: t0's two rows are one person's 120,000.
        rows.add(RowFactory.create("TWICE", "t0", 60e3));
        rows.add(RowFactory.create("TWICE", "t0", 60e3));
        rows.add(RowFactory.create("TWICE", "t1", 5e3));
        rows.add(RowFactory.create("TWICE", "t2", 7e3));
        Map<String, List<Object>> got = new TreeMap<>();
        DominanceRule.topTwo(spark.createDataFrame(rows, SCHEMA), "program_id", "employee_id", "annual_salary")
                .collectAsList()
                .forEach(r -> got.put(
                        r.getString(0),
                        java.util.Arrays.asList(
                                r.getAs("n_contributors"),
                                r.getAs("total_value"),
                                r.getAs("largest_value"),
                                r.getAs("second_largest_value"))));
        assertEquals(
                Map.of(
                        "CEO", List.of(10L, 2.18e6, 2e6, 20e3),
                        "ONE", java.util.Arrays.asList(1L, 70e3, 70e3, null),
                        "TWICE", List.of(3L, 132e3, 120e3, 7e3)),
                got);
    }
}
