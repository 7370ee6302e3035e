package io.mentoringoutcomes.generate;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams one dataset to CSV (UTF-8, header, RFC 4180 quoting, empty = null). Rows go to
 * {@code <dataset>/part-NNNNN.csv}, a new part every {@code rowsPerPart} rows so Spark reads
 * big datasets in parallel; a dataset that fits in one part becomes a plain {@code <dataset>.csv}.
 */
final class CsvDatasetWriter implements Closeable {

    static final int DEFAULT_ROWS_PER_PART = 500_000;

    private final Path folder;
    private final String dataset;
    private final String header;
    private final int rowsPerPart;
    private final List<Long> rowsByPart = new ArrayList<>();
    private final StringBuilder line = new StringBuilder(256);
    private BufferedWriter out;
    private long rowsInPart;
    private long rows;
    private boolean singleFile;

    CsvDatasetWriter(Path outDir, String dataset, List<String> columns, int rowsPerPart) {
        this.folder = outDir.resolve(dataset);
        this.dataset = dataset;
        this.header = String.join(",", columns);
        this.rowsPerPart = rowsPerPart;
    }

    /** Writes one row; null, and only null, becomes an empty field. */
    void write(Object... values) {
        if (out == null || rowsInPart == rowsPerPart) {
            nextPart();
        }
        line.setLength(0);
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            appendField(values[i]);
        }
        line.append('\n');
        try {
            out.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rowsInPart++;
        rows++;
    }

    private void appendField(Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Double d) {
            line.append(formatDouble(d));
            return;
        }
        String text = value.toString();
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            line.append('"').append(text.replace("\"", "\"\"")).append('"');
        } else {
            line.append(text);
        }
    }

    /** Whole numbers without a trailing ".0"; otherwise the shortest text that reads back exactly. */
    static String formatDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private void nextPart() {
        try {
            if (out != null) {
                out.close();
                rowsByPart.set(rowsByPart.size() - 1, rowsInPart);
            }
            Files.createDirectories(folder);
            out = Files.newBufferedWriter(folder.resolve(partName(rowsByPart.size())), StandardCharsets.UTF_8);
            out.write(header);
            out.write('\n');
            rowsByPart.add(0L);
            rowsInPart = 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String partName(int index) {
        return String.format("part-%05d.csv", index);
    }

    long rows() {
        return rows;
    }

    String dataset() {
        return dataset;
    }

    /** The relative path written: {@code dataset.csv} or {@code dataset/}. */
    String path() {
        return singleFile ? dataset + ".csv" : dataset + "/";
    }

    /** Row count of every file written, by path relative to the output folder. */
    Map<String, Long> rowsByFile() {
        Map<String, Long> files = new LinkedHashMap<>();
        if (singleFile) {
            files.put(dataset + ".csv", rows);
        } else {
            for (int i = 0; i < rowsByPart.size(); i++) {
                files.put(dataset + "/" + partName(i), rowsByPart.get(i));
            }
        }
        return files;
    }

    int parts() {
        return Math.max(1, rowsByPart.size());
    }

    @Override
    public void close() {
        try {
            if (out == null) {
                nextPart(); // an empty dataset still gets its header
            }
            out.close();
            rowsByPart.set(rowsByPart.size() - 1, rowsInPart);
            if (rowsByPart.size() == 1) {
                Files.move(
                        folder.resolve(partName(0)),
                        folder.resolveSibling(dataset + ".csv"),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.delete(folder);
                singleFile = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
