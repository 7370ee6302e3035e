package io.mentoringoutcomes.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mentoringoutcomes.LocalFolders;
import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.generate.GeneratorSettings;
import io.mentoringoutcomes.generate.OrganisationGenerator;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures the whole nightly run on a generated organisation, stage by stage, and writes the
 * figures to {@code <dir>/benchmark-<employees>.json}. A measurement, not a test.
 */
@Command(
        name = "benchmark",
        mixinStandardHelpOptions = true,
        subcommands = ServeLoadBenchmark.class,
        description = "Generate an organisation and time every stage of the pipeline on it; writes the figures down.")
public final class BenchmarkCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(BenchmarkCommand.class);

    @Option(
            names = "--employees",
            defaultValue = "200000",
            description = "Organisation size (default: ${DEFAULT-VALUE}).")
    int employees;

    @Option(names = "--seed", defaultValue = "42", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--dir",
            defaultValue = "bench",
            description = "Working folder for data, warehouse and results (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--master", description = "Spark master (default: local[*]).")
    String master;

    @Option(
            names = "--baseline",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Also time the in-house SQL baseline (DuckDB over the same CSVs) and report the ratio "
                    + "(default: ${DEFAULT-VALUE}).")
    boolean baseline;

    @Option(
            names = "--second-night",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Then run the next night on the same exports, one day later, and report its stage times "
                    + "and its ratio to the first night (default: ${DEFAULT-VALUE}).")
    boolean secondNight;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        Path landing = dir.resolve("landing-" + employees);
        Path warehouse = dir.resolve("warehouse-" + employees);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("employees", employees);
        figures.put("seed", seed);
        figures.put("started_at", Instant.now().toString());
        figures.put("cores", Runtime.getRuntime().availableProcessors());
        figures.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));

        long t0 = System.nanoTime();
        GeneratorSettings settings = GeneratorSettings.of(
                employees, seed, GeneratorSettings.DEFAULT_START, GeneratorSettings.DEFAULT_AS_OF, false);
        OrganisationGenerator.Result generated = new OrganisationGenerator(settings).generate(landing);
        figures.put("generate_seconds", seconds(t0));
        figures.put("input_rows", generated.rows());
        LocalFolders.deleteRecursively(warehouse);

        String m = master != null ? master : "local[*]";
        Settings pipelineSettings = Settings.resolve(null, metrics.flags(), System.getenv());
        Warehouse wh = new Warehouse(
                SparkSessionProvider.getOrCreate(
                        m,
                        pipelineSettings
                                .shufflePartitions()
                                .orElseGet(() -> SparkSessionProvider.defaultShufflePartitions(m))),
                warehouse.toString());
        LocalDate asOf = GeneratorSettings.DEFAULT_AS_OF;
        Night first = night(wh, landing, asOf, "benchmark-" + employees, pipelineSettings);
        figures.put("stage_seconds", first.stageSeconds());
        figures.put("stage_spark_jobs", first.stageJobs());
        figures.put("pipeline_seconds", first.seconds());
        int code = first.exitCode();
        if (baseline) {
            // Before the next night: the baseline's figures sit beside the first night's published ones.
            figures.put("baseline", baselineFigures(wh, landing, asOf, first.seconds()));
        }
        if (secondNight && code == 0) {
            // The same exports one day later: what an unchanged night costs (refine commits nothing new).
            Night next = night(wh, landing, asOf.plusDays(1), "benchmark-" + employees + "-next", pipelineSettings);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("as_of", asOf.plusDays(1).toString());
            n.put("stage_seconds", next.stageSeconds());
            n.put("stage_spark_jobs", next.stageJobs());
            n.put("pipeline_seconds", next.seconds());
            n.put("share_of_first_night", Math.round(next.seconds() / first.seconds() * 1000) / 1000.0);
            n.put("exit_code", next.exitCode());
            figures.put("second_night", n);
            code = next.exitCode();
        }
        figures.put("heap_pool_peaks_sum_mb", heapPoolPeaksSumMb());
        figures.put("exit_code", code);

        Files.createDirectories(dir);
        Path out = dir.resolve("benchmark-" + employees + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), figures);
        System.out.println("[benchmark] "
                + String.format(
                        Locale.ROOT,
                        "%,d employees: %s, Spark jobs %s under -Xmx %d MB%s; figures in %s",
                        employees,
                        first.stageSeconds(),
                        first.stageJobs(),
                        figures.get("max_heap_mb"),
                        figures.containsKey("second_night") ? "; next night " + figures.get("second_night") : "",
                        out));
        return code;
    }

    /** One night's stage times and Spark jobs per stage. */
    record Night(Map<String, Double> stageSeconds, Map<String, Integer> stageJobs, int exitCode) {
        double seconds() {
            return Math.round(stageSeconds.values().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .sum()
                            * 10)
                    / 10.0;
        }
    }

    private static Night night(Warehouse wh, Path landing, LocalDate asOf, String runId, Settings settings) {
        Map<String, Double> stages = new LinkedHashMap<>();
        Map<String, Integer> stageJobs = new LinkedHashMap<>();
        // Spark jobs per stage: the fixed cost of a small night is mostly the number of jobs.
        JobCounter jobs = new JobCounter();
        wh.spark().sparkContext().addSparkListener(jobs);
        RunContext ctx = new RunContext(wh, Warehouse.toUri(landing.toString()), asOf, runId, settings);
        int code = Pipeline.runAll(
                ctx,
                Contract.standard(),
                settings.qualityConfig(),
                settings.metricsConfig(),
                (stage, exit, seconds) -> {
                    stages.put(stage, seconds);
                    // Deliver the stage's pending listener events first (the bus is asynchronous).
                    try {
                        wh.spark().sparkContext().listenerBus().waitUntilEmpty(10_000L);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // a late event counts in the next stage; the figure stays an honest lower bound
                    }
                    stageJobs.put(stage, jobs.takeCount());
                });
        wh.spark().sparkContext().removeSparkListener(jobs);
        return new Night(stages, stageJobs, code);
    }

    /**
     * Runs the DuckDB baseline on the same CSVs and sets its 12-month retention for all programs
     * beside the pipeline's published figure, so the ratio compares like with like.
     */
    private static Map<String, Object> baselineFigures(
            Warehouse wh, Path landing, LocalDate asOf, double pipelineSeconds) throws Exception {
        SqlBaseline.Result result = SqlBaseline.run(landing, asOf);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("engine", "duckdb (org.duckdb:duckdb_jdbc, in-process)");
        out.put("seconds", Math.round(result.seconds() * 10) / 10.0);
        out.put("pipeline_to_baseline_ratio", Math.round(pipelineSeconds / result.seconds() * 10) / 10.0);
        Map<String, Object> all = new LinkedHashMap<>();
        for (SqlBaseline.Figure f : result.figures()) {
            if (f.programId().equals("ALL")) {
                all.put(
                        f.method() + "/" + f.cohort(),
                        Map.of(
                                "n_employees",
                                f.nEmployees(),
                                "retention_12m",
                                Math.round(f.retention12() * 10000) / 10000.0));
            }
        }
        out.put("all_programs_12m", all);
        if (wh.exists("gold.retention_summary")) {
            Map<String, Object> published = new LinkedHashMap<>();
            wh.read("gold.retention_summary")
                    .filter("program_id = 'ALL' AND horizon_months = 12 AND cohort IN ('mentee', 'comparison')")
                    .collectAsList()
                    .forEach(r -> published.put(
                            r.getAs("method") + "/" + r.getAs("cohort"),
                            r.isNullAt(r.fieldIndex("retention"))
                                    ? "suppressed"
                                    : Math.round(r.<Double>getAs("retention") * 10000) / 10000.0));
            out.put("pipeline_all_programs_12m", published);
        }
        LOG.info("[benchmark] in-house SQL baseline (DuckDB): {}", out);
        return out;
    }

    /** Counts the Spark jobs started since it was last asked (listener events arrive asynchronously). */
    static final class JobCounter extends org.apache.spark.scheduler.SparkListener {
        private final java.util.concurrent.atomic.AtomicInteger started =
                new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart jobStart) {
            started.incrementAndGet();
        }

        /** Jobs started since the last call. */
        int takeCount() {
            return started.getAndSet(0);
        }
    }

    private static double seconds(long startNanos) {
        return Math.round((System.nanoTime() - startNanos) / 1e8) / 10.0;
    }

    /**
     * Sum of each heap pool's own peak. The pools peak at different moments, so this overstates
     * the true peak (it can exceed -Xmx); the run finishing under -Xmx is the memory verdict.
     */
    private static long heapPoolPeaksSumMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024 * 1024);
    }
}
