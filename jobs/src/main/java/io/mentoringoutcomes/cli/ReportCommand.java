package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.pipeline.NightSettings;
import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.report.ReportWriter;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write the outcomes report: one self-contained HTML file (inline CSS and SVG, no network) with "
                    + "per-program ROI, retention curves, turnover, satisfaction, engagement health and the run's data quality.",
            "Reads gold as the latest successful publish left it; with --as-of (as the DAG passes it) or --as-reported-on, the "
                    + "tables exactly as published for that night."
        })
public final class ReportCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ReportCommand.class);

    /** --input, --warehouse, --as-of, --run-id, --master: the options every DAG stage is called with. */
    @Mixin
    PipelineOptions pipeline;

    @Mixin
    AsReportedOnOption asReportedOn;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where to write the HTML (default: <warehouse>/reports/mentoring-outcomes-<as_of>.html).")
    String out;

    @Option(
            names = "--min-group-size",
            description =
                    "The minimum group size named in 'suppressed' notes. Default: the one the night's metrics stage "
                            + "recorded in ops.pipeline_runs; a different value is refused.")
    Integer minGroupSize;

    @Override
    public Integer call() {
        long started = System.nanoTime();
        var settings = pipeline.settings(java.util.Map.of());
        Warehouse wh = pipeline.spark.open(settings);
        LOG.info("[report] Spark ready in {} s", seconds(started));
        String night = asReportedOn.date != null ? asReportedOn.date : pipeline.asOf;
        boolean latest = night == null || night.isBlank();
        GoldSource gold = latest ? GoldSource.latestPublished(wh) : GoldSource.of(wh, night);
        LOG.info("[report] gold: {} ({} s)", gold.describe(), seconds(started));
        int k = gold.night()
                .map(n -> NightSettings.minGroupSize(
                        wh, n.runId(), n.asOf().toString(), n.finishedAt(), settings, minGroupSize))
                .orElse(minGroupSize != null ? minGroupSize : settings.minGroupSize());
        String written = ReportWriter.write(gold, k, latest, out == null ? null : Warehouse.toUri(out));
        LOG.info("[report] {} ({}) in {} s", written, gold.describe(), seconds(started));
        return 0;
    }

    private static String seconds(long startedNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos) / 1e9);
    }
}
