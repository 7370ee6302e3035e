package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.pipeline.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = "Silver -> gold staging: retention, satisfaction, engagement, ROI (not yet visible to BI).")
public final class MetricsCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions options;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() {
        return options.exclusive(
                "metrics",
                metrics.flags(),
                ctx -> Pipeline.metrics(ctx, ctx.settings().metricsConfig()));
    }
}
