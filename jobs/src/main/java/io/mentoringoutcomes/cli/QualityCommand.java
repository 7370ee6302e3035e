package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.config.Setting;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.pipeline.NightSettings;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.quality.CheckOutcome;
import io.mentoringoutcomes.quality.OutputAudit;
import io.mentoringoutcomes.quality.QualityReport;
import io.mentoringoutcomes.runs.RunContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mentoring-outcomes quality}: the pipeline's quality stage. It runs the input gate on
 * tonight's bronze batch, prints the report, and refreshes silver with the rows that passed; it
 * exits with {@link Main#EXIT_QUALITY_BLOCKED} when a blocking check failed, each failure on
 * stderr. {@code --report-only} prints the last run's report; {@code --outputs} audits staging.
 */
@Command(
        name = "quality",
        mixinStandardHelpOptions = true,
        description = "Data-quality gate on tonight's bronze batch, then bronze -> silver (exit 3 when blocked).")
public final class QualityCommand implements Callable<Integer> {

    @Mixin
    PipelineOptions options;

    @Option(names = "--outputs", description = "Audit the staging.* output tables instead of the input batch.")
    boolean outputs;

    @Option(names = "--report-only", description = "Print the report of --run-id (or the last run) without checking.")
    boolean reportOnly;

    @Option(
            names = "--max-error-failure-rate",
            description =
                    "quality.max_error_failure_rate: share of a batch's rows that may fail one Error rule (they are quarantined) before it blocks (default: 0.01).")
    Double maxErrorFailureRate;

    @Spec
    CommandSpec commandSpec;

    @Override
    public Integer call() {
        if (reportOnly) {
            commandSpec.commandLine().getOut().print(QualityReport.render(options.spark.open(), options.runId));
            return 0;
        }
        Map<Setting, String> flags = maxErrorFailureRate == null
                ? Map.of()
                : Map.of(
                        Setting.MAX_ERROR_FAILURE_RATE,
                        java.math.BigDecimal.valueOf(maxErrorFailureRate).toPlainString());
        return options.exclusive(
                outputs ? "quality --outputs" : "quality",
                flags,
                ctx -> check(
                        ctx,
                        outputs
                                ? NightSettings.forAudit(ctx, null).qualityConfig()
                                : ctx.settings().qualityConfig()));
    }

    private int check(RunContext ctx, QualityConfig cfg) {
        if (!outputs) {
            return Pipeline.quality(ctx, Contract.standard(), cfg);
        }
        OutputAudit.AuditResult r = OutputAudit.audit(ctx.warehouse(), ctx.runId(), ctx.batchId(), cfg);
        List<CheckOutcome> blocking =
                r.outcomes().stream().filter(o -> o.blocks(cfg)).toList();
        commandSpec.commandLine().getOut().print(QualityReport.render(ctx.warehouse(), ctx.runId()));
        if (!blocking.isEmpty()) {
            var err = commandSpec.commandLine().getErr();
            err.println("output audit BLOCKED publication (" + blocking.size() + " failed check(s)):");
            blocking.forEach(o -> err.println("  " + o.describe()));
            return Main.EXIT_QUALITY_BLOCKED;
        }
        return 0;
    }
}
