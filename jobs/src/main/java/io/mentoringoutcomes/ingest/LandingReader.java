package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;

import io.mentoringoutcomes.contract.ColumnSpec;
import io.mentoringoutcomes.contract.DatasetContract;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one landing file into raw rows: every contract column as text (typing comes after, so
 * a bad value becomes a quarantined row instead of a failed job), plus where each row came from.
 * Schemas are explicit; nothing is inferred.
 */
public final class LandingReader {

    public static final String SOURCE_FILE = "_source_file";
    public static final String SOURCE_LINE = "_source_line";
    public static final String CORRUPT_RECORD = "_corrupt_record";
    /** Set on every row of a file rejected whole (a required column is missing). */
    public static final String FILE_ERROR = "_file_error";

    /**
     * What was read, and what the file said beyond the contract. {@code empty}: the file holds no
     * rows at all (0 bytes, or a header only).
     */
    public record RawFile(
            LandingFile file,
            Dataset<Row> rows,
            List<String> extraColumns,
            String fileError,
            boolean empty,
            String warning) {
        RawFile(LandingFile file, Dataset<Row> rows, List<String> extraColumns, String fileError, boolean empty) {
            this(file, rows, extraColumns, fileError, empty, null);
        }
    }

    private LandingReader() {}

    public static RawFile read(SparkSession spark, LandingFile file, DatasetContract contract) {
        if (file.format() == LandingFile.Format.PARQUET) {
            return readParquet(spark, file, contract);
        }
        TextEncoding.Verdict verdict = TextEncoding.sniff(spark.sparkContext().hadoopConfiguration(), file);
        if (verdict.error() != null) {
            return rejected(spark, file, contract, verdict.error());
        }
        if (verdict.empty()) {
            return emptyFile(spark, file, contract);
        }
        if (file.format() == LandingFile.Format.JSONL && !verdict.charset().equals("UTF-8")) {
            return rejected(
                    spark,
                    file,
                    contract,
                    file.path() + " line 1: the file is " + verdict.charset()
                            + ", not UTF-8; JSON Lines must be UTF-8 (export it as UTF-8)");
        }
        return file.format() == LandingFile.Format.CSV
                ? readCsv(spark, file, contract, verdict.charset())
                : readJsonLines(spark, file, contract);
    }

    /** The reader's output columns, in order, for frames built here rather than read. */
    private static StructType rawFileSchema(DatasetContract contract) {
        StructType schema = new StructType();
        for (String c : contract.columnNames()) {
            schema = schema.add(c, DataTypes.StringType);
        }
        return schema.add(CORRUPT_RECORD, DataTypes.StringType)
                .add(SOURCE_FILE, DataTypes.StringType)
                .add(SOURCE_LINE, DataTypes.LongType)
                .add(FILE_ERROR, DataTypes.StringType);
    }

