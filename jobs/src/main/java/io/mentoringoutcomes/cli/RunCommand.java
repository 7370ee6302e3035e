package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.pipeline.Pipeline;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the whole nightly pipeline: ingest, quality, metrics, publish. "
                + "With no options: sample-data/ into ./warehouse on local Spark.")
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    PipelineOptions options;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() {
        Contract contract = Contract.standard();
        return options.exclusive("run", metrics.flags(), ctx -> {
            long started = System.nanoTime();
            int code = Pipeline.runAll(
                    ctx,
                    contract,
                    ctx.settings().qualityConfig(),
                    ctx.settings().metricsConfig(),
                    (stage, exit, seconds) -> {});
            LOG.info(
                    "[run] {} in {} s (run {}, as of {})",
                    code == Pipeline.OK ? "published" : "BLOCKED",
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9),
                    ctx.runId(),
                    ctx.asOf());
            return code;
        });
    }
}
