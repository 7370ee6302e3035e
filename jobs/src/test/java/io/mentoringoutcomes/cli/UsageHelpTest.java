package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's {@code --help} renders cleanly. Picocli formats descriptions with
 * {@code String.format}, so a bare {@code %} (as in "95% intervals") is a format error it reports
 * on stderr as {@code [picocli WARN]} and then prints the text unformatted, {@code %n} and all.
 */
class UsageHelpTest {

    @Test
    void everyCommandsHelpRendersWithoutAPicocliWarning() {
        List<String> names = new ArrayList<>();
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            visit(new CommandLine(new Main()), names);
        } finally {
            System.setErr(stderr);
        }
        String said = captured.toString(StandardCharsets.UTF_8);
        assertFalse(said.contains("picocli WARN"), said);
        // The walk reached the subcommands, not only the root: validate's text held the stray '%'.
        assertTrue(names.contains("mentoring-outcomes validate"), names.toString());
        assertTrue(names.size() > 10, names.toString());
    }

    @Test
    void aPercentSignInADescriptionShowsAsOne() {
        String help =
                new CommandLine(new Main()).getSubcommands().get("validate").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(help.contains("95% intervals"), help);
        assertFalse(help.contains("%%"), help);
        assertEquals(-1, help.indexOf("%n"), help);
        String ldap =
                new CommandLine(new Main()).getSubcommands().get("serve").getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(ldap.contains("User DN with %s for the name, e.g. uid=%s,"), ldap);
    }

    private static void visit(CommandLine cmd, List<String> names) {
        names.add(cmd.getCommandSpec().qualifiedName());
        // Rendering, not printing: the warnings come from formatting the descriptions.
        cmd.getUsageMessage(CommandLine.Help.Ansi.OFF);
        cmd.getSubcommands().values().stream().distinct().forEach(sub -> visit(sub, names));
    }
}
