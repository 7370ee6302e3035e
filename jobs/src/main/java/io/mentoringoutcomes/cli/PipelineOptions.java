package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.pipeline.RunContext;
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

    public RunContext context() {
        Warehouse wh = spark.open();
        String inputUri = Warehouse.toUri(input);
        var asOfDate = RunContext.resolveAsOf(asOf, inputUri, wh.hadoopConf());
        return new RunContext(wh, inputUri, asOfDate, runId != null ? runId : RunContext.newRunId(asOfDate));
    }
}
