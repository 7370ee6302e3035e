package io.mentoringoutcomes.ingest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LandingReaderTest {

    @Test
    void splitsAHeaderLineByRfc4180() {
        assertEquals(List.of("a", "b,c", "d\"e", ""), LandingReader.splitCsvLine("a,\"b,c\",\"d\"\"e\","));
        assertEquals(List.of("x", "y"), LandingReader.splitCsvLine("x,y\r"));
    }
}
