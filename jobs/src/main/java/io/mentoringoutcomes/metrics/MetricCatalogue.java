package io.mentoringoutcomes.metrics;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code gold.metric_catalogue}: one row per figure published in gold (every numeric column that is
 * not a key; in {@code satisfaction_summary}, one per metric key and figure column), with its label,
 * unit, direction and scale from {@code schemas/metrics.yaml}, and its description copied from the
 * table's own column comment, so the catalogue and the comments cannot disagree. BI joins it on
 * (table_name, column_name, metric); {@code metric} is the column name, or satisfaction_summary's
 * {@code metric} for its figures, so {@code satisfaction_summary.value} is never read on the wrong scale.
 */
public final class MetricCatalogue {

    public static final String TABLE = "metric_catalogue";
    public static final List<String> DIRECTIONS = List.of("higher_is_better", "lower_is_better", "neutral");

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static volatile Declarations standard;

    private MetricCatalogue() {}

    /** How one figure reads: a short label, its unit, which way is good, and its range or kind. */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Meaning(
            @JsonProperty("label") String label,
            @JsonProperty("unit") String unit,
            @JsonProperty("direction") String direction,
            @JsonProperty("scale") String scale) {
        public Meaning {
            if (label == null || unit == null || scale == null || !DIRECTIONS.contains(direction)) {
                throw new IllegalArgumentException("a metric declares label, unit, scale and a direction of "
                        + DIRECTIONS + ": " + label + ", " + direction);
            }
        }
    }

    /**
     * A figure column of a long table read per metric key: its label and scale are templates over the
     * metric's ({@code {label}}, {@code {scale}}); unit and direction are the metric's.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record PerMetric(
            @JsonProperty("label") String label,
            @JsonProperty("scale") String scale) {}

    /**
     * One gold table's figures.
     *
     * @param columns     the figure columns read the same on every row
     * @param metricKey   for a long table, the key column naming each row's metric (satisfaction_summary: metric)
     * @param perMetric   the columns whose meaning is the row's metric's
     * @param metrics     the meaning of each metric key
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record TableFigures(
            @JsonProperty("columns") Map<String, Meaning> columns,
            @JsonProperty("metric_key") String metricKey,
            @JsonProperty("per_metric") Map<String, PerMetric> perMetric,
            @JsonProperty("metrics") Map<String, Meaning> metrics) {
        public TableFigures {
            columns = columns == null ? Map.of() : new LinkedHashMap<>(columns);
            perMetric = perMetric == null ? Map.of() : new LinkedHashMap<>(perMetric);
            metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
            if ((metricKey == null) != perMetric.isEmpty() || (metricKey == null) != metrics.isEmpty()) {
                throw new IllegalArgumentException("metric_key, per_metric and metrics go together");
            }
        }
    }

    /** {@code schemas/metrics.yaml}. */
    public record Declarations(@JsonProperty("tables") Map<String, TableFigures> tables) {
        public Declarations {
            tables = tables == null ? Map.of() : new LinkedHashMap<>(tables);
        }
    }

    /** The declarations shipped in {@code schemas/metrics.yaml}. */
    public static Declarations standard() {
        if (standard == null) {
            synchronized (MetricCatalogue.class) {
                if (standard == null) {
                    standard = load("schemas/metrics.yaml");
                }
            }
        }
        return standard;
    }

