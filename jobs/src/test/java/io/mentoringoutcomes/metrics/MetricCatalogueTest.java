package io.mentoringoutcomes.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mentoringoutcomes.SparkTestBase;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The catalogue of two tiny tables: a wide one (figures are columns) and a long one (figures per metric
 * key). MetricsJobTest checks the shipped declarations against the real tables.
 */
class MetricCatalogueTest extends SparkTestBase {

    private static Metadata comment(String text) {
        return new MetadataBuilder().putString("comment", text).build();
    }

    @Test
    void oneRowPerFigureAndOnePerMetricOfALongTable() {
        StructType wide = new StructType()
                .add("program_id", DataTypes.StringType)
                .add("horizon_months", DataTypes.IntegerType) // a key: not a figure
                .add("n_employees", DataTypes.LongType, true, comment("Employees."))
                .add("retention", DataTypes.DoubleType, true, comment("Share retained."))
                .add("suppressed", DataTypes.BooleanType)
                .add("as_of", DataTypes.DateType);
        StructType longTable = new StructType()
                .add("program_id", DataTypes.StringType)
                .add("metric", DataTypes.StringType)
                .add("value", DataTypes.DoubleType, true, comment("The metric."))
                .add("note", DataTypes.StringType);
        Map<String, StructType> tables = new LinkedHashMap<>();
        tables.put("wide", wide);
        tables.put("long_table", longTable);
        Map<String, List<String>> keys =
                Map.of("wide", List.of("program_id", "horizon_months"), "long_table", List.of("program_id", "metric"));
        Map<String, MetricCatalogue.Meaning> metrics = new LinkedHashMap<>();
        metrics.put("enps", new MetricCatalogue.Meaning("eNPS", "eNPS points", "higher_is_better", "-100..100"));
        metrics.put("rating", new MetricCatalogue.Meaning("Rating", "rating points", "higher_is_better", "1-10"));
        MetricCatalogue.Declarations decl = new MetricCatalogue.Declarations(Map.of(
                "wide",
                new MetricCatalogue.TableFigures(
                        Map.of(
                                "n_employees",
                                new MetricCatalogue.Meaning("Employees", "people", "neutral", "count"),
                                "retention",
                                new MetricCatalogue.Meaning(
                                        "Retention", "proportion", "higher_is_better", "0-1 proportion")),
                        null,
                        null,
                        null),
                "long_table",
                new MetricCatalogue.TableFigures(
                        null,
                        "metric",
                        Map.of("value", new MetricCatalogue.PerMetric("{label} now", "{scale} points")),
                        metrics)));

        List<String> rows =
                MetricCatalogue.catalogue(spark, tables, keys, decl, LocalDate.parse("2026-10-31"))
                        .collectAsList()
                        .stream()
                        .map(Row::toString)
                        .toList();

        assertEquals(
                List.of(
                        "[wide,n_employees,n_employees,Employees,Employees.,people,neutral,count,2026-10-31]",
                        "[wide,retention,retention,Retention,Share retained.,proportion,higher_is_better,0-1 proportion,2026-10-31]",
                        "[long_table,value,enps,eNPS now,The metric.,eNPS points,higher_is_better,-100..100 points,2026-10-31]",
                        "[long_table,value,rating,Rating now,The metric.,rating points,higher_is_better,1-10 points,2026-10-31]"),
                rows);
        assertEquals(List.of(), MetricCatalogue.undeclared(tables, keys, decl));

        // A figure added to a table without a declaration is named; one declared but gone is stale.
        StructType grown = wide.add("difference", DataTypes.DoubleType);
        Map<String, StructType> changed = new LinkedHashMap<>(tables);
        changed.put("wide", grown);
        assertEquals(List.of("wide.difference"), MetricCatalogue.undeclared(changed, keys, decl));
        changed.put(
                "wide",
                new StructType().add("program_id", DataTypes.StringType).add("n_employees", DataTypes.LongType));
        assertEquals(List.of("wide.retention"), MetricCatalogue.stale(changed, keys, decl));
    }

    @Test
    void theShippedDeclarationsLoadAndNameEverySatisfactionMetric() {
        MetricCatalogue.TableFigures satisfaction =
                MetricCatalogue.standard().tables().get("satisfaction_summary");
        assertEquals(
                SatisfactionSummary.METRICS.stream().sorted().toList(),
                satisfaction.metrics().keySet().stream().sorted().toList());
        assertEquals("metric", satisfaction.metricKey());
    }

    @Test
    void aDirectionIsOneOfThree() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new MetricCatalogue.Meaning("Retention", "proportion", "up", "0-1 proportion"));
    }
}
