package io.mentoringoutcomes.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.max;

import io.mentoringoutcomes.spark.Warehouse;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A readable report of one quality run, from {@code ops.dq_results} and {@code ops.quarantine}. */
public final class QualityReport {

    private QualityReport() {}

    /** The run id of the last run recorded in {@code ops.dq_results}, if any. */
    public static Optional<String> lastRunId(Warehouse wh) {
        return wh.readIfExists(OpsTables.DQ_RESULTS).flatMap(r -> {
            List<Row> last = r.groupBy("run_id")
                    .agg(max("checked_at").as("at"))
                    .orderBy(desc("at"))
                    .limit(1)
                    .collectAsList();
            return last.isEmpty() ? Optional.empty() : Optional.of(last.get(0).getString(0));
        });
    }

    /** The report of {@code runId}, or of the last run when null. */
    public static String render(Warehouse wh, String runId) {
        String run = runId != null ? runId : lastRunId(wh).orElse(null);
        if (run == null) {
            return "No quality results in " + wh.root() + " yet.\n";
        }
        StringBuilder out = new StringBuilder();
        List<Row> results = wh.read(OpsTables.DQ_RESULTS)
                .where(col("run_id").equalTo(run))
                .orderBy("dataset", "check")
                .collectAsList();
        String batch = results.isEmpty() ? "?" : results.get(0).getAs("batch_id");
        long failed = results.stream()
                .filter(r -> "failure".equals(r.getAs("status")))
                .count();
        long blocking = results.stream()
                .filter(r -> "failure".equals(r.getAs("status")) && "error".equals(r.getAs("level")))
                .count();
        out.append("Quality report: run ")
                .append(run)
                .append(", batch ")
                .append(batch)
                .append('\n');
        out.append(results.size())
                .append(" checks, ")
                .append(results.size() - failed)
                .append(" passed, ")
                .append(failed)
                .append(" failed (")
                .append(blocking)
                .append(" at level error)\n");

        out.append("\nFailed checks:\n");
        if (failed == 0) {
            out.append("  none\n");
        }
        for (Row r : results) {
            if ("failure".equals(r.getAs("status"))) {
                out.append("  ").append(line(r)).append('\n');
            }
        }
        out.append("\nPassed checks:\n");
        String current = null;
        StringBuilder names = new StringBuilder();
        for (Row r : results) {
            if (!"success".equals(r.getAs("status"))) {
                continue;
            }
            String ds = r.getAs("dataset");
            if (!ds.equals(current)) {
                if (current != null) {
                    out.append("  ").append(current).append(": ").append(names).append('\n');
                }
                current = ds;
                names.setLength(0);
            } else {
                names.append(", ");
            }
            names.append(r.<String>getAs("check"));
        }
        if (current != null) {
            out.append("  ").append(current).append(": ").append(names).append('\n');
        }

        out.append("\nQuarantined rows by dataset and rule:\n");
        Optional<Dataset<Row>> q = wh.readIfExists(OpsTables.QUARANTINE);
        List<Row> byRule = q.map(t -> t.where(col("run_id").equalTo(run))
                        .groupBy("stage", "dataset", "rule", "level")
                        .agg(count("*").as("n"))
                        .orderBy("stage", "dataset", "rule")
                        .collectAsList())
                .orElse(List.of());
        if (byRule.isEmpty()) {
            out.append("  none\n");
        }
        for (Row r : byRule) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-8s %-16s %-40s %-8s %6d%n",
                    r.getString(0),
                    r.getString(1),
                    r.getString(2),
                    r.getString(3),
                    r.getLong(4)));
        }
        return out.toString();
    }

    private static String line(Row r) {
        Double v = r.getAs("metric_value");
        String msg = r.getAs("message");
        return "[" + r.getAs("level") + "] " + r.getAs("dataset") + " " + r.getAs("check") + ": "
                + (v == null ? "n/a" : figure(v)) + " (needs " + r.getAs("threshold") + ")"
                + (msg == null || msg.isBlank() ? "" : " - " + msg);
    }

    /** A figure as people read it: integers without decimals, shares with up to four. */
    public static String figure(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }
}
