package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.publish.GoldSource;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Option;

/** {@code --as-reported-on DATE}: one declaration for query, report, export and serve. */
public final class AsReportedOnOption {

    @Option(
            names = "--as-reported-on",
            paramLabel = "DATE",
            description =
                    "Gold exactly as published for that night: the latest successful publish with as_of "
                            + "on or before DATE (YYYY-MM-DD), read by Delta time travel (default: the latest published night).")
    public String date;

    /** Gold as the option asks: that night's versions, or the current tables. */
    public GoldSource source(Warehouse wh) {
        return GoldSource.of(wh, date);
    }
}
