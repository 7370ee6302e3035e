package io.mentoringoutcomes.quality;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.config.Level;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.spark.Warehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The input quality gate: reads tonight's bronze batch of every dataset, quarantines the rows
 * that break a contract rule, lets the others go on, and decides with Deequ whether the night
 * may be published.
 *
 * <p>Per dataset, in the contract's dependency order:
 * <ol>
 *   <li>surplus copies of a key are ranked away (the last by {@code _source_file, _source_line} wins);</li>
 *   <li>references are resolved against silver ∪ tonight's clean rows of the referenced dataset
 *       (a new match and its meetings arrive together);</li>
 *   <li>one pass adds {@code _failed}, the array of rule names a row breaks (one SQL flag per rule);</li>
 *   <li>one Deequ verification measures every rule's compliance, key distinctness, emptiness and the
 *       night-over-night anomalies against the thresholds of {@link QualityConfig};</li>
 *   <li>rows failing an Error rule go to {@code ops.quarantine} (one record per row and rule) and are
 *       held back; Warning-rule failures are recorded there too (level 'warning') but the row goes on.</li>
 * </ol>
 * Writes: {@code ops.quarantine} and {@code ops.dq_metrics} (tonight's rows replaced), {@code ops.dq_results} (appended).
 */
public final class QualityGate {

    public static final List<String> SOURCE_COLUMNS =
            List.of("_batch_id", "_run_id", "_source_file", "_source_line", "_ingested_at");
    public static final String STAGE = "quality";

    private QualityGate() {}

    public static GateResult evaluate(
            Warehouse wh, Contract contract, LocalDate asOf, String runId, String batchId, QualityConfig cfg) {
        SparkSession spark = wh.spark();
        Timestamp checkedAt = Timestamp.from(Instant.now());
        long dataTime = asOf.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Map<String, List<String>> history = history(wh, dataTime, cfg.anomalyHistoryNights());

        Map<String, Dataset<Row>> clean = new LinkedHashMap<>();
        Map<String, GateResult.Counts> counts = new LinkedHashMap<>();
        List<CheckOutcome> outcomes = new ArrayList<>();
        List<Dataset<Row>> quarantines = new ArrayList<>();
        List<Dataset<Row>> cached = new ArrayList<>();
        List<Row> metricRows = new ArrayList<>();

        for (DatasetContract d : contract.datasets()) {
            String name = d.dataset();
            List<String> keep = new ArrayList<>(d.columnNames());
            keep.addAll(SOURCE_COLUMNS);
            Dataset<Row> batch = bronzeBatch(wh, d, batchId)
                    .select(keep.stream().map(c -> col(c)).toArray(Column[]::new));
            List<RowCheck> rules = ContractChecks.rowChecks(d, asOf);
            Dataset<Row> flagged = flag(wh, d, batch, rules, clean).persist(StorageLevel.MEMORY_AND_DISK());
            cached.add(flagged);
            Dataset<Row> passed = flagged.where("NOT _quarantined")
                    .select(keep.stream().map(c -> col(c)).toArray(Column[]::new));
            clean.put(name, passed);

            List<DeequAdapter.Anomaly> anomalies = new ArrayList<>();
            if (d.isSnapshot()) {
                anomalies.add(DeequAdapter.Anomaly.rowCountDrop(
                        ContractChecks.SIZE_ANOMALY, cfg.anomalyLevel(), cfg.maxSizeDecrease()));
            }
            DeequAdapter.Anomaly quarantineRate = DeequAdapter.Anomaly.shareRise(
                    ContractChecks.QUARANTINE_RATE_ANOMALY,
                    cfg.anomalyLevel(),
                    "_quarantined",
                    cfg.maxQuarantineRateIncrease());
            anomalies.add(quarantineRate);
            // One Deequ scan fills the cache and measures every rule, the row count and the quarantined
            // share (the quarantine-rate anomaly's own analyzer): no separate counting job.
            DeequAdapter.Verification v = DeequAdapter.verify(
                    name,
                    flagged,
                    ContractChecks.datasetConstraints(d, rules, cfg),
                    anomalies,
                    history.getOrDefault(name, List.of()),
                    dataTime);
            Double rows = v.rows();
            long batchRows = rows == null ? 0L : Math.round(rows);
            Double share = v.metric(DeequAdapter.analyzer(quarantineRate));
            long quarantinedRows = batchRows == 0 || share == null ? 0L : Math.round(share * batchRows);
            counts.put(name, new GateResult.Counts(batchRows, batchRows - quarantinedRows, quarantinedRows));
            if (batchRows == 0) {
                if (d.required()) {
                    outcomes.addAll(DeequAdapter.verify(
                                    name,
                                    batch,
                                    List.of(DeequAdapter.Constraint.notEmpty(ContractChecks.NOT_EMPTY, Level.ERROR)),
                                    List.of(),
                                    List.of(),
                                    dataTime)
                            .outcomes()
                            .stream()
                            .map(o -> withMessage(o, "required dataset delivered no rows for batch " + batchId))
                            .toList());
                } else {
                    outcomes.add(new CheckOutcome(
                            name,
                            ContractChecks.NOT_EMPTY,
                            "",
                            Level.WARNING,
                            true,
                            0.0,
                            "optional dataset",
                            "no rows delivered tonight"));
                }
                continue;
            }
            outcomes.addAll(v.outcomes());
            if (v.metricsJson() != null) {
                metricRows.add(RowFactory.create(runId, batchId, name, dataTime, v.metricsJson(), checkedAt));
            }

            quarantines.add(quarantineRecords(d, flagged, rules, runId, batchId));
        }

        Dataset<Row> quarantine = quarantines.stream()
                .reduce(Dataset::unionByName)
                .orElse(spark.createDataFrame(List.of(), OpsTables.QUARANTINE_SCHEMA));
        // Replace this batch's quality quarantine: re-running a night must not duplicate it.
        wh.replaceWhere(OpsTables.QUARANTINE, quarantine, "batch_id = '" + batchId + "' AND stage = '" + STAGE + "'");
        writeResults(wh, runId, batchId, outcomes, checkedAt);
        if (!metricRows.isEmpty() || wh.exists(OpsTables.DQ_METRICS)) {
            // Keyed by night: a re-run replaces the night's metrics, so the anomaly history never
            // sees one night twice.
            wh.replaceWhere(
                    OpsTables.DQ_METRICS,
                    spark.createDataFrame(metricRows, OpsTables.DQ_METRICS_SCHEMA),
                    "batch_id = " + ContractChecks.sqlString(batchId));
        }
        boolean blocked = outcomes.stream().anyMatch(o -> o.blocks(cfg));
        return new GateResult(runId, batchId, clean, outcomes, counts, blocked, cached);
    }

    /** Appends outcomes to {@code ops.dq_results}. */
    static void writeResults(Warehouse wh, String runId, String batchId, List<CheckOutcome> outcomes, Timestamp at) {
        List<Row> rows = outcomes.stream()
                .map(o -> RowFactory.create(
                        runId,
                        batchId,
                        o.dataset(),
                        o.check(),
                        o.constraint(),
                        o.level().label(),
                        o.status(),
                        o.metricValue(),
                        o.threshold(),
                        o.message(),
                        at))
                .toList();
        wh.append(OpsTables.DQ_RESULTS, wh.spark().createDataFrame(rows, OpsTables.DQ_RESULTS_SCHEMA));
    }

    private static Dataset<Row> bronzeBatch(Warehouse wh, DatasetContract d, String batchId) {
        Optional<Dataset<Row>> bronze = wh.readIfExists("bronze." + d.dataset());
        if (bronze.isPresent()) {
            return bronze.get().where(col("_batch_id").equalTo(batchId));
        }
        StructType schema = d.schema()
                .add("_batch_id", DataTypes.StringType)
                .add("_run_id", DataTypes.StringType)
                .add("_source_file", DataTypes.StringType)
                .add("_source_line", DataTypes.LongType)
                .add("_ingested_at", DataTypes.TimestampType);
        return wh.spark().createDataFrame(List.of(), schema);
    }

    /** Adds {@code _dup_rank}, the reference flags, {@code _failed} and {@code _quarantined}: one pass. */
    private static Dataset<Row> flag(
            Warehouse wh,
            DatasetContract d,
            Dataset<Row> batch,
            List<RowCheck> rules,
            Map<String, Dataset<Row>> cleanTonight) {
        WindowSpec lastWins = Window.partitionBy(
                        d.key().stream().map(c -> col(c)).toArray(Column[]::new))
                .orderBy(
                        col("_source_file").desc_nulls_last(),
                        col("_source_line").desc_nulls_last());
        Dataset<Row> df = batch.withColumn("_dup_rank", row_number().over(lastWins));
        for (ContractChecks.Reference r : ContractChecks.references(d)) {
            df = df.join(
                            broadcast(referenceKeys(wh, r, cleanTonight)),
                            df.col(r.column()).equalTo(col("_rk")),
                            "left")
                    .drop("_rk")
                    .withColumn(r.flagColumn(), coalesce(col(r.flagColumn()), lit(false)));
        }
        String failed = rules.stream()
                .map(r -> "CASE WHEN NOT coalesce((" + r.okCondition() + "), false) THEN "
                        + ContractChecks.sqlString(r.name()) + " END")
                .collect(Collectors.joining(", ", "filter(array(", "), x -> x IS NOT NULL)"));
        String errorRules = rules.stream()
                .filter(r -> r.level() == Level.ERROR)
                .map(r -> ContractChecks.sqlString(r.name()))
                .collect(Collectors.joining(","));
        return df.withColumn("_failed", expr(failed))
                .withColumn("_quarantined", expr("exists(_failed, x -> x IN (" + errorRules + "))"));
    }

    /** Distinct values of the referenced column in silver ∪ tonight's clean rows, flagged true. */
    private static Dataset<Row> referenceKeys(
            Warehouse wh, ContractChecks.Reference r, Map<String, Dataset<Row>> cleanTonight) {
        List<Dataset<Row>> sources = new ArrayList<>();
        wh.readIfExists("silver." + r.targetDataset()).ifPresent(s -> sources.add(s.select(col(r.targetColumn()))));
        Dataset<Row> tonight = cleanTonight.get(r.targetDataset());
        if (tonight != null) {
            sources.add(tonight.select(col(r.targetColumn())));
        }
        Dataset<Row> keys = sources.stream()
                .reduce(Dataset::union)
                .orElse(wh.spark()
                        .createDataFrame(List.of(), new StructType().add(r.targetColumn(), DataTypes.StringType)));
        return keys.where(col(r.targetColumn()).isNotNull())
                .select(col(r.targetColumn()).as("_rk"))
                .distinct()
                .withColumn(r.flagColumn(), lit(true));
    }

    private static Dataset<Row> quarantineRecords(
            DatasetContract d, Dataset<Row> flagged, List<RowCheck> rules, String runId, String batchId) {
        StringBuilder level = new StringBuilder("CASE rule");
        StringBuilder message = new StringBuilder("CASE rule");
        StringBuilder values = new StringBuilder("CASE rule");
        for (RowCheck r : rules) {
            String when = " WHEN " + ContractChecks.sqlString(r.name()) + " THEN ";
            level.append(when).append(ContractChecks.sqlString(r.level().label()));
            message.append(when).append(ContractChecks.sqlString(r.message()));
            values.append(when)
                    .append("to_json(named_struct(")
                    .append(r.columns().stream()
                            .map(c -> ContractChecks.sqlString(c) + ", " + c)
                            .collect(Collectors.joining(", ")))
                    .append("))");
        }
        String recordKey = d.key().stream()
                .map(k -> "coalesce(CAST(" + k + " AS STRING), '')")
                .collect(Collectors.joining(", ", "concat_ws('|', ", ")"));
        return flagged.where("size(_failed) > 0")
                .selectExpr("*", "explode(_failed) AS rule")
                .select(
                        lit(runId).as("run_id"),
                        lit(batchId).as("batch_id"),
                        lit(STAGE).as("stage"),
                        lit(d.dataset()).as("dataset"),
                        expr(recordKey).as("record_key"),
                        col("rule"),
                        expr(level + " END").as("level"),
                        expr(message + " END").as("message"),
                        expr(values + " END").as("offending_values"),
                        col("_source_file").as("source_file"),
                        col("_source_line").cast("long").as("source_line"),
                        current_timestamp().as("quarantined_at"));
    }

    /** Tonight's history: per dataset, serialized Deequ metrics of earlier nights, oldest first. */
    private static Map<String, List<String>> history(Warehouse wh, long dataTime, int nights) {
        Map<String, List<String>> out = new HashMap<>();
        Optional<Dataset<Row>> table = wh.readIfExists(OpsTables.DQ_METRICS);
        if (table.isEmpty()) {
            return out;
        }
        Map<String, TreeMap<Long, Row>> latestPerNight = new HashMap<>();
        for (Row r : table.get().where(col("data_time").lt(dataTime)).collectAsList()) {
            TreeMap<Long, Row> nightsOf = latestPerNight.computeIfAbsent(r.getAs("dataset"), k -> new TreeMap<>());
            Row prev = nightsOf.get(r.<Long>getAs("data_time"));
            if (prev == null || prev.<Timestamp>getAs("saved_at").before(r.getAs("saved_at"))) {
                nightsOf.put(r.getAs("data_time"), r);
            }
        }
        latestPerNight.forEach((dataset, byNight) -> {
            List<Row> rows = new ArrayList<>(byNight.values());
            out.put(
                    dataset,
                    rows.subList(Math.max(0, rows.size() - nights), rows.size()).stream()
                            .map(r -> r.<String>getAs("analysis_json"))
                            .toList());
        });
        return out;
    }

    private static CheckOutcome withMessage(CheckOutcome o, String message) {
        return new CheckOutcome(
                o.dataset(), o.check(), o.constraint(), o.level(), o.passed(), o.metricValue(), o.threshold(), message);
    }
}
