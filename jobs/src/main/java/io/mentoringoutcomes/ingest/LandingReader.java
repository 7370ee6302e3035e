package io.mentoringoutcomes.ingest;

import io.mentoringoutcomes.contract.ColumnSpec;
import io.mentoringoutcomes.contract.DatasetContract;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.trim;

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

    /** What was read, and what the file said beyond the contract. */
    public record RawFile(LandingFile file, Dataset<Row> rows, List<String> extraColumns, String fileError) {}

    private LandingReader() {}

    public static RawFile read(SparkSession spark, LandingFile file, DatasetContract contract) {
        return switch (file.format()) {
            case CSV -> readCsv(spark, file, contract);
            case JSONL -> readJsonLines(spark, file, contract);
            case PARQUET -> readParquet(spark, file, contract);
        };
    }

    /**
     * CSV is read one file at a time with multiLine on: RFC 4180 quoted line breaks then parse,
     * the file is one partition, and the row's position in it gives its record number.
     */
    private static RawFile readCsv(SparkSession spark, LandingFile file, DatasetContract contract) {
        List<String> header = readCsvHeader(spark.sparkContext().hadoopConfiguration(), file.path());
        Set<String> seen = new LinkedHashSet<>();
        for (String name : header) {
            if (!seen.add(name)) {
                throw new InputContractException(file.path() + " line 1: column '" + name + "' appears twice in the header");
            }
        }
        List<StructField> fields = new ArrayList<>();
        for (String name : header) {
            fields.add(DataTypes.createStructField(name, DataTypes.StringType, true));
        }
        fields.add(DataTypes.createStructField(CORRUPT_RECORD, DataTypes.StringType, true));
        Dataset<Row> df = spark.read().format("csv")
                .option("header", "true")
                .option("enforceSchema", "true") // header names are checked above, by us
                .option("multiLine", "true")
                .option("escape", "\"")
                .option("encoding", "UTF-8")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
                .option("ignoreLeadingWhiteSpace", "false")
                .option("ignoreTrailingWhiteSpace", "false")
                .schema(new StructType(fields.toArray(StructField[]::new)))
                .load(file.path());
        return conform(file, contract, withPhysicalLines(df), header);
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
        return df.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new java.util.Iterator<>() {
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
                    breaks = r.getString(corrupt).chars().filter(ch -> ch == '\n').count();
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
        }, Encoders.row(schema));
    }

    /** JSON Lines: one object per line; a line that does not parse is quarantined. */
    private static RawFile readJsonLines(SparkSession spark, LandingFile file, DatasetContract contract) {
        StructType lineSchema = new StructType()
                .add("value", DataTypes.StringType)
                .add(SOURCE_LINE, DataTypes.LongType);
        // zipWithIndex numbers physical lines across splits (it costs one extra job to size them).
        JavaRDD<Row> numbered = spark.read().text(file.path()).javaRDD().zipWithIndex()
                .map(t -> RowFactory.create(t._1().getString(0), t._2() + 1));
        StructType parsed = contract.rawSchema().add(CORRUPT_RECORD, DataTypes.StringType);
        Dataset<Row> lines = spark.createDataFrame(numbered, lineSchema)
                .withColumn("value", regexp_replace(col("value"), "^\uFEFF", ""))
                .filter(trim(col("value")).notEqual(""));
        Dataset<Row> df = lines
                .withColumn("_json", from_json(col("value"), parsed,
                        java.util.Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT_RECORD)))
                .select(col("_json.*"), col(SOURCE_LINE), col("value").as("_line_text"));
        // A line that is not a JSON object parses to all nulls: keep its text as the corrupt record.
        Column allNull = lit(true);
        for (String c : contract.columnNames()) {
            allNull = allNull.and(col(c).isNull());
        }
        df = df.withColumn(CORRUPT_RECORD, org.apache.spark.sql.functions.when(
                        col(CORRUPT_RECORD).isNotNull().or(allNull), col("_line_text")))
                .drop("_line_text");
        return conform(file, contract, df, contract.columnNames());
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
        return conform(file, contract, typed.select(asText.toArray(Column[]::new)), header);
    }

    /**
     * Projects the file's columns onto the contract: extra columns are dropped (HRIS exports carry
     * names and e-mail addresses) and reported; a missing required column rejects the file.
     */
    private static RawFile conform(LandingFile file, DatasetContract contract, Dataset<Row> df, List<String> header) {
        List<String> extras = new ArrayList<>();
        for (String name : header) {
            if (contract.column(name).isEmpty()) {
                extras.add(name);
            }
        }
        List<String> missing = new ArrayList<>();
        for (ColumnSpec c : contract.requiredColumns()) {
            if (!header.contains(c.name())) {
                missing.add(c.name());
            }
        }
        String fileError = missing.isEmpty() ? null
                : file.path() + " line 1: required column" + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList())
                + " missing from the header (the file is rejected; header: " + String.join(",", header) + ")";
        List<Column> projected = new ArrayList<>();
        for (ColumnSpec c : contract.columns()) {
            projected.add(header.contains(c.name())
                    ? col("`" + c.name() + "`").as(c.name())
                    : lit(null).cast(DataTypes.StringType).as(c.name()));
        }
        projected.add(col(CORRUPT_RECORD));
        projected.add(lit(file.path()).as(SOURCE_FILE));
        projected.add(col(SOURCE_LINE));
        projected.add(lit(fileError).cast(DataTypes.StringType).as(FILE_ERROR));
        return new RawFile(file, df.select(projected.toArray(Column[]::new)), extras, fileError);
    }

    /** The header line, BOM removed, names trimmed and lower-cased. */
    static List<String> readCsvHeader(Configuration conf, String path) {
        Path p = new Path(path);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                p.getFileSystem(conf).open(p), StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line == null || line.isBlank()) {
                throw new InputContractException(path + " line 1: the file is empty; a header row is required");
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
