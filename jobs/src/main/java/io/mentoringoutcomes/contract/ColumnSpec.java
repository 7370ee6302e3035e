package io.mentoringoutcomes.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** One column of a dataset's contract, as declared in {@code schemas/<dataset>.yaml}. */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ColumnSpec(
        @JsonProperty("name") String name,
        @JsonProperty("type") String type,
        @JsonProperty("required") boolean required,
        @JsonProperty("required_when") String requiredWhen,
        @JsonProperty("allowed") List<String> allowed,
        @JsonProperty("min") Double min,
        @JsonProperty("max") Double max,
        @JsonProperty("references") String references,
        @JsonProperty("not_after_as_of") boolean notAfterAsOf,
        @JsonProperty("sensitive") boolean sensitive,
        @JsonProperty("description") String description) {

    public ColumnSpec {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("column names are snake_case: " + name);
        }
        sparkType(type); // fail at load time, not at first read
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }

    public DataType sparkType() {
        return sparkType(type);
    }

    static DataType sparkType(String type) {
        if (type == null) {
            throw new IllegalArgumentException("column type missing");
        }
        return switch (type) {
            case "string" -> DataTypes.StringType;
            case "int" -> DataTypes.IntegerType;
            case "long" -> DataTypes.LongType;
            case "double" -> DataTypes.DoubleType;
            case "date" -> DataTypes.DateType;
            case "timestamp" -> DataTypes.TimestampType;
            case "boolean" -> DataTypes.BooleanType;
            default -> throw new IllegalArgumentException("unknown column type " + type);
        };
    }

    /** {@code dataset.column} this column references, split; empty when it references nothing. */
    public String[] referenceTarget() {
        if (references == null) {
            return new String[0];
        }
        String[] parts = references.split("\\.");
        if (parts.length != 2) {
            throw new IllegalArgumentException("references are dataset.column: " + references);
        }
        return parts;
    }
}
