package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.pipeline.Pipeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Landing -> bronze: read tonight's files by the contract; quarantine what does not parse.")
public final class IngestCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() {
        return options.exclusive("ingest", ctx -> Pipeline.ingest(ctx, Contract.standard()));
    }
}
