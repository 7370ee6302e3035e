package io.mentoringoutcomes.metrics;

import static io.mentoringoutcomes.metrics.SilverFixtures.employee;
import static io.mentoringoutcomes.metrics.SilverFixtures.match;
import static io.mentoringoutcomes.metrics.SilverFixtures.meeting;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One cell (Eng x L2 x 1-3 years x 2024-03) with mentees m1 (matched 2024-03-05, first held
 * meeting 2024-03-10) and m2 (matched 2024-03-20, first held meeting 2024-03-25), and comparators
 * c1..c4. Time zero is the first held meeting, so the cell's lower-median index date is
 * 2024-03-10. m3 (HR, alone in its cell) is unmatched. x1 is in Eng L2 but 5+ years: another band.
 */
class CohortMatcherTest extends SparkTestBase {

    static final LocalDate AS_OF = LocalDate.of(2024, 12, 31);
    static Map<String, Row> rows;

    @BeforeAll
    static void build() {
        Dataset<Row> employees = SilverFixtures.df(
                spark,
                List.of(
                        employee("m1", "2022-01-01", "2024-10-01", "voluntary", "Eng", "L2", 100.0, 3.0),
                        employee("m2", "2022-01-01", null, null, "Eng", "L2", 100.0, 3.0),
                        employee("m3", "2023-01-01", null, null, "HR", "L1", 80.0, 3.0),
                        employee("c1", "2021-06-01", null, null, "Eng", "L2", 90.0, 3.0),
                        employee("c2", "2021-06-01", "2024-07-05", "voluntary", "Eng", "L2", 90.0, 3.0),
                        employee("c3", "2021-06-01", null, null, "Eng", "L2", 90.0, 3.0),
                        employee("c4", "2021-06-01", "2024-09-05", "involuntary", "Eng", "L2", 90.0, 3.0),
                        employee("x1", "2015-01-01", null, null, "Eng", "L2", 150.0, 4.0),
                        employee("r1", "2010-01-01", null, null, "Ops", "L5", 200.0, 4.0)),
                SilverFixtures.EMPLOYEES);
        Dataset<Row> matches = SilverFixtures.df(
                spark,
                List.of(
                        match("M1", "P1", "r1", "m1", "2024-03-05"),
                        match("M2", "P1", "r1", "m2", "2024-03-20"),
                        match("M4", "P1", "r1", "m3", "2024-03-10"),
                        // c3 is matched later in another program and first meets on 2024-06-10: censored then
                        // (matched_itt: at the match, 2024-06-01).
                        match("M3", "P2", "r1", "c3", "2024-06-01")),
                SilverFixtures.MATCHES);
        Dataset<Row> meetings = SilverFixtures.df(
                spark,
                List.of(
                        meeting("a", "M1", "2024-03-10", "held", 60),
                        meeting("b", "M2", "2024-03-25", "held", 60),
                        meeting("c", "M4", "2024-03-15", "held", 60),
                        meeting("d0", "M3", "2024-06-03", "cancelled", null),
                        meeting("d", "M3", "2024-06-10", "held", 60)),
                SilverFixtures.MEETINGS);
        Dataset<Row> participants = SilverFixtures.df(spark, List.of(), SilverFixtures.PARTICIPANTS);

        Dataset<Row> cohort = CohortMatcher.build(matches, meetings, participants, employees, AS_OF);
        assertEquals(CohortMatcher.COLUMNS, List.of(cohort.columns()));
        rows = new HashMap<>();
        for (Row r : cohort.filter(col("program_id").equalTo("P1")).collectAsList()) {
            rows.put(r.getAs("method") + "/" + r.getAs("cohort") + "/" + r.getAs("employee_id"), r);
        }
    }

    private static double num(String key, String c) {
        Row r = rows.get(key);
        return ((Number) r.getAs(c)).doubleValue();
    }

    @Test
    void twoMenteesAndFourComparatorsGiveEachComparatorHalfWeight() {
        for (String c : List.of("c1", "c2", "c3", "c4")) {
            assertEquals(0.5, num("matched/comparison/" + c, "weight"), 1e-12, c);
            assertEquals(
                    java.sql.Date.valueOf("2024-03-10"),
                    rows.get("matched/comparison/" + c).getAs("index_date"));
        }
        assertEquals(1.0, num("matched/mentee/m1", "weight"), 1e-12);
        assertFalse(rows.containsKey("matched/comparison/x1"), "5+ years is another cell");
        assertFalse(rows.containsKey("matched/mentee/m3"), "alone in its cell: unmatched");
        assertTrue(rows.containsKey("naive/mentee/m3"), "naive keeps every mentee");
    }

