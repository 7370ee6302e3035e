package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** gold.dim_program from two silver programs, one still running (no end date). */
class ProgramDimensionTest extends SparkTestBase {

    @Test
    void oneRowPerProgramWithItsNameKindAndDates() {
        Dataset<Row> programs = SilverFixtures.df(
                spark,
                List.<Row>of(
                        RowFactory.create(
                                "P2",
                                "Women in Tech",
                                "diversity_erg",
                                "informal",
                                Date.valueOf("2023-05-01"),
                                null,
                                14,
                                500.0),
                        RowFactory.create(
                                "P1",
                                "New Joiners",
                                "onboarding",
                                "formal",
                                Date.valueOf("2022-01-10"),
                                Date.valueOf("2024-12-31"),
                                30,
                                1000.0)),
                SilverFixtures.PROGRAMS);

        Dataset<Row> dim = ProgramDimension.dimension(programs, LocalDate.parse("2025-01-31"));

        assertEquals(
                List.of("program_id", "program_name", "program_type", "format", "start_date", "end_date", "as_of"),
                List.of(dim.columns()));
        List<Row> rows = dim.collectAsList();
        assertEquals(
                List.of(
                        "[P1,New Joiners,onboarding,formal,2022-01-10,2024-12-31,2025-01-31]",
                        "[P2,Women in Tech,diversity_erg,informal,2023-05-01,null,2025-01-31]"),
                rows.stream().map(Row::toString).toList());
        // Costs and cadences stay in silver: no integer column, nothing that counts people.
        for (String c : dim.columns()) {
            assertTrue(dim.schema().apply(c).metadata().contains("comment"), c + " has no comment");
        }
    }
}
