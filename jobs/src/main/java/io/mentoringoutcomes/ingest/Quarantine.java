package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** {@code ops.quarantine}: every row that did not go on, with why and where it came from. */
public final class Quarantine {

    /** The table and its schema are declared once, in {@link io.mentoringoutcomes.quality.OpsTables}. */
    public static final String TABLE = io.mentoringoutcomes.quality.OpsTables.QUARANTINE;

    private Quarantine() {}

    /**
     * Quarantine rows for {@code rejected} (rows of one dataset), with the given rule and message
     * columns; {@code valueColumns} are kept as JSON so the offending values can be read later.
     */
    public static Dataset<Row> rows(
            Dataset<Row> rejected,
            String runId,
            String batchId,
            String stage,
            String dataset,
            List<String> keyColumns,
            Column rule,
            Column message,
            List<String> valueColumns) {
        Column key = concat_ws(
                "|",
                keyColumns.stream().map(k -> col(k).cast(DataTypes.StringType)).toArray(Column[]::new));
        Column values = to_json(struct(valueColumns.stream().map(c -> col(c)).toArray(Column[]::new)));
        return rejected.select(
                lit(runId).as("run_id"),
                lit(batchId).as("batch_id"),
                lit(stage).as("stage"),
                lit(dataset).as("dataset"),
                key.as("record_key"),
                rule.as("rule"),
                lit("error").as("level"),
                message.as("message"),
                values.as("offending_values"),
                col(LandingReader.SOURCE_FILE).as("source_file"),
                col(LandingReader.SOURCE_LINE).as("source_line"),
                current_timestamp().as("quarantined_at"));
    }
}
