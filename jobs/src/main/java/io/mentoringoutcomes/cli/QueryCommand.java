package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description = "Run Spark SQL on the warehouse's tables (bronze.*, silver.*, gold.*, ops.*).")
public final class QueryCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(QueryCommand.class);

    public enum Format {
        table,
        csv,
        json
    }

    @Mixin
    SparkOptions spark;

    @Parameters(index = "0", description = "The SQL, e.g. \"SELECT * FROM gold.program_roi\".")
    String sql;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--limit", defaultValue = "1000", description = "Rows printed at most (default: ${DEFAULT-VALUE}).")
    int limit;

    @Mixin
    AsReportedOnOption asReportedOn;

    @Override
    public Integer call() {
        Warehouse wh = spark.open();
        GoldSource gold = asReportedOn.source(wh);
        gold.register();
        if (gold.isPinned()) {
            LOG.info("[query] gold.* {}", gold.describe());
        }
        Dataset<Row> result = wh.spark().sql(sql);
        System.out.print(TablePrinter.render(result, format, limit));
        return 0;
    }
}
