package io.mentoringoutcomes.quality;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Names and schemas of the operational tables the quality stage writes. */
public final class OpsTables {

    private OpsTables() {}

    /** Shared with ingest (stage 'ingest'); the gate writes stage 'quality'. */
    public static final String QUARANTINE = "ops.quarantine";

    public static final String DQ_RESULTS = "ops.dq_results";
    /** Deequ's serialized metrics per dataset and night: the anomaly checks' history. */
    public static final String DQ_METRICS = "ops.dq_metrics";

    public static final StructType QUARANTINE_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("batch_id", DataTypes.StringType)
            .add("stage", DataTypes.StringType)
            .add("dataset", DataTypes.StringType)
            .add("record_key", DataTypes.StringType)
            .add("rule", DataTypes.StringType)
            .add("level", DataTypes.StringType)
            .add("message", DataTypes.StringType)
            .add("offending_values", DataTypes.StringType)
            .add("source_file", DataTypes.StringType)
            .add("source_line", DataTypes.LongType)
            .add("quarantined_at", DataTypes.TimestampType);

    public static final StructType DQ_RESULTS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("batch_id", DataTypes.StringType)
            .add("dataset", DataTypes.StringType)
            .add("check", DataTypes.StringType)
            .add("constraint", DataTypes.StringType)
            .add("level", DataTypes.StringType)
            .add("status", DataTypes.StringType)
            .add("metric_value", DataTypes.DoubleType)
            .add("threshold", DataTypes.StringType)
            .add("message", DataTypes.StringType)
            .add("checked_at", DataTypes.TimestampType);

    public static final StructType DQ_METRICS_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType)
            .add("batch_id", DataTypes.StringType)
            .add("dataset", DataTypes.StringType)
            .add("data_time", DataTypes.LongType)
            .add("analysis_json", DataTypes.StringType)
            .add("saved_at", DataTypes.TimestampType);
}
