package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The trigger sends only the DAG's two params; what runs is the Airflow admin's, not the caller's. */
class TriggerCommandTest {

    private static TriggerCommand parse(String... args) {
        TriggerCommand cmd = new TriggerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void confHoldsOnlyAsOfAndInput() {
        assertEquals(
                Map.of("as_of", "2024-02-29", "input", "s3a://landing/x"),
                parse("--as-of", "2024-02-29", "--input", "s3a://landing/x").buildConf());
        assertEquals(Map.of(), parse().buildConf());
    }

    @Test
    void optionsThatChoseWhatRunsAreGone() {
        for (List<String> args : List.of(
                List.of("--master", "local[*]"),
                List.of("--warehouse", "/tmp/w"),
                List.of("--conf", "spark_args=--jars /tmp/evil.jar"))) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new TriggerCommand()).setErr(new PrintWriter(err));
            assertEquals(2, cli.execute(args.toArray(new String[0])), args.toString());
            assertTrue(err.toString().contains("Unknown option"), err.toString());
        }
    }

    @Test
    void badAsOfIsAUsageError() {
        for (String bad : List.of("2026-02-30", "23/11/2026", "2026-11-23 --jars x", "2026-1-1")) {
            StringWriter err = new StringWriter();
            TriggerCommand cmd = new TriggerCommand();
            // credentials present, so the date is what fails (before any connection to Airflow)
            cmd.env = Map.of("AIRFLOW_USERNAME", "u", "AIRFLOW_PASSWORD", "p")::get;
            CommandLine cli = new CommandLine(cmd).setErr(new PrintWriter(err));
            assertEquals(TriggerCommand.EXIT_USAGE, cli.execute("--as-of", bad), bad);
            assertTrue(err.toString().contains("--as-of '" + bad + "': expected a date YYYY-MM-DD"), err.toString());
        }
    }
}
