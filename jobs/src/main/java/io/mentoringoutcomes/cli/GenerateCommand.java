package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.generate.GeneratorSettings;
import io.mentoringoutcomes.generate.OrganisationGenerator;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a synthetic organisation's input files, with planted truths, for demos and tests. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate a deterministic synthetic organisation (CSV input files, _manifest.json, _truth.json).")
public final class GenerateCommand implements Callable<Integer> {

    /** Above this size defects are off unless asked for: big runs are for load tests, not quality gates. */
    static final int DEFECTS_BY_DEFAULT_UP_TO = 5000;

    @Option(names = "--out", required = true, description = "Output folder.")
    Path out;

    @Option(
            names = "--employees",
            defaultValue = "2000",
            description = "Target active headcount (default: ${DEFAULT-VALUE}).")
    int employees;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--start",
            defaultValue = "2023-01-01",
            description = "First simulated day (default: ${DEFAULT-VALUE}).")
    LocalDate start;

    @Option(
            names = "--as-of",
            defaultValue = "2026-10-31",
            description = "Extract date; nothing is dated after it (default: ${DEFAULT-VALUE}).")
    LocalDate asOf;

    @Option(
            names = "--with-defects",
            description = "Append the planted bad rows (default: on up to " + DEFECTS_BY_DEFAULT_UP_TO + " employees).")
    boolean withDefects;

    @Option(names = "--no-defects", description = "Write clean data only.")
    boolean noDefects;

    @Override
    public Integer call() {
        if (withDefects && noDefects) {
            throw new IllegalArgumentException("--with-defects and --no-defects contradict each other");
        }
        boolean defects = withDefects || (!noDefects && employees <= DEFECTS_BY_DEFAULT_UP_TO);
        GeneratorSettings settings = GeneratorSettings.of(employees, seed, start, asOf, defects);
        OrganisationGenerator.Result result = new OrganisationGenerator(settings).generate(out);
        System.out.printf(
                "generated %d employees, seed %d, %s..%s, defects %s into %s%n",
                employees, seed, start, asOf, defects ? "on" : "off", out.toAbsolutePath());
        result.paths()
                .forEach((name, path) -> System.out.printf(
                        "  %-16s %-22s %,12d rows%n", name, path, result.rows().get(name)));
        System.out.printf(
                "  planted: voluntary hazard ratio %s, retention difference 12m (ATT) %s, engagement DiD %s (on the published 1-5 scores %s), mentees %s%n",
                result.truths().get("voluntary_hazard_ratio"),
                result.truths().get("retention_difference_12m_att"),
                result.truths().get("engagement_did"),
                result.truths().get("engagement_did_att"),
                result.truths().get("mentees"));
        System.out.printf(
                "  defects: %d rows; took %.1f s%n",
                result.defects().size(), result.elapsed().toMillis() / 1000.0);
        return 0;
    }
}
