package io.mentoringoutcomes.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LandingReaderTest {

    @Test
    void splitsAHeaderLineByRfc4180() {
        assertEquals(List.of("a", "b,c", "d\"e", ""), LandingReader.splitCsvLine("a,\"b,c\",\"d\"\"e\","));
        assertEquals(List.of("x", "y"), LandingReader.splitCsvLine("x,y\r"));
    }
}
