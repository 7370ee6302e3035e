package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.spark.Retention;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Keeps the warehouse's history as long as promised and no longer: every table gets its layer's
 * retention properties, then OPTIMIZE compacts small files and VACUUM deletes removed files older
 * than the table's own deletedFileRetentionDuration (so a gold night stays readable by
 * --as-reported-on for as long as gold's retention says).
 */
@Command(
        name = "maintain",
        mixinStandardHelpOptions = true,
        description = {
            "Set each table's retention (Delta table properties per layer), then OPTIMIZE and VACUUM within it.",
            "Retention days per layer: --conf " + Retention.CONF_PREFIX + "<layer>.days=N (defaults: gold and ops "
                    + Retention.GOLD_DAYS + ", silver " + Retention.SILVER_DAYS + ", bronze and staging "
                    + Retention.SHORT_DAYS + ")."
        })
public final class MaintainCommand implements Callable<Integer> {

    @Mixin
    SparkOptions spark;

    @Option(names = "--skip-optimize", description = "Do not compact small files.")
    boolean skipOptimize;

    @Option(names = "--skip-vacuum", description = "Do not delete removed files (retention properties are still set).")
    boolean skipVacuum;

    @Override
    public Integer call() {
        Warehouse wh = spark.open();
        PrintStream out = System.out;
        int n = 0;
        // The restricted layers too: their removed files hold people's own values.
        for (String layer : java.util.stream.Stream.concat(
                        Warehouse.LAYERS.stream(), Warehouse.RESTRICTED_LAYERS.stream())
                .toList()) {
            int days = Retention.days(wh.spark(), layer);
            for (String table : wh.tables(layer)) {
                boolean changed = wh.applyRetention(table);
                long compacted = skipOptimize ? 0L : wh.optimize(table);
                if (!skipVacuum) {
                    wh.vacuum(table);
                }
                out.printf(
                        "%-36s retention %4d days%s, optimize: %s, vacuum: %s%n",
                        table,
                        days,
                        changed ? " (set now)" : "",
                        skipOptimize ? "skipped" : compacted + " files compacted",
                        skipVacuum ? "skipped" : "done");
                n++;
            }
        }
        out.printf("maintained %d tables under %s%n", n, wh.root());
        return 0;
    }
}
