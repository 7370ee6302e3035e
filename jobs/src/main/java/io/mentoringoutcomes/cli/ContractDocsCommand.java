package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.ContractDocs;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "contract-docs", mixinStandardHelpOptions = true,
        description = "Print the input contract (schemas/) as Markdown; docs/input-contract.md is its output.")
public final class ContractDocsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(ContractDocs.markdown(Contract.standard()));
        return 0;
    }
}
