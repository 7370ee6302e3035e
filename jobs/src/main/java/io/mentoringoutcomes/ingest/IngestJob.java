package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.runs.StageLog;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Landing → bronze. Every input row ends in {@code bronze.<dataset>} (typed, with run, batch,
 * source file and line) or in {@code ops.quarantine} with the reason; the run prints that
 * accounting per dataset and fails if it does not add up. Re-running a night replaces that
 * night's batch, so it changes nothing; a dataset whose re-delivery is rejected keeps the night's
 * earlier batch in bronze.
 */
public final class IngestJob {

    public static final String BATCH_ID = "_batch_id";
    public static final String RUN_ID = "_run_id";
    public static final String INGESTED_AT = "_ingested_at";

    /** Per dataset: rows read, rows to bronze, rows quarantined; and datasets rejected or missing. */
    public record DatasetAccount(
            String dataset,
            boolean delivered,
            long rowsRead,
            long rowsToBronze,
            long rowsQuarantined,
            List<String> problems) {}

    public record Result(Map<String, DatasetAccount> datasets) {
        /** Required datasets that are missing or whose files were rejected. */
        public List<String> blockingProblems(Contract contract) {
            List<String> out = new ArrayList<>();
            for (DatasetContract d : contract.datasets()) {
                DatasetAccount a = datasets.get(d.dataset());
                if (d.required() && (a == null || !a.delivered())) {
                    out.add("required dataset " + d.dataset() + " was not delivered");
                } else if (a != null) {
                    a.problems().stream().filter(p -> p.contains("rejected")).forEach(out::add);
                }
            }
            return out;
        }
    }

    private IngestJob() {}

    public static String bronzeTable(String dataset) {
        return "bronze." + dataset;
    }

