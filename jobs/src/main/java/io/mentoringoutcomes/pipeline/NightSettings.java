package io.mentoringoutcomes.pipeline;

import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;

/**
 * The privacy threshold of a night, for the steps that describe what its metrics computed: the
 * output audit checks staging with the k the metrics stage suppressed with, and the report names
 * the k of the night it shows. Both read it from ops.pipeline_runs, not from today's settings.
 */
public final class NightSettings {

    private NightSettings() {}

    /**
     * The run's settings with the recorded threshold of its night's metrics stage. A flag that
     * asks for another threshold is refused: auditing with a k the figures were not suppressed
     * with would either block a sound night or pass one it should not.
     */
    public static Settings forAudit(RunContext ctx, Integer flagMinGroupSize) {
        return PipelineRuns.recordedSettings(ctx.warehouse(), ctx.runId(), ctx.batchId())
                .map(recorded -> {
                    int k = recorded.minGroupSize();
                    refuseOther(flagMinGroupSize, k, "the night " + ctx.batchId());
                    // Never below this run's own threshold: a metrics stage run with a smaller k (or an
                    // edited ops row) is audited at the larger one, so it blocks rather than publishes.
                    return k >= ctx.settings().minGroupSize()
                            ? ctx.settings().withMinGroupSize(k, "recorded by the metrics stage")
                            : ctx.settings();
                })
                .orElse(ctx.settings());
    }

    /**
     * The threshold a published night was computed with (by a metrics stage finished before it was
     * published); the settings' own for a night that recorded none.
     */
    public static int minGroupSize(
            Warehouse wh,
            String runId,
            String batchId,
            java.sql.Timestamp publishedAt,
            Settings settings,
            Integer flag) {
        return PipelineRuns.recordedSettings(wh, runId, batchId, publishedAt)
                .map(recorded -> {
                    refuseOther(flag, recorded.minGroupSize(), "the night " + batchId);
                    return recorded.minGroupSize();
                })
                .orElse(settings.minGroupSize());
    }

    private static void refuseOther(Integer flag, int recorded, String night) {
        if (flag != null && flag != recorded) {
            throw new Settings.ConfigException("--min-group-size " + flag + " (command line): " + night
                    + "'s metrics ran with privacy.min_group_size = " + recorded
                    + " (ops.pipeline_runs); drop the flag, or re-run metrics with the threshold you want");
        }
    }
}