    @Test
    void followUpEventsAndCensoring() {
        // Index = first held meeting: m1 2024-03-10, m2 2024-03-25.
        assertEquals(
                java.sql.Date.valueOf("2024-03-10"),
                rows.get("matched/mentee/m1").getAs("index_date"));
        assertEquals(
                java.sql.Date.valueOf("2024-03-25"),
                rows.get("matched/mentee/m2").getAs("index_date"));
        // m1 left voluntarily 2024-10-01: 205 days after 2024-03-10.
        assertEquals(205.0, num("matched/mentee/m1", "time_days"));
        assertEquals(1, (int) rows.get("matched/mentee/m1").getAs("event"));
        // c2 voluntary 2024-07-05: 117 days, an event.
        assertEquals(117.0, num("matched/comparison/c2", "time_days"));
        assertEquals(1, (int) rows.get("matched/comparison/c2").getAs("event"));
        // c3 first meets 2024-06-10 (matched 06-01, a cancelled meeting 06-03): censored after 92 days.
        assertEquals(92.0, num("matched/comparison/c3", "time_days"));
        assertEquals(0, (int) rows.get("matched/comparison/c3").getAs("event"));
        // c4 involuntary 2024-09-05: censored after 179 days.
        assertEquals(179.0, num("matched/comparison/c4", "time_days"));
        assertEquals(0, (int) rows.get("matched/comparison/c4").getAs("event"));
        // c1 still employed: censored at as-of, 296 days.
        assertEquals(296.0, num("matched/comparison/c1", "time_days"));
        assertEquals(0, (int) rows.get("matched/comparison/c1").getAs("event"));
    }

    @Test
    void naiveComparisonIsNeverParticipantsAtTheMedianMenteeDate() {
        // P1 mentees' first held meetings 03-10, 03-15, 03-25: median 2024-03-15. c3 (matched) and r1 (mentor) are
        // participants.
        for (String c : List.of("c1", "c2", "c4", "x1")) {
            assertEquals(
                    java.sql.Date.valueOf("2024-03-15"),
                    rows.get("naive/comparison/" + c).getAs("index_date"),
                    c);
            assertEquals(1.0, num("naive/comparison/" + c, "weight"));
        }
        assertFalse(rows.containsKey("naive/comparison/c3"));
        assertFalse(rows.containsKey("naive/comparison/r1"));
        assertTrue(rows.containsKey("naive/mentor/r1"));
    }

    @Test
    void tenureBandBoundaries() {
        StructType schema = new StructType().add("t", DataTypes.DoubleType);
        List<Row> in = List.of(
                RowFactory.create(0.0),
                RowFactory.create(0.999),
                RowFactory.create(1.0),
                RowFactory.create(2.999),
                RowFactory.create(3.0),
                RowFactory.create(4.999),
                RowFactory.create(5.0),
                RowFactory.create(30.0));
        List<Row> out = spark.createDataFrame(in, schema)
                .select(CohortBuilder.tenureBand(col("t")).as("b"))
                .collectAsList();
        List<String> bands = out.stream().map(r -> r.getString(0)).toList();
        assertEquals(List.of("<1", "<1", "1-3", "1-3", "3-5", "3-5", "5+", "5+"), bands);
        // 2022-01-01 to 2024-03-10 is 799 days = 2.19 years: band 1-3.
        assertEquals("1-3", rows.get("matched/mentee/m1").getAs("tenure_band"));
        assertEquals(799 / 365.25, num("matched/mentee/m1", "tenure_years"), 1e-12);
    }

    @Test
    void intentionToTreatIndexesOnTheMatchDateAndCensorsAtTheMatch() {
        // matched_itt: m1 03-05, m2 03-20 (lower median 03-05); c3 censored at its match 06-01: 88 days.
        assertEquals(
                java.sql.Date.valueOf("2024-03-05"),
                rows.get("matched_itt/mentee/m1").getAs("index_date"));
        assertEquals(
                java.sql.Date.valueOf("2024-03-05"),
                rows.get("matched_itt/comparison/c3").getAs("index_date"));
        assertEquals(88.0, num("matched_itt/comparison/c3", "time_days"));
        assertEquals(0.5, num("matched_itt/comparison/c1", "weight"), 1e-12);
        // m1 left 2024-10-01: 210 days after its match.
        assertEquals(210.0, num("matched_itt/mentee/m1", "time_days"));
    }
}
