package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MetadataBuilder;

/** Attaches column comments, which Delta stores in the table schema and BI tools show. */
public final class TableDocs {

    private TableDocs() {}

    /** Returns {@code df} with each described column carrying its description as a comment. */
    public static Dataset<Row> withComments(Dataset<Row> df, Map<String, String> descriptions) {
        Dataset<Row> out = df;
        for (Map.Entry<String, String> e : descriptions.entrySet()) {
            if (!java.util.Arrays.asList(df.columns()).contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "no column " + e.getKey() + " to describe; have " + String.join(", ", df.columns()));
            }
            Column described = col(e.getKey())
                    .as(
                            e.getKey(),
                            new MetadataBuilder()
                                    .putString("comment", e.getValue())
                                    .build());
            out = out.withColumn(e.getKey(), described);
        }
        return out;
    }
}
