package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.ContractDocs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
        name = "contract-docs",
        mixinStandardHelpOptions = true,
        description = "Print the input contract (schemas/) as Markdown; docs/input-contract.md is its output.")
public final class ContractDocsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(ContractDocs.markdown(Contract.standard()));
        return 0;
    }
}
