package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.pipeline.ExclusiveRun;
import io.mentoringoutcomes.pipeline.RunContext;
import io.mentoringoutcomes.pipeline.WarehouseLease;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options of the pipeline's stages: which delivery, which night, which run. */
public final class PipelineOptions {

    @Mixin
    public SparkOptions spark;

    @Option(names = "--input", defaultValue = "sample-data",
            description = "Landing directory of tonight's delivery (default: ${DEFAULT-VALUE}).")
    public String input;

    @Option(names = "--as-of",
            description = "The run's cutoff date, YYYY-MM-DD (default: the delivery's _manifest.json extracted_on, else today UTC).")
    public String asOf;

    @Option(names = "--run-id", description = "Identifier of this run (default: derived from the as-of date and the time).")
    public String runId;

    @Option(names = "--wait-for-lease", paramLabel = "DURATION", defaultValue = "0",
            description = "When another run holds the warehouse, wait up to DURATION (90s, 30m, 2h) for it "
                    + "instead of exiting with code " + Main.EXIT_LEASE_HELD + " (default: ${DEFAULT-VALUE}, no wait).")
    public String waitForLease;

    /**
     * Runs a writing command as the warehouse's only writer: under its lease, with interrupted runs
     * reported and SIGTERM recorded (see {@link ExclusiveRun}).
     */
    public int exclusive(String command, java.util.function.ToIntFunction<RunContext> body) {
        java.time.Duration wait = WarehouseLease.parseWait(waitForLease);
        RunContext ctx = context();
        return ExclusiveRun.run(ctx, command, wait, () -> body.applyAsInt(ctx));
    }

    public RunContext context() {
        Warehouse wh = spark.open();
        String inputUri = Warehouse.toUri(input);
        var asOfDate = RunContext.resolveAsOf(asOf, inputUri, wh.hadoopConf());
        return new RunContext(wh, inputUri, asOfDate, runId != null ? runId : RunContext.newRunId(asOfDate));
    }
}
