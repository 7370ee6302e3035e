package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.Setting;
import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.pipeline.ExclusiveRun;
import io.mentoringoutcomes.pipeline.WarehouseLease;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the pipeline's stages: which delivery, which night, which run. */
public final class PipelineOptions {

    @Mixin
    public SparkOptions spark;

    @Option(
            names = "--input",
            defaultValue = "sample-data",
            description = "Landing directory of tonight's delivery (default: ${DEFAULT-VALUE}).")
    public String input;

    @Option(
            names = "--as-of",
            description =
                    "The run's cutoff date, YYYY-MM-DD (default: the delivery's _manifest.json extracted_on, else today UTC).")
    public String asOf;

    @Option(
            names = "--run-id",
            description = "Identifier of this run (default: derived from the as-of date and the time).")
    public String runId;

    @Option(
            names = "--wait-for-lease",
            paramLabel = "DURATION",
            defaultValue = "0",
            description = "When another run holds the warehouse, wait up to DURATION (90s, 30m, 2h) for it "
                    + "instead of exiting with code " + Main.EXIT_LEASE_HELD + " (default: ${DEFAULT-VALUE}, no wait).")
    public String waitForLease;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Pipeline settings, a YAML file (README: Configuration). Default: $" + Settings.ENV
                    + ", else the built-in defaults. Flags override it.")
    public String config;

    /** The effective settings: this command's flags over the configuration file over the defaults. */
    public Settings settings(Map<Setting, String> flags) {
        Map<Setting, String> all = new EnumMap<>(Setting.class);
        all.putAll(flags);
        if (spark.shufflePartitions != null) {
            all.put(Setting.SHUFFLE_PARTITIONS, String.valueOf(spark.shufflePartitions));
        }
        return Settings.resolve(config, all, System.getenv());
    }

    public int exclusive(String command, java.util.function.ToIntFunction<RunContext> body) {
        return exclusive(command, Map.of(), body);
    }

    /**
     * Runs a writing command as the warehouse's only writer: under its lease, with interrupted runs
     * reported and SIGTERM recorded (see {@link ExclusiveRun}).
     */
    public int exclusive(
            String command, Map<Setting, String> flags, java.util.function.ToIntFunction<RunContext> body) {
        java.time.Duration wait = WarehouseLease.parseWait(waitForLease);
        RunContext ctx = context(flags);
        return ExclusiveRun.run(ctx, command, wait, () -> body.applyAsInt(ctx));
    }

    public RunContext context() {
        return context(Map.of());
    }

    /** Settings first (a bad one is refused before Spark starts), then Spark, then the night. */
    public RunContext context(Map<Setting, String> flags) {
        Settings settings = settings(flags);
        Warehouse wh = spark.open(settings);
        String inputUri = Warehouse.toUri(input);
        var asOfDate = RunContext.resolveAsOf(asOf, inputUri, wh.hadoopConf());
        return new RunContext(wh, inputUri, asOfDate, runId != null ? runId : RunContext.newRunId(asOfDate), settings);
    }
}
