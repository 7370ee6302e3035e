package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.contract.ColumnSpec;
import io.mentoringoutcomes.contract.DatasetContract;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns raw text columns into the contract's types in one projection, and lists per row what
 * would not parse (column and value), so that a bad value quarantines its row, not the night.
 */
public final class RowTyper {

    /** Array of messages; empty when the row parsed. */
    public static final String PARSE_ERRORS = "_parse_errors";

    private static final String INTEGER = "^[+-]?[0-9]+(\\.0+)?$";
    private static final String DECIMAL = "^[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?$";
    private static final String DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

    private RowTyper() {}

    /**
     * Input: the contract's columns as strings plus the reader's {@code _}-prefixed columns.
     * Output: the contract's columns typed, the reader's columns kept, and {@link #PARSE_ERRORS}.
     */
    public static Dataset<Row> withTypedColumns(Dataset<Row> raw, DatasetContract contract) {
        List<Column> projection = new ArrayList<>();
        List<Column> errors = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            Column text = when(trim(col(c.name())).notEqual(""), trim(col(c.name())));
            Column typed = typed(text, c);
            projection.add(typed.as(c.name()));
            errors.add(when(
                    text.isNotNull().and(typed.isNull()),
                    concat(
                            lit("column " + c.name() + ": '"),
                            text,
                            lit("' is not a valid " + c.type()
                                    // 11/29/2025 could be November or, elsewhere, the 11th of a 29th month: say the
                                    // format.
                                    + (c.type().equals("date") ? " (expected YYYY-MM-DD)" : "")))));
        }
        errors.add(when(
                col(LandingReader.CORRUPT_RECORD).isNotNull(),
                lit("malformed record (wrong number of fields or broken quoting)")));
        errors.add(col(LandingReader.FILE_ERROR));
        for (String name : raw.columns()) {
            if (name.startsWith("_") && !name.equals(LandingReader.CORRUPT_RECORD)) {
                projection.add(col(name));
            }
        }
        projection.add(
                filter(array(errors.toArray(Column[]::new)), e -> e.isNotNull()).as(PARSE_ERRORS));
        return raw.select(projection.toArray(Column[]::new));
    }

    private static Column typed(Column text, ColumnSpec c) {
        return switch (c.type()) {
            case "string" -> text;
            case "int" ->
                when(text.rlike(INTEGER), text.cast(DataTypes.DoubleType)).cast(DataTypes.IntegerType);
            case "long" ->
                when(text.rlike(INTEGER), text.cast(DataTypes.createDecimalType(38, 0)))
                        .cast(DataTypes.LongType);
            case "double" -> when(text.rlike(DECIMAL), text.cast(DataTypes.DoubleType));
            case "date" -> when(text.rlike(DATE), to_date(text, "yyyy-MM-dd"));
            // ISO-8601; without a zone the session zone (UTC) applies.
            case "timestamp" -> text.cast(DataTypes.TimestampType);
            case "boolean" ->
                when(
                        lower(text).isin("true", "false", "1", "0", "yes", "no"),
                        lower(text).isin("true", "1", "yes"));
            default -> throw new IllegalArgumentException("unknown type " + c.type());
        };
    }
}
