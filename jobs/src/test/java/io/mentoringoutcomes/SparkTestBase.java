package io.mentoringoutcomes;

import io.mentoringoutcomes.spark.SparkSessionProvider;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * One SparkSession for the whole test JVM, built by the production provider, so tests
 * run with the settings production runs with.
 */
public abstract class SparkTestBase {

    protected static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSessionProvider.getOrCreate("local[2]", 2);
    }

    /** The repository's root, for sample-data and schemas. */
    protected static Path projectRoot() {
        return Path.of(System.getProperty("project.root", ".."))
                .toAbsolutePath()
                .normalize();
    }
}
