package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.Setting;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * The outcome tables' assumptions on the command line. Each overrides the configuration file's
 * setting of the same meaning ({@link Setting}); unset, the file's value or the default applies.
 */
public final class MetricsOptions {

    @Option(
            names = "--min-group-size",
            description = "privacy.min_group_size: suppress figures about fewer people (default: 10).")
    Integer minGroupSize;

    @Option(
            names = "--overhead-rate",
            description = "roi.overhead_rate: benefits and overhead on top of salary (default: 0.25).")
    Double overheadRate;

    @Option(names = "--hours-per-year", description = "roi.hours_per_year: paid hours a year (default: 2080).")
    Double hoursPerYear;

    @Option(
            names = "--replacement-cost-ratio",
            description =
                    "roi.replacement_cost_ratio: replacement cost of a leaver as a share of salary (default: 0.21, CAP median).")
    Double replacementCostRatio;

    @Option(
            names = "--replacement-cost-grid",
            split = ",",
            description =
                    "roi.replacement_cost_grid: ROI sensitivity grid of replacement cost ratios (default: 0.21,0.5,1.0,2.0).")
    List<Double> replacementCostGrid;

    @Option(
            names = "--roi-window-months",
            description =
                    "roi.window_months: the ROI cohort's mentees have their time zero in this many calendar months, "
                            + "ending where 12 months of follow-up are complete (default: 12).")
    Integer roiWindowMonths;

    /** The flags given, as text for {@link io.mentoringoutcomes.config.Settings#resolve} to check like the file's values. */
    public Map<Setting, String> flags() {
        Map<Setting, String> flags = new EnumMap<>(Setting.class);
        if (minGroupSize != null) {
            flags.put(Setting.MIN_GROUP_SIZE, String.valueOf(minGroupSize));
        }
        if (overheadRate != null) {
            flags.put(Setting.OVERHEAD_RATE, plain(overheadRate));
        }
        if (hoursPerYear != null) {
            flags.put(Setting.HOURS_PER_YEAR, plain(hoursPerYear));
        }
        if (replacementCostRatio != null) {
            flags.put(Setting.REPLACEMENT_COST_RATIO, plain(replacementCostRatio));
        }
        if (roiWindowMonths != null) {
            flags.put(Setting.ROI_WINDOW_MONTHS, String.valueOf(roiWindowMonths));
        }
        if (replacementCostGrid != null) {
            flags.put(
                    Setting.REPLACEMENT_COST_GRID,
                    replacementCostGrid.stream().map(MetricsOptions::plain).collect(Collectors.joining(",")));
        }
        return flags;
    }

    private static String plain(Double d) {
        return java.math.BigDecimal.valueOf(d).toPlainString();
    }
}
