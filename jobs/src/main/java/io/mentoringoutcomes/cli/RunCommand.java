package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.pipeline.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the whole nightly pipeline: ingest, quality, metrics, publish. "
                + "With no options: sample-data/ into ./warehouse on local Spark.")
public final class RunCommand implements Callable<Integer> {

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
            System.out.printf(
                    "[run] %s in %.1f s (run %s, as of %s)%n",
                    code == Pipeline.OK ? "published" : "BLOCKED",
                    (System.nanoTime() - started) / 1e9,
                    ctx.runId(),
                    ctx.asOf());
            return code;
        });
    }
}
