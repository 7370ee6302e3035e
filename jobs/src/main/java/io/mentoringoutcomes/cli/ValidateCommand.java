package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.metrics.Calibration;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks that the 95% intervals mean 95%: generates organisations with planted effects and reports
 * how often the intervals cover the truth (Calibration). One JVM, in-memory frames, no warehouse.
 */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description =
                "Calibration: run the estimators on generated organisations (different seeds) and report the share "
                        + "of 95%% intervals covering the planted truth (12-month retention difference, engagement DiD) and their mean width.")
public final class ValidateCommand implements Callable<Integer> {

    @Option(
            names = "--organisations",
            defaultValue = "20",
            description = "Organisations to generate (default: ${DEFAULT-VALUE}).")
    int organisations;

    @Option(
            names = "--employees",
            defaultValue = "1000",
            description = "Headcount of each (default: ${DEFAULT-VALUE}).")
    int employees;

    @Option(
            names = "--first-seed",
            defaultValue = "1",
            description = "Seed of the first; the others follow (default: ${DEFAULT-VALUE}).")
    long firstSeed;

    @Option(
            names = "--scratch",
            defaultValue = "target/validate",
            description = "Folder for the generated files, deleted per organisation (default: ${DEFAULT-VALUE}).")
    Path scratch;

    @Option(
            names = "--markdown",
            description = "Also write the results as Markdown to this file (e.g. docs/calibration.md).")
    Path markdown;

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;

    @Override
    public Integer call() throws Exception {
        if (organisations < 1 || organisations > 1000) {
            throw new IllegalArgumentException("--organisations must be 1..1000, not " + organisations);
        }
        if (employees < 50 || employees > 100_000) {
            throw new IllegalArgumentException("--employees must be 50..100000, not " + employees);
        }
        var spark = SparkSessionProvider.getOrCreate(master, 2);
        System.out.printf(
                "validate: %d organisations of %d employees, seeds %d..%d%n",
                organisations, employees, firstSeed, firstSeed + organisations - 1);
        Calibration.Summary s = Calibration.run(
                spark,
                employees,
                firstSeed,
                organisations,
                scratch,
                o -> System.out.printf(
                        Locale.ROOT,
                        "  seed %d: retention 12m %s [%s, %s] truth %.4f (comparators kept: %s); DiD %s [%s, %s] truth %.4f (%.0f s)%n",
                        o.seed(),
                        o.retentionDifference(),
                        o.retentionLow(),
                        o.retentionHigh(),
                        o.retentionTruth(),
                        o.retentionComparatorsKept(),
                        o.did(),
                        o.didLow(),
                        o.didHigh(),
                        o.didTruth(),
                        o.seconds()));
        System.out.printf(
                Locale.ROOT,
                "retention 12m difference: coverage %.1f%% of %d, mean width %.4f, mean error %+.4f%n",
                100 * s.retentionCoverage(),
                s.retentionEstimable(),
                s.retentionMeanWidth(),
                s.retentionMeanError());
        System.out.printf(
                Locale.ROOT,
                "engagement DiD:           coverage %.1f%% of %d, mean width %.4f, mean error %+.4f%n",
                100 * s.didCoverage(),
                s.didEstimable(),
                s.didMeanWidth(),
                s.didMeanError());
        if (markdown != null) {
            String command = String.format(
                    Locale.ROOT,
                    "bin/mentoring-outcomes validate --organisations %d --employees %d --first-seed %d",
                    organisations,
                    employees,
                    firstSeed);
            Files.writeString(markdown, Calibration.markdown(s, employees, command), StandardCharsets.UTF_8);
        }
        return 0;
    }
}
