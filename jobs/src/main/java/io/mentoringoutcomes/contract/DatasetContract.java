package io.mentoringoutcomes.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** A dataset's contract: key, columns and row rules. Declared once in {@code schemas/}. */
public record DatasetContract(
        @JsonProperty("dataset") String dataset,
        @JsonProperty("description") String description,
        @JsonProperty("required") boolean required,
        @JsonProperty("load") String load,
        @JsonProperty("key") List<String> key,
        @JsonProperty("columns") List<ColumnSpec> columns,
        @JsonProperty("rules") List<RowRule> rules) {

    public DatasetContract {
        if (dataset == null || columns == null || columns.isEmpty() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs a name, a key and columns: " + dataset);
        }
        if (load == null) {
            load = "upsert";
        }
        if (!load.equals("upsert") && !load.equals("snapshot")) {
            throw new IllegalArgumentException(dataset + ": load is upsert or snapshot, not " + load);
        }
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        rules = rules == null ? List.of() : List.copyOf(rules);
        for (String k : key) {
            if (columns.stream().noneMatch(c -> c.name().equals(k))) {
                throw new IllegalArgumentException(dataset + ": key column " + k + " is not declared");
            }
        }
    }

    public boolean isSnapshot() {
        return load.equals("snapshot");
    }

    public List<String> columnNames() {
        return columns.stream().map(ColumnSpec::name).toList();
    }

    public List<ColumnSpec> requiredColumns() {
        return columns.stream().filter(ColumnSpec::required).toList();
    }

    public Optional<ColumnSpec> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The typed schema of the dataset, with descriptions as column comments. */
    public StructType schema() {
        StructField[] fields = columns.stream()
                .map(c -> new StructField(c.name(), c.sparkType(), !key.contains(c.name()), comment(c.description())))
                .toArray(StructField[]::new);
        return new StructType(fields);
    }

    /** The contract's columns, each carrying its description as a column comment. */
    public org.apache.spark.sql.Column[] describedColumns() {
        return columns.stream()
                .map(c -> org.apache.spark.sql.functions.col(c.name()).as(c.name(), comment(c.description())))
                .toArray(org.apache.spark.sql.Column[]::new);
    }

    /** Every contract column as a string: what a text file is read as before typing. */
    public StructType rawSchema() {
        StructField[] fields = columns.stream()
                .map(c -> new StructField(c.name(), DataTypes.StringType, true, Metadata.empty()))
                .toArray(StructField[]::new);
        return new StructType(fields);
    }

    private static Metadata comment(String text) {
        return text == null
                ? Metadata.empty()
                : new MetadataBuilder().putString("comment", text).build();
    }
}
