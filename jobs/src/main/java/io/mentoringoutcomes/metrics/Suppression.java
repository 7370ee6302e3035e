package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.config.MetricsConfig;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Small-group suppression for BI-facing tables: a figure computed from fewer than
 * {@code minGroupSize} employees is nulled and flagged, so nobody can be singled out.
 */
public final class Suppression {

    public static final int DEFAULT_MIN_GROUP_SIZE = MetricsConfig.DEFAULT_MIN_GROUP_SIZE;

    private Suppression() {}

    /**
     * Adds (or ANDs into) a boolean {@code suppressed} column that is true when {@code sizeColumn}
     * is below the threshold, and nulls {@code valueColumns} on those rows. Callers list the
     * size column among the values too where the count itself would single people out.
     */
    public static Dataset<Row> apply(Dataset<Row> df, String sizeColumn, int minGroupSize, List<String> valueColumns) {
        Column small = col(sizeColumn).isNull().or(col(sizeColumn).lt(minGroupSize));
        Column flag =
                List.of(df.columns()).contains("suppressed") ? col("suppressed").or(small) : small;
        Dataset<Row> out = df.withColumn("suppressed", flag);
        for (String value : valueColumns) {
            out = out.withColumn(
                    value,
                    when(
                                    col("suppressed"),
                                    lit(null).cast(df.schema().apply(value).dataType()))
                            .otherwise(col(value)));
        }
        return out;
    }
}
