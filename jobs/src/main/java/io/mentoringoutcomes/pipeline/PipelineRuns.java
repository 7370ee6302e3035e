package io.mentoringoutcomes.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code ops.pipeline_runs}: one row per stage of each run: inputs, outcome, timings, table versions. */
public final class PipelineRuns {

    public static final String TABLE = "ops.pipeline_runs";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("batch_id", DataTypes.StringType)
            .add("as_of", DataTypes.DateType)
            .add("input", DataTypes.StringType)
            .add("stage", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("started_at", DataTypes.TimestampType)
            .add("finished_at", DataTypes.TimestampType)
            .add("duration_seconds", DataTypes.DoubleType)
            .add("details_json", DataTypes.StringType);

    private PipelineRuns() {}

    public static void record(RunContext ctx, String stage, String status, Instant started, Map<String, ?> details) {
        Instant finished = Instant.now();
        String json;
        try {
            json = JSON.writeValueAsString(details);
        } catch (Exception e) {
            json = "{\"error\":\"details not serialisable\"}";
        }
        Row row = RowFactory.create(ctx.runId(), ctx.batchId(), Date.valueOf(ctx.asOf()), ctx.input(), stage, status,
                Timestamp.from(started), Timestamp.from(finished),
                (finished.toEpochMilli() - started.toEpochMilli()) / 1000.0, json);
        Warehouse wh = ctx.warehouse();
        wh.append(TABLE, wh.spark().createDataFrame(List.of(row), SCHEMA));
    }
}
