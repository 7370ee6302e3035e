package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.metrics.MetricsConfig;
import picocli.CommandLine.Option;

import java.util.List;

/** The outcome tables' assumptions; each default is documented in the README and in MetricsConfig. */
public final class MetricsOptions {

    @Option(names = "--min-group-size", defaultValue = "10",
            description = "Suppress figures computed from fewer employees (default: ${DEFAULT-VALUE}).")
    int minGroupSize;

    @Option(names = "--overhead-rate", defaultValue = "0.25",
            description = "Benefits and overhead on top of salary for loaded hourly cost (default: ${DEFAULT-VALUE}).")
    double overheadRate;

    @Option(names = "--hours-per-year", defaultValue = "2080", description = "Paid hours a year (default: ${DEFAULT-VALUE}).")
    double hoursPerYear;

    @Option(names = "--replacement-cost-ratio", defaultValue = "0.21",
            description = "Replacement cost of a leaver as a share of salary (default: ${DEFAULT-VALUE}, CAP median).")
    double replacementCostRatio;

    @Option(names = "--replacement-cost-grid", split = ",", defaultValue = "0.21,0.5,1.0,2.0",
            description = "ROI sensitivity grid of replacement cost ratios (default: ${DEFAULT-VALUE}).")
    List<Double> replacementCostGrid;

    @Option(names = "--roi-window-months", defaultValue = "12",
            description = "ROI cohort: mentees whose time zero lies in this many calendar months, ending where "
                    + "12 months of follow-up are complete (default: ${DEFAULT-VALUE}).")
    int roiWindowMonths;

    public MetricsConfig config() {
        MetricsConfig d = MetricsConfig.defaults();
        return new MetricsConfig(minGroupSize, overheadRate, hoursPerYear, replacementCostRatio, replacementCostGrid,
                d.roiHorizonMonths(), roiWindowMonths, d.retentionHorizonsMonths(), d.promotionHorizonsMonths());
    }
}
