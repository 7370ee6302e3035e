package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.Settings;
import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Option;

/** Where the warehouse is and which Spark runs on it: shared by every command that opens Spark. */
public final class SparkOptions {

    @Option(
            names = "--warehouse",
            defaultValue = "warehouse",
            description = "Warehouse root: a local folder, s3a://, hdfs:// (default: ${DEFAULT-VALUE}).")
    public String warehouse;

    @Option(names = "--master", description = "Spark master URL (default: what spark-submit set, else local[*]).")
    public String master;

    @Option(
            names = "--shuffle-partitions",
            description = "Shuffle partitions (default: 4 on local masters, 200 on clusters).")
    public Integer shufflePartitions;

    public Warehouse open() {
        return open(Settings.defaults());
    }

    /**
     * Opens Spark on the warehouse. Shuffle partitions: this command's flag, else what spark-submit's
     * --conf set, else the configuration file's spark.shuffle_partitions, else the master's default.
     */
    public Warehouse open(Settings settings) {
        int configured =
                settings.shufflePartitions().orElseGet(() -> SparkSessionProvider.defaultShufflePartitions(master));
        var session = SparkSessionProvider.getOrCreate(master, configured);
        if (shufflePartitions != null) {
            session.conf().set("spark.sql.shuffle.partitions", shufflePartitions.longValue());
        }
        return new Warehouse(session, warehouse);
    }
}