    public static Result run(RunContext ctx, Contract contract) {
        Warehouse wh = ctx.warehouse();
        StageLog log = StageLog.start(
                IngestJob.class,
                "ingest",
                "landing " + ctx.input() + " -> bronze, batch " + ctx.batchId() + ", run " + ctx.runId());
        List<String> names =
                contract.datasets().stream().map(DatasetContract::dataset).toList();
        for (String unknown : LandingFile.unknownFiles(wh.hadoopConf(), ctx.input(), names)) {
            log.warn(unknown + " matches no dataset of the contract and was not read");
        }
        Map<String, DatasetAccount> accounts = new LinkedHashMap<>();
        List<Dataset<Row>> quarantined = new ArrayList<>();
        List<Dataset<Row>> cached = new ArrayList<>();
        Map<String, Long> readCounts = new LinkedHashMap<>();
        Map<String, Long> bronzeCounts = new LinkedHashMap<>();
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (DatasetContract dataset : contract.datasets()) {
            List<LandingFile> files = LandingFile.find(wh.hadoopConf(), ctx.input(), dataset.dataset());
            List<String> notes = new ArrayList<>();
            problems.put(dataset.dataset(), notes);
            if (files.isEmpty()) {
                String what = dataset.required() ? "required dataset not delivered" : "optional dataset not delivered";
                log.info(dataset.dataset() + ": " + what);
                // A re-run of a night whose file was withdrawn must not keep the earlier run's rows.
                String table = bronzeTable(dataset.dataset());
                if (wh.exists(table)) {
                    wh.deltaTable(table).delete(BATCH_ID + " = '" + ctx.batchId() + "'");
                }
                continue;
            }
            Dataset<Row> raw = null;
            List<String> emptyFiles = new ArrayList<>();
            for (LandingFile file : files) {
                LandingReader.RawFile read = LandingReader.read(wh.spark(), file, dataset);
                if (!read.extraColumns().isEmpty()) {
                    log.warn(file.path() + ": columns beyond the contract not stored: "
                            + String.join(", ", read.extraColumns()));
                }
                if (read.fileError() != null) {
                    notes.add("rejected: " + read.fileError());
                    log.warn(read.fileError());
                }
                if (read.warning() != null) {
                    log.warn(read.warning());
                }
                if (read.empty()) {
                    emptyFiles.add(file.path());
                }
                raw = raw == null ? read.rows() : raw.unionByName(read.rows());
            }
            Dataset<Row> typed = RowTyper.withTypedColumns(raw, dataset).persist(StorageLevel.MEMORY_AND_DISK());
            cached.add(typed);
            Column parsed = size(col(RowTyper.PARSE_ERRORS)).equalTo(0);
            // One pass fills the cache and counts both the rows and those that failed typing, so a
            // clean delivery (the usual night) skips the per-column failure query altogether.
            Row tally = typed.agg(
                            count(lit(1)), coalesce(sum(when(parsed, lit(0L)).otherwise(lit(1L))), lit(0L)))
                    .head();
            long rowsRead = tally.getLong(0);
            long rowsFailed = tally.getLong(1);
            if (rowsRead == 0) {
                String where = String.join(", ", emptyFiles) + ": delivered with no rows (empty or header only)";
                if (dataset.required()) {
                    notes.add("rejected: " + where + "; " + dataset.dataset() + " is required");
                    log.warn(where + "; " + dataset.dataset() + " is required, so the night stops");
                } else {
                    log.warn(where + "; optional, the night goes on");
                }
            } else if (rowsFailed > 0) {
                for (ColumnFailures.Failure f : ColumnFailures.describe(typed, rowsRead)) {
                    log.warn(f.cause());
                    if (f.everyRow(rowsRead)) {
                        notes.add("rejected: " + f.cause() + "; the dataset is rejected");
                    }
                }
            }

            List<Column> bronzeColumns = new ArrayList<>();
            dataset.columnNames().forEach(c -> bronzeColumns.add(col(c)));
            bronzeColumns.add(lit(ctx.batchId()).as(BATCH_ID));
            bronzeColumns.add(lit(ctx.runId()).as(RUN_ID));
            bronzeColumns.add(col(LandingReader.SOURCE_FILE));
            bronzeColumns.add(col(LandingReader.SOURCE_LINE));
            bronzeColumns.add(current_timestamp().as(INGESTED_AT));
            Dataset<Row> good = typed.filter(parsed).select(bronzeColumns.toArray(Column[]::new));
            String table = bronzeTable(dataset.dataset());
            boolean rejected = notes.stream().anyMatch(n -> n.startsWith("rejected"));
            if (rejected && wh.exists(table)) {
                // A rejected re-delivery does not erase the night's earlier accepted batch: bronze
                // keeps it until a delivery is accepted (its rows are all in the quarantine).
                log.warn(dataset.dataset() + ": rejected; bronze keeps what it held for batch " + ctx.batchId());
                bronzeCounts.put(dataset.dataset(), 0L);
            } else if (rowsRead == 0 && wh.exists(table)) {
                // Delivered empty: tonight has no rows (an empty write would leave no commit to count).
                wh.deltaTable(table).delete(BATCH_ID + " = '" + ctx.batchId() + "'");
                bronzeCounts.put(dataset.dataset(), 0L);
            } else {
                wh.replaceWhere(table, good, BATCH_ID + " = '" + ctx.batchId() + "'");
                bronzeCounts.put(dataset.dataset(), wh.lastCommitMetrics(table).getOrDefault("numOutputRows", 0L));
            }
            readCounts.put(dataset.dataset(), rowsRead);

            Column rule = when(col(LandingReader.FILE_ERROR).isNotNull(), lit("rejected_file"))
                    .otherwise(lit("parse"));
            quarantined.add(Quarantine.rows(
                    typed.filter(parsed.unary_$bang()),
                    ctx.runId(),
                    ctx.batchId(),
                    "ingest",
                    dataset.dataset(),
                    dataset.key(),
                    rule,
                    array_join(col(RowTyper.PARSE_ERRORS), "; "),
                    dataset.columnNames()));
        }
        Map<String, Long> quarantineCounts = writeQuarantine(wh, ctx, quarantined);
        cached.forEach(Dataset::unpersist);

        for (DatasetContract dataset : contract.datasets()) {
            String name = dataset.dataset();
            boolean delivered = readCounts.containsKey(name);
            long read = readCounts.getOrDefault(name, 0L);
            long bronze = bronzeCounts.getOrDefault(name, 0L);
            long quarantine = quarantineCounts.getOrDefault(name, 0L);
            accounts.put(name, new DatasetAccount(name, delivered, read, bronze, quarantine, problems.get(name)));
            if (delivered) {
                log.info(String.format(
                        "%-16s read %9s = bronze %9s + quarantined %6s",
                        name, StageLog.count(read), StageLog.count(bronze), StageLog.count(quarantine)));
                if (read != bronze + quarantine) {
                    throw new IllegalStateException("row accounting does not add up for " + name + ": read " + read
                            + " but bronze " + bronze + " + quarantine " + quarantine);
                }
            }
        }
        log.done("ingest finished");
        return new Result(accounts);
    }

    /** Replaces this batch's ingest quarantine in one write; returns rows per dataset. */
    private static Map<String, Long> writeQuarantine(Warehouse wh, RunContext ctx, List<Dataset<Row>> parts) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (parts.isEmpty()) {
            // Nothing was delivered: still clear what an earlier run of this night quarantined.
            if (wh.exists(Quarantine.TABLE)) {
                wh.deltaTable(Quarantine.TABLE).delete("batch_id = '" + ctx.batchId() + "' AND stage = 'ingest'");
            }
            return counts;
        }
        Dataset<Row> all = parts.stream().reduce(Dataset::unionByName).orElseThrow();
        wh.replaceWhere(Quarantine.TABLE, all, "batch_id = '" + ctx.batchId() + "' AND stage = 'ingest'");
        for (Row r : wh.read(Quarantine.TABLE)
                .filter(col("batch_id").equalTo(ctx.batchId()).and(col("stage").equalTo("ingest")))
                .groupBy("dataset")
                .count()
                .collectAsList()) {
            counts.put(r.getString(0), r.getLong(1));
        }
        return counts;
    }
}
