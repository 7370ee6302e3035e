package io.mentoringoutcomes.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One delivered file of a dataset. A landing directory holds, per dataset, {@code <name>.csv},
 * {@code <name>.jsonl}, {@code <name>.parquet} (the first two also gzipped, {@code .csv.gz}), or a
 * folder {@code <name>/} of such files.
 */
public record LandingFile(String dataset, String path, Format format) {

    public enum Format {
        CSV,
        JSONL,
        PARQUET
    }

    /** The dataset's files in the landing directory, sorted by path; empty when it was not delivered. */
    public static List<LandingFile> find(Configuration conf, String inputDir, String dataset) {
        try {
            Path dir = new Path(inputDir);
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                throw new InputContractException("input directory does not exist: " + inputDir);
            }
            List<LandingFile> files = new ArrayList<>();
            for (FileStatus status : fs.listStatus(dir)) {
                String name = status.getPath().getName();
                if (status.isDirectory() && name.equals(dataset)) {
                    for (FileStatus part : fs.listStatus(status.getPath())) {
                        Format f = formatOf(part.getPath().getName());
                        if (part.isFile() && f != null && !hidden(part.getPath().getName())) {
                            files.add(new LandingFile(dataset, part.getPath().toString(), f));
                        }
                    }
                } else if (status.isFile() && stem(name).equals(dataset) && formatOf(name) != null) {
                    files.add(new LandingFile(dataset, status.getPath().toString(), formatOf(name)));
                }
            }
            files.sort(Comparator.comparing(LandingFile::path));
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input directory " + inputDir, e);
        }
    }

    /** Files whose name fits no dataset of the contract: reported, never silently ignored. */
    public static List<String> unknownFiles(Configuration conf, String inputDir, List<String> datasets) {
        try {
            Path dir = new Path(inputDir);
            List<String> unknown = new ArrayList<>();
            for (FileStatus status : dir.getFileSystem(conf).listStatus(dir)) {
                String name = status.getPath().getName();
                if (hidden(name)) {
                    continue;
                }
                String stem = status.isDirectory() ? name : stem(name);
                boolean known = datasets.contains(stem) && (status.isDirectory() || formatOf(name) != null);
                if (!known) {
                    unknown.add(name);
                }
            }
            unknown.sort(String::compareTo);
            return unknown;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input directory " + inputDir, e);
        }
    }

    private static boolean hidden(String name) {
        // _manifest.json, _truth.json, README.md, .crc files: metadata beside the data
        return name.startsWith("_")
                || name.startsWith(".")
                || name.toLowerCase(Locale.ROOT).endsWith(".md");
    }

    private static String stem(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * The format by extension; a trailing {@code .gz} (gzip, common for exports) is read the same,
     * decompressed by Hadoop's codec for the extension, which Spark applies natively.
     */
    static Format formatOf(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".gz") && !lower.endsWith(".parquet.gz")) {
            lower = lower.substring(0, lower.length() - 3);
        }
        if (lower.endsWith(".csv")) {
            return Format.CSV;
        }
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return Format.JSONL;
        }
        if (lower.endsWith(".parquet")) {
            return Format.PARQUET;
        }
        return null;
    }

    /** Whether the file is gzip-compressed by its name ({@code .csv.gz}, {@code .jsonl.gz}). */
    public boolean gzipped() {
        return path.toLowerCase(Locale.ROOT).endsWith(".gz");
    }
}
