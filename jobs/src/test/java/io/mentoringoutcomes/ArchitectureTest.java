package io.mentoringoutcomes;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import io.delta.tables.DeltaTable;
import io.mentoringoutcomes.ingest.LandingReader;
import io.mentoringoutcomes.metrics.Calibration;
import io.mentoringoutcomes.metrics.MetricsJob;
import io.mentoringoutcomes.metrics.Pseudonymizer;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.quality.DeequAdapter;
import io.mentoringoutcomes.spark.Checkpoints;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the README states (Tests, "The layering"), checked on the compiled main classes.
 * Where today's code breaks a rule, the exception is named here with the reason, so that it cannot
 * grow unnoticed; every other class is held to the rule.
 */
class ArchitectureTest {

    private static final String ROOT = "io.mentoringoutcomes";
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(ROOT);
    }

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    /** The command line sits on top: nothing below it knows it exists. */
    @Test
    void nothingDependsOnTheCommandLine() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(pkg("cli"))
                .should()
                .dependOnClassesThat()
                .resideInAPackage(pkg("cli"));
        rule.check(main);
    }

    /**
     * Below the command line, progress goes through SLF4J (log format, MDC) rather than the standard
     * streams. The one exception prints a result, not progress: the quality stage's report.
     */
    @Test
    void onlyTheCommandLinePrintsToTheStandardStreams() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(pkg("cli"))
                .and()
                .doNotBelongToAnyOf(Pipeline.class)
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS);
        rule.check(main);
    }

    /** One place builds Spark, with the settings the figures depend on (SparkSessionProvider). */
    @Test
    void onlyTheSparkPackageBuildsASparkSession() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(pkg("spark"))
                .should()
                .callMethod(SparkSession.class, "builder")
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(SparkSession.Builder.class);
        rule.check(main);
    }

    /**
     * Tables are opened, read by path and written only by {@link Warehouse} (Delta, its retention
     * properties and protocol). Others get a DeltaTable handle from {@code Warehouse.deltaTable} for
     * deletes, merges and history, and read landing files (not tables) in LandingReader.
     */
    @Test
    void onlyWarehouseOpensAndWritesTables() {
        ArchRule rule = noClasses()
                .that()
                .doNotBelongToAnyOf(Warehouse.class)
                .should()
                .callMethodWhere(target(owner(assignableTo(DeltaTable.class)))
                        .and(target(nameMatching(
                                "forPath|forName|create.*|replace|createOrReplace|convertToDelta|" + "isDeltaTable"))))
                .orShould()
                .callMethodWhere(target(owner(assignableTo(DataFrameWriter.class)))
                        .and(target(nameMatching("save|saveAsTable|insertInto"))))
                .orShould()
                .dependOnClassesThat()
                .areAssignableTo(DataFrameWriterV2.class);
        rule.check(main);
        // Reading by path: tables through Warehouse, landing files (csv, jsonl, parquet) through LandingReader.
        ArchRule reads = noClasses()
                .that()
                .doNotBelongToAnyOf(Warehouse.class, LandingReader.class)
                .should()
                .callMethodWhere(
                        target(owner(assignableTo(DataFrameReader.class))).and(target(nameMatching("load|table"))));
        reads.check(main);
    }

    /** Delta's own classes are the spark package's business; elsewhere only the io.delta.tables handle. */
    @Test
    void deltaClassesAreUsedOnlyThroughTheWarehouse() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(pkg("spark"))
                .should()
                .dependOnClassesThat(resideInAPackage("io.delta..").and(not(resideInAPackage("io.delta.tables"))));
        rule.check(main);
    }

    /** Deequ (a Scala API with its own conventions) is wrapped once. */
    @Test
    void onlyDeequAdapterCallsDeequ() {
        ArchRule rule = noClasses()
                .that()
                .doNotBelongToAnyOf(DeequAdapter.class)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.amazon.deequ..");
        rule.check(main);
    }

    /**
     * Metrics transforms are Dataset to Dataset: they do not read or write the warehouse, nor know
     * the stages around them. The jobs that do are MetricsJob (silver in, staging out) and
     * Calibration (whole generated nights); Pseudonymizer reads its key file beside the warehouse.
     * Transforms may cut a frame's lineage through {@link Checkpoints} (Spark plumbing, not storage).
     */
    @Test
    void metricsTransformsDoNotTouchTheWarehouse() {
        ArchRule rule = noClasses()
                .that()
                .resideInAPackage(ROOT + ".metrics")
                .and()
                .doNotBelongToAnyOf(MetricsJob.class, Calibration.class, Pseudonymizer.class)
                .should()
                .dependOnClassesThat(
                        resideInAnyPackage(pkg("spark"), pkg("pipeline"), pkg("ingest"), pkg("publish"), "io.delta..")
                                .and(not(belongToAnyOf(Checkpoints.class))));
        rule.check(main);
    }

    /**
     * No cycles between packages. The run's record (StageLog, RunContext, PipelineRuns) lives in
     * {@code runs}, below the stages that write to it, so {@code pipeline} only orchestrates; the
     * settings records (MetricsConfig, QualityConfig, Level) live in {@code config}, which depends on
     * no stage. The output audit (quality) calls DisclosureAudit, which reports in its own terms
     * (violations per table), so disclosure does not depend on quality.
     */
    @Test
    void packagesHaveNoCycles() {
        ArchRule rule = slices().matching(ROOT + ".(*)..").should().beFreeOfCycles();
        rule.check(main);
    }
    /**
     * The layers, top to bottom: the command line; what reads published nights (serve, report) and the
     * Airflow trigger; the pipeline, which orchestrates the stages, publishing included; publish; the
     * stages (ingest, quality, metrics, disclosure, and the generator the calibration reuses); the
     * run's record and settings (runs, config); the base (spark, contract). A layer may use only
     * layers below it (stages may use each other: quality's audit calls disclosure's). The issue's
     * sketch put publish above pipeline; here pipeline calls Publisher as its last stage, and serve and
     * report read publications without knowing the pipeline, so publish sits below it.
     */
    @Test
    void layersDependOnlyDownwards() {
        ArchRule rule = layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("cli")
                .definedBy(pkg("cli"))
                .layer("readers")
                .definedBy(pkg("serve"), pkg("report"), pkg("trigger"))
                .layer("pipeline")
                .definedBy(pkg("pipeline"))
                .layer("publish")
                .definedBy(pkg("publish"))
                .layer("stages")
                .definedBy(pkg("ingest"), pkg("quality"), pkg("metrics"), pkg("disclosure"), pkg("generate"))
                .layer("record")
                .definedBy(pkg("runs"), pkg("config"))
                .layer("base")
                .definedBy(pkg("spark"), pkg("contract"))
                .whereLayer("cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("readers")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("pipeline")
                .mayOnlyBeAccessedByLayers("cli")
                .whereLayer("publish")
                .mayOnlyBeAccessedByLayers("cli", "readers", "pipeline")
                .whereLayer("stages")
                .mayOnlyBeAccessedByLayers("cli", "readers", "pipeline", "stages")
                .whereLayer("record")
                .mayOnlyBeAccessedByLayers("cli", "readers", "pipeline", "publish", "stages", "record")
                .whereLayer("base")
                .mayOnlyBeAccessedByLayers("cli", "readers", "pipeline", "publish", "stages", "record", "base");
        rule.check(main);
    }
}
