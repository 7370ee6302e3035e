package io.mentoringoutcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mentoringoutcomes.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** What {@code query --warehouse W --format csv ARGS} prints, run in this JVM; it must exit 0. */
public final class QueryOutput {

    private QueryOutput() {}

    public static String csv(String warehouse, String... args) {
        List<String> all = new ArrayList<>(List.of("query", "--warehouse", warehouse, "--format", "csv"));
        all.addAll(List.of(args));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(all.toArray(new String[0])));
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
