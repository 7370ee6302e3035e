package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.metrics.Suppression;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.report.ReportWriter;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write the outcomes report: one self-contained HTML file (inline CSS and SVG, no network) with "
                + "per-program ROI, retention curves, turnover, satisfaction, engagement health and the run's data quality.",
                "Reads gold as the latest successful publish left it; with --as-of (as the DAG passes it) or --as-reported-on, the "
                        + "tables exactly as published for that night."})
public final class ReportCommand implements Callable<Integer> {

    /** --input, --warehouse, --as-of, --run-id, --master: the options every DAG stage is called with. */
    @Mixin
    PipelineOptions pipeline;

    @Mixin
    AsReportedOnOption asReportedOn;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the HTML (default: <warehouse>/reports/mentoring-outcomes-<as_of>.html).")
    String out;

    @Option(names = "--min-group-size", defaultValue = "" + Suppression.DEFAULT_MIN_GROUP_SIZE,
            description = "The minimum group size the metrics ran with, named in 'suppressed' notes (default: ${DEFAULT-VALUE}).")
    int minGroupSize;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        Warehouse wh = pipeline.spark.open();
        System.out.printf("[report] Spark ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
        String night = asReportedOn.date != null ? asReportedOn.date : pipeline.asOf;
        boolean latest = night == null || night.isBlank();
        GoldSource gold = latest ? GoldSource.latestPublished(wh) : GoldSource.of(wh, night);
        System.out.printf("[report] gold: %s (%.1f s)%n", gold.describe(), (System.nanoTime() - started) / 1e9);
        String written = ReportWriter.write(gold, minGroupSize, latest, out == null ? null : Warehouse.toUri(out));
        System.out.printf("[report] %s (%s) in %.1f s%n", written, gold.describe(), (System.nanoTime() - started) / 1e9);
        return 0;
    }
}
