package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.spark.SparkSessionProvider;
import io.mentoringoutcomes.spark.Warehouse;
import picocli.CommandLine.Option;

/** Where the warehouse is and which Spark runs on it: shared by every command that opens Spark. */
public final class SparkOptions {

    @Option(names = "--warehouse", defaultValue = "warehouse",
            description = "Warehouse root: a local folder, s3a://, hdfs:// (default: ${DEFAULT-VALUE}).")
    public String warehouse;

    @Option(names = "--master",
            description = "Spark master URL (default: what spark-submit set, else local[*]).")
    public String master;

    @Option(names = "--shuffle-partitions",
            description = "Shuffle partitions (default: 4 on local masters, 200 on clusters).")
    public Integer shufflePartitions;

    public Warehouse open() {
        return new Warehouse(SparkSessionProvider.getOrCreate(master, partitions()), warehouse);
    }

    public int partitions() {
        return shufflePartitions != null ? shufflePartitions : SparkSessionProvider.defaultShufflePartitions(master);
    }
}