    /**
     * A file that cannot be read as text of the contract: it stands as one rejected record (at the
     * line of the cause), so the night's accounting still adds up and the quarantine names it.
     */
    private static RawFile rejected(SparkSession spark, LandingFile file, DatasetContract contract, String error) {
        Object[] values = new Object[contract.columnNames().size() + 4];
        java.util.regex.Matcher line =
                java.util.regex.Pattern.compile(" line ([0-9]+):").matcher(error);
        values[values.length - 3] = file.path();
        values[values.length - 2] = line.find() ? Long.parseLong(line.group(1)) : 1L;
        values[values.length - 1] = error;
        Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create(values)), rawFileSchema(contract));
        return new RawFile(file, one, List.of(), error, false);
    }

    /** A file with no bytes (or only a header): delivered, with no rows. */
    private static RawFile emptyFile(SparkSession spark, LandingFile file, DatasetContract contract) {
        return new RawFile(file, spark.createDataFrame(List.of(), rawFileSchema(contract)), List.of(), null, true);
    }

    /**
     * CSV is read one file at a time with multiLine on: RFC 4180 quoted line breaks then parse,
     * the file is one partition, and the row's position in it gives its record number.
     */
    private static RawFile readCsv(SparkSession spark, LandingFile file, DatasetContract contract, String charset) {
        List<String> header = readCsvHeader(spark.sparkContext().hadoopConfiguration(), file.path(), charset);
        if (header == null) {
            return rejected(
                    spark,
                    file,
                    contract,
                    file.path() + " line 1: no header row (the first line is blank); " + "the file is rejected");
        }
        // A repeated name rejects the file (which of the two is meant?); the rows are still read,
        // under a renamed copy, so each is accounted for in the quarantine.
        Set<String> seen = new LinkedHashSet<>();
        List<String> fieldNames = new ArrayList<>();
        String duplicate = null;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            if (!seen.add(name)) {
                duplicate = duplicate != null
                        ? duplicate
                        : file.path() + " line 1, column " + (i + 1) + ": column '" + name
                                + "' appears twice in the header; the file is rejected";
                name = "_duplicate_" + i;
            }
            fieldNames.add(name);
        }
        List<StructField> fields = new ArrayList<>();
        for (String name : fieldNames) {
            fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT_RECORD, DataTypes.StringType, true));
        Dataset<Row> df = spark.read()
                .format("csv")
                .option("header", "true")
                .option("enforceSchema", "true") // header names are checked above, by us
                .option("multiLine", "true")
                .option("escape", "\"")
                .option("encoding", charset) // multiLine decodes the whole file with it, UTF-16 included
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
                .option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false")
                .schema(new StructType(fields.toArray(StructField[]::new)))
                .load(file.path());
        RawFile read = conform(file, contract, withPhysicalLines(df), fieldNames, duplicate);
        // Header only: delivered, no rows. Decided from the first data line, without a Spark job.
        String warning = charset.equals("UTF-8")
                ? null
                : file.path() + ": the file is " + charset + " (byte-order mark), not UTF-8; read as " + charset;
        boolean empty = !hasDataLine(spark.sparkContext().hadoopConfiguration(), file.path(), charset);
        return new RawFile(file, read.rows(), read.extraColumns(), read.fileError(), empty, warning);
    }

    /**
     * Numbers each record with the physical line it starts on. multiLine makes the file one
     * partition read in order, so a running count of the line breaks inside quoted fields turns
     * record positions into line numbers without a shuffle. (Blank lines, which the CSV reader
     * skips, are not counted.)
     */
    private static Dataset<Row> withPhysicalLines(Dataset<Row> df) {
        StructType schema = df.schema().add(SOURCE_LINE, DataTypes.LongType);
        int width = df.schema().size();
        int corrupt = df.schema().fieldIndex(CORRUPT_RECORD);
        return df.mapPartitions(
                (MapPartitionsFunction<Row, Row>) rows -> new java.util.Iterator<>() {
                    private long line = 2; // the header is line 1

                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public Row next() {
                        Row r = rows.next();
                        Object[] values = new Object[width + 1];
                        long breaks = 0;
                        for (int i = 0; i < width; i++) {
                            values[i] = r.get(i);
                        }
                        if (!r.isNullAt(corrupt)) {
                            breaks = r.getString(corrupt)
                                    .chars()
                                    .filter(ch -> ch == '\n')
                                    .count();
                        } else {
                            for (int i = 0; i < width; i++) {
                                if (values[i] instanceof String s) {
                                    breaks += s.chars().filter(ch -> ch == '\n').count();
                                }
                            }
                        }
                        values[width] = line;
                        line += 1 + breaks;
                        return RowFactory.create(values);
                    }
                },
                Encoders.row(schema));
    }

    /** JSON Lines: one object per line; a line that does not parse is quarantined. */
    private static RawFile readJsonLines(SparkSession spark, LandingFile file, DatasetContract contract) {
        StructType lineSchema =
                new StructType().add("value", DataTypes.StringType).add(SOURCE_LINE, DataTypes.LongType);
        // zipWithIndex numbers physical lines across splits (it costs one extra job to size them).
        JavaRDD<Row> numbered = spark.read()
                .text(file.path())
                .javaRDD()
                .zipWithIndex()
                .map(t -> RowFactory.create(t._1().getString(0), t._2() + 1));
        StructType parsed = contract.rawSchema().add(CORRUPT_RECORD, DataTypes.StringType);
        Dataset<Row> lines = spark.createDataFrame(numbered, lineSchema)
                .withColumn("value", regexp_replace(col("value"), "^\uFEFF", ""))
                .filter(trim(col("value")).notEqual(""));
        Dataset<Row> df = lines.withColumn(
                        "_json",
                        from_json(
                                col("value"),
                                parsed,
                                java.util.Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT_RECORD)))
                .select(col("_json.*"), col(SOURCE_LINE), col("value").as("_line_text"));
        // A line that is not a JSON object parses to all nulls: keep its text as the corrupt record.
        Column allNull = lit(true);
        for (String c : contract.columnNames()) {
            allNull = allNull.and(col(c).isNull());
        }
        df = df.withColumn(
                        CORRUPT_RECORD,
                        org.apache.spark.sql.functions.when(
                                col(CORRUPT_RECORD).isNotNull().or(allNull), col("_line_text")))
                .drop("_line_text");
        return conform(file, contract, df, contract.columnNames(), null);
    }

    private static RawFile readParquet(SparkSession spark, LandingFile file, DatasetContract contract) {
        Dataset<Row> typed = spark.read().parquet(file.path());
        List<String> header = new ArrayList<>();
        List<Column> asText = new ArrayList<>();
        for (StructField f : typed.schema().fields()) {
            header.add(f.name());
            asText.add(col("`" + f.name() + "`").cast(DataTypes.StringType).as(f.name()));
        }
        asText.add(lit(null).cast(DataTypes.StringType).as(CORRUPT_RECORD));
        asText.add(col("_metadata.row_index").plus(1).as(SOURCE_LINE));
        return conform(file, contract, typed.select(asText.toArray(Column[]::new)), header, null);
    }

    /**
     * Projects the file's columns onto the contract: extra columns are dropped (HRIS exports carry
     * names and e-mail addresses) and reported; a missing required column rejects the file.
     */
    private static RawFile conform(
            LandingFile file, DatasetContract contract, Dataset<Row> df, List<String> header, String headerError) {
        List<String> extras = new ArrayList<>();
        for (String name : header) {
            if (contract.column(name).isEmpty() && !name.startsWith("_duplicate_")) {
                extras.add(name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (ColumnSpec c : contract.requiredColumns()) {
            if (!header.contains(c.name())) {
                missing.add(c.name());
            }
        }
        String fileError = headerError != null
                ? headerError
                : missing.isEmpty()
                        ? null
                        : file.path() + " line 1: required column" + (missing.size() > 1 ? "s " : " ")
                                + String.join(
                                        ", ",
                                        missing.stream().map(m -> "'" + m + "'").toList())
                                + " missing from the header (the file is rejected; header: " + String.join(",", header)
                                + ")";
        List<Column> projected = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            projected.add(
                    header.contains(c.name())
                            ? col("`" + c.name() + "`").as(c.name())
                            : lit(null).cast(DataTypes.StringType).as(c.name()));
        }
        projected.add(col(CORRUPT_RECORD));
        projected.add(lit(file.path()).as(SOURCE_FILE));
        projected.add(col(SOURCE_LINE));
        projected.add(lit(fileError).cast(DataTypes.StringType).as(FILE_ERROR));
        return new RawFile(file, df.select(projected.toArray(Column[]::new)), extras, fileError, false);
    }

    /** The header line, BOM removed, names trimmed and lower-cased; null when the first line is blank. */
    static List<String> readCsvHeader(Configuration conf, String path, String charset) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(TextEncoding.open(conf, path), java.nio.charset.Charset.forName(charset)))) {
            String line = reader.readLine();
            if (line == null || line.isBlank()) {
                return null;
            }
            if (line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            List<String> names = new ArrayList<>();
            for (String name : splitCsvLine(line)) {
                names.add(name.trim().toLowerCase(Locale.ROOT));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** Whether anything but blank lines follows the header. */
    private static boolean hasDataLine(Configuration conf, String path, String charset) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(TextEncoding.open(conf, path), java.nio.charset.Charset.forName(charset)))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** Splits one CSV line by RFC 4180 (quoted fields, doubled quotes). Headers have no line breaks. */
    static List<String> splitCsvLine(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else if (ch != '\r') {
                field.append(ch);
            }
        }
        out.add(field.toString());
        return out;
    }
}
