package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.pipeline.RunContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the whole nightly pipeline. With no options: sample-data/ into ./warehouse on local Spark.")
public final class RunCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions options;

    @Override
    public Integer call() {
        Contract contract = Contract.standard();
        RunContext ctx = options.context();
        int code = Pipeline.ingest(ctx, contract);
        if (code != Pipeline.OK) {
            return code;
        }
        Map<String, Dataset<Row>> batches = new LinkedHashMap<>();
        for (DatasetContract d : contract.datasets()) {
            Dataset<Row> batch = Pipeline.bronzeBatch(ctx, d);
            if (batch != null) {
                batches.put(d.dataset(), batch);
            }
        }
        Pipeline.refine(ctx, contract, batches);
        return Pipeline.OK;
    }
}
