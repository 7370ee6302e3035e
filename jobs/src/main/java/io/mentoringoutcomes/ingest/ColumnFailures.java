package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;

import io.mentoringoutcomes.runs.StageLog;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per column, how many rows failed typing and the first of them: a column that fails in every
 * row ("85,000" as a salary, US dates) is one cause, not thousands of row errors.
 */
public final class ColumnFailures {

    /** One column's failures: in how many rows, and the first one as a one-line cause. */
    public record Failure(String column, long rows, String cause) {
        public boolean everyRow(long rowsRead) {
            return rows == rowsRead;
        }
    }

    private ColumnFailures() {}

    /**
     * Typed rows ({@link RowTyper#withTypedColumns}) → per failing column a line such as
     * {@code "f.csv line 2: column annual_salary: '85,000' is not a valid double, in 3 of 3 rows"},
     * worst first.
     */
    public static List<Failure> describe(Dataset<Row> typed, long rowsRead) {
        List<Row> perColumn = typed.select(
                        col(LandingReader.SOURCE_FILE),
                        col(LandingReader.SOURCE_LINE),
                        explode(col(RowTyper.PARSE_ERRORS)).as("error"))
                // A malformed record (short row, broken quoting) counts as the pseudo-column "(record)".
                .withColumn(
                        "column",
                        org.apache
                                .spark
                                .sql
                                .functions
                                .when(col("error").startsWith("malformed record"), lit("(record)"))
                                .otherwise(regexp_extract(col("error"), "^column ([A-Za-z0-9_]+): ", 1)))
                .filter(col("column").notEqual(""))
                .groupBy("column")
                .agg(
                        count(lit(1)).as("rows"),
                        min(struct(col(LandingReader.SOURCE_FILE), col(LandingReader.SOURCE_LINE), col("error")))
                                .as("first"))
                .orderBy(col("rows").desc(), col("column"))
                .collectAsList();
        List<Failure> out = new ArrayList<>();
        for (Row r : perColumn) {
            Row first = r.getStruct(2);
            out.add(new Failure(
                    r.getString(0),
                    r.getLong(1),
                    first.getString(0) + " line " + first.getLong(1) + ": "
                            + first.getString(2) + ", in " + StageLog.count(r.getLong(1)) + " of "
                            + StageLog.count(rowsRead)
                            + " rows"));
        }
        return out;
    }
}
