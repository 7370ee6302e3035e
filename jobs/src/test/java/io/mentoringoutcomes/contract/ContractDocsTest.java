package io.mentoringoutcomes.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContractDocsTest {

    @Test
    void theCommittedContractDocumentIsGeneratedFromSchemas() throws Exception {
        Path doc = Path.of(System.getProperty("project.root", "..")).resolve("docs/input-contract.md");
        assertEquals(
                ContractDocs.markdown(Contract.standard()),
                Files.readString(doc),
                "docs/input-contract.md is stale: regenerate with bin/mentoring-outcomes contract-docs > docs/input-contract.md");
    }
}
