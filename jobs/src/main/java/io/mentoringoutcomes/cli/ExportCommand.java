package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.publish.GoldExport;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        description =
                "Write every gold table as one CSV (with header) or Parquet file, for BI tools that cannot read Delta.")
public final class ExportCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

    @Mixin
    SparkOptions spark;

    @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default: ${DEFAULT-VALUE}).")
    GoldExport.Format format;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Folder (local or any Hadoop URI) to write into.")
    String out;

    @Mixin
    AsReportedOnOption asReportedOn;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        Warehouse wh = spark.open();
        GoldSource gold = asReportedOn.source(wh);
        Map<String, Long> written = GoldExport.export(gold, format, Warehouse.toUri(out));
        written.forEach((file, rows) -> LOG.info("[export] {} ({} rows)", file, rows));
        LOG.info(
                "[export] {} tables, {}, in {} s",
                written.size(),
                gold.describe(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return 0;
    }
}
