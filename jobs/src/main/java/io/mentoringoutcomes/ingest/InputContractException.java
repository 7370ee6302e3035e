package io.mentoringoutcomes.ingest;

/** An input file breaks the contract in a way that rejects the whole file (it names file, line and column). */
public class InputContractException extends RuntimeException {
    public InputContractException(String message) {
        super(message);
    }
}
