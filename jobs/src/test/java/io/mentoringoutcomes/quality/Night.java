package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.spark.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A hand-built nightly delivery: rows per dataset in contract column order, written as bronze. */
final class Night {

    private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();
    private final Map<String, List<String>> files = new LinkedHashMap<>();
    private final Map<String, List<Long>> lines = new LinkedHashMap<>();

    static Date d(String s) {
        return Date.valueOf(s);
    }

    static Timestamp ts(String s) {
        return Timestamp.valueOf(s);
    }

    /** A row of {@code dataset}, values in contract column order; source line = its position. */
    Night add(String dataset, Object... values) {
        long line = rows.getOrDefault(dataset, List.of()).size() + 1;
        return addAt(dataset, dataset + ".csv", line, values);
    }

    Night addAt(String dataset, String file, long line, Object... values) {
        int width = Contract.standard().dataset(dataset).columns().size();
        if (values.length != width) {
            throw new IllegalArgumentException(dataset + " has " + width + " columns, got " + values.length);
        }
        rows.computeIfAbsent(dataset, k -> new ArrayList<>()).add(values);
        files.computeIfAbsent(dataset, k -> new ArrayList<>()).add(file);
        lines.computeIfAbsent(dataset, k -> new ArrayList<>()).add(line);
        return this;
    }

    Night without(String dataset) {
        rows.remove(dataset);
        files.remove(dataset);
        lines.remove(dataset);
        return this;
    }

    /** Appends every dataset's rows to {@code bronze.<dataset>} with {@code _batch_id = batchId}. */
    void writeBronze(Warehouse wh, String batchId) {
        for (Map.Entry<String, List<Object[]>> e : rows.entrySet()) {
            DatasetContract d = Contract.standard().dataset(e.getKey());
            StructType schema = new StructType(Arrays.stream(d.schema().fields())
                            .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata()))
                            .toArray(StructField[]::new))
                    .add("_batch_id", DataTypes.StringType)
                    .add("_run_id", DataTypes.StringType)
                    .add("_source_file", DataTypes.StringType)
                    .add("_source_line", DataTypes.LongType)
                    .add("_ingested_at", DataTypes.TimestampType);
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                Object[] v = Arrays.copyOf(e.getValue().get(i), e.getValue().get(i).length + 5);
                int n = e.getValue().get(i).length;
                v[n] = batchId;
                v[n + 1] = "ingest-" + batchId;
                v[n + 2] = files.get(e.getKey()).get(i);
                v[n + 3] = lines.get(e.getKey()).get(i);
                v[n + 4] = ts("2026-11-20 02:00:00");
                out.add(RowFactory.create(v));
            }
            wh.append("bronze." + e.getKey(), wh.spark().createDataFrame(out, schema));
        }
    }

    /** A clean night for every dataset: 2 programs, 6 employees, one match with two meetings... */
    static Night clean() {
        Night n = new Night();
        n.add("programs", "P1", "Lead", "leadership", "formal", d("2025-01-01"), null, 14, 10000.0);
        n.add("programs", "P2", "Onboard", "onboarding", "informal", d("2025-02-01"), d("2025-12-31"), 30, 0.0);
        for (int i = 1; i <= 5; i++) {
            n.add(
                    "hris_employees",
                    "E" + i,
                    d("2020-01-0" + i),
                    null,
                    null,
                    "Eng",
                    "L3",
                    "Paris",
                    50000.0,
                    3.0,
                    null,
                    null,
                    i == 1 ? null : "E1");
        }
        n.add(
                "hris_employees",
                "E6",
                d("2019-05-01"),
                d("2026-06-01"),
                "voluntary",
                "Ops",
                "L2",
                "Lyon",
                40000.0,
                2.5,
                null,
                null,
                "E1");
        n.add("hris_job_events", "E1", d("2020-01-01"), "hire", "L3", "Eng", null);
        n.add("hris_job_events", "E6", d("2026-06-01"), "termination", null, null, "voluntary");
        n.add("participants", "P1", "E1", "mentor", d("2025-02-01"), null);
        n.add("participants", "P1", "E2", "mentee", d("2025-02-01"), null);
        n.add("matches", "M1", "P1", "E1", "E2", d("2025-02-10"), null, null);
        n.add("meetings", "MT1", "M1", ts("2025-03-01 10:00:00"), "held", 60, 8);
        n.add("meetings", "MT2", "M1", ts("2025-04-01 10:00:00"), "cancelled", null, null);
        n.add("surveys", "S1", "E1", d("2026-01-10"), "engagement", 4.0, 9, null, null);
        n.add("surveys", "S2", "E2", d("2026-01-10"), "program", 3.5, 7, "P1", 4.0);
        n.add("goals", "G1", "M1", "task", d("2025-03-01"), d("2025-06-01"), null, "open");
        return n;
    }
}
