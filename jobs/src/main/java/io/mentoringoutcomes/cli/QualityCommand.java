package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.quality.CheckOutcome;
import io.mentoringoutcomes.quality.GateResult;
import io.mentoringoutcomes.quality.OutputAudit;
import io.mentoringoutcomes.quality.QualityConfig;
import io.mentoringoutcomes.quality.QualityGate;
import io.mentoringoutcomes.quality.QualityReport;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code mentoring-outcomes quality}: runs the input gate on tonight's bronze batch (or, with
 * {@code --outputs}, the audit of the staging tables), prints the report, and exits with
 * {@link Main#EXIT_QUALITY_BLOCKED} when a blocking check failed, each failure on stderr.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = "Data-quality gate: checks tonight's bronze batch against the contract (or audits staging outputs).")
public final class QualityCommand implements Callable<Integer> {

    @Mixin
    SparkOptions spark;

    @Option(names = "--as-of", description = "As-of date of the nightly delivery, YYYY-MM-DD (default: today, UTC).")
    LocalDate asOf;

    @Option(names = "--batch-id", description = "Bronze batch to check (default: the as-of date).")
    String batchId;

    @Option(names = "--run-id", description = "Run id recorded with the results (default: generated).")
    String runId;

    @Option(names = "--outputs", description = "Audit the staging.* output tables instead of the input batch.")
    boolean outputs;

    @Option(names = "--report-only", description = "Print the report of --run-id (or the last run) without checking.")
    boolean reportOnly;

    @Spec
    CommandSpec commandSpec;

    @Override
    public Integer call() {
        Warehouse wh = spark.open();
        if (reportOnly) {
            commandSpec.commandLine().getOut().print(QualityReport.render(wh, runId));
            return 0;
        }
        LocalDate day = asOf != null ? asOf : LocalDate.now(ZoneOffset.UTC);
        String batch = batchId != null ? batchId : day.toString();
        String run = runId != null ? runId
                : "quality-" + java.time.LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss"));
        QualityConfig cfg = QualityConfig.defaults();
        List<CheckOutcome> blocking;
        if (outputs) {
            OutputAudit.AuditResult r = OutputAudit.audit(wh, run, batch, cfg);
            blocking = r.outcomes().stream().filter(o -> !o.passed() && cfg.blocks(o.level())).toList();
        } else {
            GateResult r = QualityGate.evaluate(wh, Contract.standard(), day, run, batch, cfg);
            blocking = r.blockingFailures(cfg);
            r.release();
        }
        commandSpec.commandLine().getOut().print(QualityReport.render(wh, run));
        if (!blocking.isEmpty()) {
            var err = commandSpec.commandLine().getErr();
            err.println("quality gate BLOCKED publication (" + blocking.size() + " failed check(s)):");
            blocking.forEach(o -> err.println("  " + o.describe()));
            return Main.EXIT_QUALITY_BLOCKED;
        }
        return 0;
    }
}
