package io.mentoringoutcomes.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

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

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command without exiting the JVM: what tests call. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof io.mentoringoutcomes.pipeline.WarehouseLease.HeldException held) {
                cmd.getErr().println("error: " + held.getMessage());
                return EXIT_LEASE_HELD;
            }
            if (ex instanceof io.mentoringoutcomes.config.Settings.ConfigException bad) {
                cmd.getErr().println("error: " + bad.getMessage());
                return EXIT_BAD_CONFIG;
            }
            cmd.getErr().println("error: " + ex.getMessage());
            if (System.getenv("MENTORING_DEBUG") != null) {
                ex.printStackTrace(cmd.getErr());
            }
            // One code for "input rejected", whether a gate or a reader found it.
            return ex instanceof io.mentoringoutcomes.ingest.InputContractException ? EXIT_QUALITY_BLOCKED : 1;
        });
        return cli.execute(args);
    }
}