    static Declarations load(String resource) {
        try (InputStream in = MetricCatalogue.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("metric declarations missing from the classpath: " + resource);
            }
            return YAML.readValue(in, Declarations.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    public static final StructType SCHEMA = new StructType()
            .add("table_name", DataTypes.StringType, false)
            .add("column_name", DataTypes.StringType, false)
            .add("metric", DataTypes.StringType, false)
            .add("label", DataTypes.StringType)
            .add("description", DataTypes.StringType)
            .add("unit", DataTypes.StringType)
            .add("direction", DataTypes.StringType)
            .add("scale", DataTypes.StringType)
            .add("as_of", DataTypes.DateType, false);

    /**
     * The catalogue of the given gold tables (noun → schema as staged, with column comments).
     * A figure column nobody declared is still listed, with its comment and null label, unit, direction
     * and scale: {@link #undeclared} names it, and MetricsJobTest refuses it.
     *
     * @param keys the key columns of each table (schemas/release.yaml): not figures
     */
    public static Dataset<Row> catalogue(
            SparkSession spark,
            Map<String, StructType> tables,
            Map<String, List<String>> keys,
            Declarations decl,
            LocalDate asOf) {
        List<Row> rows = new ArrayList<>();
        Date day = Date.valueOf(asOf);
        for (Map.Entry<String, StructType> t : tables.entrySet()) {
            TableFigures figures = decl.tables().getOrDefault(t.getKey(), new TableFigures(null, null, null, null));
            for (String column : figureColumns(t.getValue(), keys.getOrDefault(t.getKey(), List.of()))) {
                String description = comment(t.getValue().apply(column));
                PerMetric per = figures.perMetric().get(column);
                if (per != null) {
                    for (Map.Entry<String, Meaning> m : figures.metrics().entrySet()) {
                        Meaning mm = m.getValue();
                        rows.add(RowFactory.create(
                                t.getKey(),
                                column,
                                m.getKey(),
                                fill(per.label(), mm),
                                description,
                                mm.unit(),
                                mm.direction(),
                                fill(per.scale(), mm),
                                day));
                    }
                    continue;
                }
                Meaning m = figures.columns().get(column);
                rows.add(RowFactory.create(
                        t.getKey(),
                        column,
                        column,
                        m == null ? null : m.label(),
                        description,
                        m == null ? null : m.unit(),
                        m == null ? null : m.direction(),
                        m == null ? null : m.scale(),
                        day));
            }
        }
        return TableDocs.withComments(spark.createDataFrame(rows, SCHEMA), comments());
    }

    /** The figures of a table: its numeric columns that are not keys. */
    public static List<String> figureColumns(StructType schema, List<String> keys) {
        List<String> out = new ArrayList<>();
        for (StructField f : schema.fields()) {
            if (f.dataType() instanceof NumericType && !keys.contains(f.name())) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** "table.column" of every figure column of {@code tables} that metrics.yaml does not declare. */
    public static List<String> undeclared(
            Map<String, StructType> tables, Map<String, List<String>> keys, Declarations decl) {
        List<String> out = new ArrayList<>();
        tables.forEach((noun, schema) -> {
            TableFigures f = decl.tables().get(noun);
            for (String c : figureColumns(schema, keys.getOrDefault(noun, List.of()))) {
                if (f == null || !(f.columns().containsKey(c) || f.perMetric().containsKey(c))) {
                    out.add(noun + "." + c);
                }
            }
        });
        return out;
    }

    /** "table.column" declared in metrics.yaml for a table of {@code tables} that has no such figure column. */
    public static List<String> stale(
            Map<String, StructType> tables, Map<String, List<String>> keys, Declarations decl) {
        List<String> out = new ArrayList<>();
        decl.tables().forEach((noun, f) -> {
            StructType schema = tables.get(noun);
            if (schema == null) {
                return;
            }
            Set<String> figures = Set.copyOf(figureColumns(schema, keys.getOrDefault(noun, List.of())));
            f.columns().keySet().stream().filter(c -> !figures.contains(c)).forEach(c -> out.add(noun + "." + c));
            f.perMetric().keySet().stream().filter(c -> !figures.contains(c)).forEach(c -> out.add(noun + "." + c));
        });
        return out;
    }

    private static String fill(String template, Meaning m) {
        return template.replace("{label}", m.label()).replace("{scale}", m.scale());
    }

    private static String comment(StructField f) {
        return f.metadata().contains("comment") ? f.metadata().getString("comment") : null;
    }

    public static Map<String, String> comments() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("table_name", "The gold table holding the figure.");
        c.put("column_name", "The column holding the figure.");
        c.put(
                "metric",
                "Join key with the figure's row: the column name, or for satisfaction_summary the row's metric"
                        + " (join on table_name, column_name and metric = satisfaction_summary.metric).");
        c.put("label", "Short human label, for chart titles and legends.");
        c.put("description", "The column's own comment in its table (copied, so the two never disagree).");
        c.put("unit", "What one unit of the figure is: people, proportion, rating points, currency, ...");
        c.put(
                "direction",
                "higher_is_better, lower_is_better or neutral (sizes, counts, assumptions): how to colour a change.");
        c.put("scale", "The figure's range or kind: 0-1 proportion, 1-10 rating, eNPS -100..100, currency, count.");
        c.put("as_of", "Day the table describes.");
        return c;
    }
}
