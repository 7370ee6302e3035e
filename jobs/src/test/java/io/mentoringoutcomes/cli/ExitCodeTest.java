package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One exit-code scheme: each code means one thing whichever command returns it, and the docs say so. */
class ExitCodeTest {

    @Test
    void everyCodeIsDistinctAndHasAMeaning() {
        List<Integer> codes = Arrays.stream(ExitCode.class.getFields())
                .filter(f -> f.getType() == int.class && Modifier.isStatic(f.getModifiers()))
                .map(f -> {
                    try {
                        return f.getInt(null);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        Set<Integer> distinct = codes.stream().collect(Collectors.toSet());
        assertEquals(codes.size(), distinct.size(), "no two constants share a number: " + codes);
        assertEquals(distinct, ExitCode.MEANINGS.keySet());
        // The commands' constants are the table's: a failed run is not a busy warehouse any more.
        assertEquals(ExitCode.LEASE_HELD, Main.EXIT_LEASE_HELD);
        assertEquals(ExitCode.QUALITY_BLOCKED, Main.EXIT_QUALITY_BLOCKED);
        assertEquals(ExitCode.BAD_CONFIG, Main.EXIT_BAD_CONFIG);
        assertEquals(ExitCode.RUN_FAILED, TriggerCommand.EXIT_RUN_FAILED);
    }

    @Test
    void theReadmeCarriesTheTable() throws IOException {
        String readme = Files.readString(
                Path.of(System.getProperty("project.root", "..")).resolve("README.md"));
        assertTrue(readme.contains(ExitCode.markdownTable()), "README.md holds:\n" + ExitCode.markdownTable());
    }

    /** {@code trigger --help} names each code trigger can return with its number. */
    @Test
    void triggersHelpUsesTheSameNumbers() {
        String help = String.join(
                " ",
                new CommandLine(new TriggerCommand())
                        .getCommandSpec()
                        .usageMessage()
                        .footer());
        for (int c : new int[] {
            ExitCode.RUN_FAILED,
            ExitCode.TIMEOUT,
            ExitCode.PAUSED,
            ExitCode.UNREACHABLE,
            ExitCode.AUTH_FAILED,
            ExitCode.NOT_FOUND
        }) {
            String meaning = ExitCode.MEANINGS
                    .get(c)
                    .replaceFirst("^`trigger( --wait)?`: ", "")
                    .replace("`", "");
            String expected = c + " " + meaning.split(" ")[0];
            assertTrue(help.contains(expected), "trigger --help says '" + expected + "': " + help);
        }
    }
}
