package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The command-line entry point, locally (bin/mentoring-outcomes) and under spark-submit. */
@Command(
        name = "mentoring-outcomes",
        mixinStandardHelpOptions = true,
        version = "mentoring-outcomes 0.1.0",
        description = "Nightly analytics pipeline: do mentoring programs work?",
        subcommands = {
            RunCommand.class,
            IngestCommand.class,
            QueryCommand.class,
            GenerateCommand.class,
            MetricsCommand.class,
            PublishCommand.class,
            TriggerCommand.class,
            MaintainCommand.class,
            QualityCommand.class,
            BenchmarkCommand.class,
            ContractDocsCommand.class,
            ReportCommand.class,
            ExportCommand.class,
            ServeCommand.class,
            ValidateCommand.class,
        })
public final class Main {

    /** Exit code of a bad command line or bad configuration (picocli's usage error code), before any Spark job. */
    public static final int EXIT_BAD_CONFIG = ExitCode.BAD_CONFIG;

    /** Exit code when the input is rejected: a quality gate blocks publication, or a delivery breaks the contract. */
    public static final int EXIT_QUALITY_BLOCKED = ExitCode.QUALITY_BLOCKED;

    /** Exit code when another run holds the warehouse lease. */
    public static final int EXIT_LEASE_HELD = ExitCode.LEASE_HELD;

    @Option(
            names = "--log-format",
            scope = ScopeType.INHERIT,
            paramLabel = "FORMAT",
            description =
                    "Log lines on stderr: human or json (one JSON object a line). Default: $MENTORING_LOG_FORMAT, "
                            + "else logging.format in the settings file, else human.")
    String logFormat;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command without exiting the JVM: what tests call. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof io.mentoringoutcomes.pipeline.WarehouseLease.HeldException held) {
                reportError(cmd, held.getMessage(), ex);
                return EXIT_LEASE_HELD;
            }
            if (ex instanceof io.mentoringoutcomes.config.Settings.ConfigException bad) {
                reportError(cmd, bad.getMessage(), ex);
                return EXIT_BAD_CONFIG;
            }
            reportError(cmd, ex.getMessage(), ex);
            if (System.getenv("MENTORING_DEBUG") != null && !jsonLogs()) {
                ex.printStackTrace(cmd.getErr());
            }
            // One code for "input rejected", whether a gate or a reader found it.
            return ex instanceof io.mentoringoutcomes.ingest.InputContractException ? EXIT_QUALITY_BLOCKED : 1;
        });
        cli.setExecutionStrategy(parsed -> {
            configureLogging(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    /**
     * "error: ..." on stderr as a person reads it; with JSON logs, one JSON line (with the exception's
     * class, message and stack trace) so that a log shipper parses a failed night too.
     */
    private static void reportError(CommandLine cmd, String message, Exception ex) {
        if (jsonLogs()) {
            org.slf4j.LoggerFactory.getLogger(Main.class).error("error: {}", message, ex);
        } else {
            cmd.getErr().println("error: " + message);
        }
    }

    private static boolean jsonLogs() {
        return "json".equals(System.getProperty(LogSetup.FORMAT_PROPERTY));
    }

    /**
     * The log format, from the flag (on any command), the environment, the settings file, before the
     * command logs anything; a bad value is refused as bad configuration (exit 2) naming where it was.
     */
    private static void configureLogging(ParseResult parsed) {
        String flag = null;
        String config = null;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return; // help is printed as it is
            }
            if (p.hasMatchedOption("--log-format")) {
                flag = p.matchedOptionValue("--log-format", null);
            }
            if (p.hasMatchedOption("--config")) {
                config = p.matchedOptionValue("--config", null);
            }
        }
        try {
            LogSetup.apply(LogSetup.format(flag, config, System.getenv()));
        } catch (Settings.ConfigException bad) {
            CommandLine leaf =
                    parsed.asCommandLineList().get(parsed.asCommandLineList().size() - 1);
            throw new CommandLine.ExecutionException(leaf, bad.getMessage(), bad);
        }
    }
}
