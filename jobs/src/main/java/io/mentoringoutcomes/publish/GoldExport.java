package io.mentoringoutcomes.publish;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold for tools that cannot read Delta: one CSV (with header) or Parquet file per gold table,
 * {@code <out>/<noun>.csv}, plus {@code <out>/_export.json} naming the night and Delta versions
 * exported. The tables are small aggregates, so each is written as a single file.
 */
public final class GoldExport {

    public enum Format {
        csv,
        parquet
    }

    private GoldExport() {}

    /** Exports every gold table of {@code source}; returns file → rows written. */
    public static Map<String, Long> export(GoldSource source, Format format, String outDir) {
        var wh = source.warehouse();
        Map<String, Long> written = new LinkedHashMap<>();
        Map<String, Object> manifest = new LinkedHashMap<>();
        Map<String, Object> tables = new LinkedHashMap<>();
        try {
            Path out = new Path(outDir);
            FileSystem fs = out.getFileSystem(wh.hadoopConf());
            fs.mkdirs(out);
            List<String> names = source.tables();
            if (names.isEmpty()) {
                throw new IllegalStateException("no gold tables to export (" + source.describe() + ")");
            }
            for (String table : names) {
                String noun = table.substring(table.indexOf('.') + 1);
                Dataset<Row> data = source.read(table).cache();
                long rows = data.count();
                Path tmp = new Path(out, "_tmp_" + noun);
                var writer = data.coalesce(1).write().mode("overwrite");
                if (format == Format.csv) {
                    writer.option("header", "true")
                            .option("nullValue", "")
                            .option("escape", "\"")
                            .csv(tmp.toString());
                } else {
                    writer.parquet(tmp.toString());
                }
                data.unpersist();
                Path target = new Path(out, noun + "." + format.name());
                fs.delete(target, false);
                FileStatus[] parts = fs.globStatus(new Path(tmp, "part-*"));
                if (parts == null || parts.length != 1) {
                    throw new IllegalStateException("expected one part file in " + tmp);
                }
                if (!fs.rename(parts[0].getPath(), target)) {
                    throw new IOException("cannot move " + parts[0].getPath() + " to " + target);
                }
                fs.delete(tmp, true);
                // A local file system keeps a hidden .crc beside each file: not for BI folders.
                fs.delete(new Path(out, "." + target.getName() + ".crc"), false);
                written.put(target.toString(), rows);
                tables.put(table, Map.of("version", source.version(table), "rows", rows, "file", target.getName()));
            }
            manifest.put("source", source.describe());
            source.night().ifPresent(n -> {
                manifest.put("run_id", n.runId());
                manifest.put("as_of", n.asOf().toString());
            });
            manifest.put("format", format.name());
            manifest.put("tables", tables);
            fs.setWriteChecksum(false);
            try (OutputStream os = fs.create(new Path(out, "_export.json"), true)) {
                os.write(new ObjectMapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(manifest)
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("export to " + outDir + " failed", e);
        }
        return written;
    }
}
