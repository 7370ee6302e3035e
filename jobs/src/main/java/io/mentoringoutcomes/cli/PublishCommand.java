package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.pipeline.NightSettings;
import io.mentoringoutcomes.pipeline.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description =
                "Audit the staging tables with Deequ, then publish them to gold in one step (exit 3 when blocked).")
public final class PublishCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions options;

    @Option(
            names = "--min-group-size",
            description =
                    "The privacy threshold the audit enforces. Default: the one the night's metrics stage recorded in "
                            + "ops.pipeline_runs; a different value is refused.")
    Integer minGroupSize;

    @Override
    public Integer call() {
        return options.exclusive(
                "publish",
                ctx -> Pipeline.publish(
                        ctx, NightSettings.forAudit(ctx, minGroupSize).qualityConfig()));
    }
}
