package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.dim_program}: one row per program, so BI labels and filters programs without reading
 * silver. Names, kinds and dates describe a program, not its people, so every program is listed,
 * however few took part (a reference table: {@code kind: reference} in schemas/release.yaml).
 */
public final class ProgramDimension {

    public static final String TABLE = "dim_program";

    private ProgramDimension() {}

    /** @param programs silver.programs */
    public static Dataset<Row> dimension(Dataset<Row> programs, LocalDate asOf) {
        Dataset<Row> out = programs.select(
                        col("program_id"),
                        col("name").as("program_name"),
                        col("program_type"),
                        col("format"),
                        col("start_date"),
                        col("end_date"),
                        lit(Date.valueOf(asOf)).as("as_of"))
                .orderBy("program_id");
        return TableDocs.withComments(out, comments());
    }

    public static Map<String, String> comments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("program_id", "Program identifier, as in every gold table's program_id (which also has ALL).");
        c.put("program_name", "Display name.");
        c.put(
                "program_type",
                "Kind of program: onboarding, career_development, leadership, diversity_erg, mentoring_circle,"
                        + " reverse or other.");
        c.put("format", "formal (structured) or informal.");
        c.put("start_date", "First day of the program.");
        c.put("end_date", "Last day of the program; null while it runs.");
        c.put("as_of", "Day the table describes.");
        return c;
    }
}
