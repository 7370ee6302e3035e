package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;

import io.mentoringoutcomes.LocalFolders;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.generate.GeneratorSettings;
import io.mentoringoutcomes.generate.OrganisationGenerator;
import io.mentoringoutcomes.ingest.LandingFile;
import io.mentoringoutcomes.ingest.LandingReader;
import io.mentoringoutcomes.ingest.RowTyper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Calibration of the published intervals: generates organisations with planted effects (different
 * seeds), runs the estimators on in-memory frames (no Delta), and counts how often the 95%
 * intervals cover the planted truth, for the matched 12-month retention difference (ALL programs)
 * and the engagement difference-in-differences (ALL, matched; truth {@code engagement_did_att}, the
 * planted effect as the published 1-5 scores carry it, which the ceiling at 5 makes smaller than the
 * latent +0.30). A 95% interval that is honest
 * covers the truth in about 95% of organisations; the bar is 90-99%.
 */
public final class Calibration {

    /** One organisation's estimates and truths; estimate fields null when not estimable. */
    public record Organisation(
            long seed,
            double retentionTruth,
            Double retentionDifference,
            Double retentionLow,
            Double retentionHigh,
            double didTruth,
            Double did,
            Double didLow,
            Double didHigh,
            double seconds,
            Double retentionComparatorsKept) {
        boolean retentionCovered() {
            return retentionLow != null && retentionLow <= retentionTruth && retentionTruth <= retentionHigh;
        }

        boolean didCovered() {
            return didLow != null && didLow <= didTruth && didTruth <= didHigh;
        }
    }

    /** Coverage and mean width per figure over the organisations where it was estimable. */
    public record Summary(List<Organisation> organisations) {
        public int retentionEstimable() {
            return (int)
                    organisations.stream().filter(o -> o.retentionLow() != null).count();
        }

        public double retentionCoverage() {
            return organisations.stream().filter(Organisation::retentionCovered).count()
                    / (double) retentionEstimable();
        }

        public double retentionMeanWidth() {
            return organisations.stream()
                    .filter(o -> o.retentionLow() != null)
                    .mapToDouble(o -> o.retentionHigh() - o.retentionLow())
                    .average()
                    .orElse(Double.NaN);
        }

        public double retentionMeanError() {
            return organisations.stream()
                    .filter(o -> o.retentionDifference() != null)
                    .mapToDouble(o -> o.retentionDifference() - o.retentionTruth())
                    .average()
                    .orElse(Double.NaN);
        }

        /** Mean error of the sensitivity that keeps comparators who later join ({@link ComparatorsKept}). */
        public double retentionKeptMeanError() {
            return organisations.stream()
                    .filter(o -> o.retentionComparatorsKept() != null)
                    .mapToDouble(o -> o.retentionComparatorsKept() - o.retentionTruth())
                    .average()
                    .orElse(Double.NaN);
        }

        public int didEstimable() {
            return (int) organisations.stream().filter(o -> o.didLow() != null).count();
        }

        public double didCoverage() {
            return organisations.stream().filter(Organisation::didCovered).count() / (double) didEstimable();
        }

        public double didMeanWidth() {
            return organisations.stream()
                    .filter(o -> o.didLow() != null)
                    .mapToDouble(o -> o.didHigh() - o.didLow())
                    .average()
                    .orElse(Double.NaN);
        }

        public double didMeanError() {
            return organisations.stream()
                    .filter(o -> o.did() != null)
                    .mapToDouble(o -> o.did() - o.didTruth())
                    .average()
                    .orElse(Double.NaN);
        }
    }

    private Calibration() {}

    /** Runs {@code count} organisations with seeds firstSeed, firstSeed + 1, ... and reports each to {@code progress}. */
    public static Summary run(
            SparkSession spark,
            int employees,
            long firstSeed,
            int count,
            Path scratch,
            Consumer<Organisation> progress) {
        List<Organisation> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GeneratorSettings s = GeneratorSettings.of(
                    employees, firstSeed + i, GeneratorSettings.DEFAULT_START, GeneratorSettings.DEFAULT_AS_OF, false);
            Organisation o = one(spark, s, scratch.resolve("org-" + s.seed()));
            progress.accept(o);
            out.add(o);
        }
        return new Summary(out);
    }

    /** Generates one organisation into {@code dir} (deleted afterwards) and estimates on it. */
    public static Organisation one(SparkSession spark, GeneratorSettings settings, Path dir) {
        long t0 = System.nanoTime();
        OrganisationGenerator.Result generated = new OrganisationGenerator(settings.withDefects(false)).generate(dir);
        try {
            Contract contract = Contract.standard();
            Dataset<Row> employees = read(spark, contract, dir, "hris_employees");
            Dataset<Row> matches = read(spark, contract, dir, "matches");
            Dataset<Row> meetings = read(spark, contract, dir, "meetings");
            Dataset<Row> participants = read(spark, contract, dir, "participants");
            Dataset<Row> surveys = read(spark, contract, dir, "surveys");
            // Department and level at index from the generated job history, as a night with it delivered.
            Dataset<Row> jobEvents = read(spark, contract, dir, "hris_job_events");
            Dataset<Row> cohort = io.mentoringoutcomes.spark.Checkpoints.cut(CohortMatcher.build(
                    matches, meetings, participants, employees, java.util.Optional.of(jobEvents), settings.asOf()));
            try {
                Row retention = first(RetentionSummary.summary(cohort, List.of(12), 1, settings.asOf())
                        .filter(allMatchedMentee()));
                Row kept = first(RetentionSummary.summary(
                                ComparatorsKept.frame(cohort, employees, settings.asOf()),
                                List.of(12),
                                1,
                                settings.asOf())
                        .filter(allMatchedMentee()));
                Row did = first(SatisfactionSummary.engagementDid(
                                SatisfactionSummary.answersAroundIndex(cohort, surveys, matches, settings.asOf()))
                        .filter(allMatchedMentee()));
                return new Organisation(
                        settings.seed(),
                        ((Number) generated.truths().get("retention_difference_12m_att")).doubleValue(),
                        get(retention, "difference"),
                        get(retention, "difference_ci_low"),
                        get(retention, "difference_ci_high"),
                        ((Number) generated.truths().get("engagement_did_att")).doubleValue(),
                        get(did, "difference"),
                        get(did, "difference_ci_low"),
                        get(did, "difference_ci_high"),
                        (System.nanoTime() - t0) / 1e9,
                        get(kept, "difference"));
            } finally {
                io.mentoringoutcomes.spark.Checkpoints.release(cohort);
            }
        } finally {
            LocalFolders.deleteRecursively(dir);
        }
    }

    private static Column allMatchedMentee() {
        return col("program_id")
                .equalTo(CohortBuilder.ALL)
                .and(col("method").equalTo("matched"))
                .and(col("cohort").equalTo("mentee"));
    }

    /** A generated dataset as the contract types it (the generator's clean files parse whole). */
    static Dataset<Row> read(SparkSession spark, Contract contract, Path dir, String dataset) {
        DatasetContract c = contract.dataset(dataset);
        Dataset<Row> all = null;
        for (LandingFile f : LandingFile.find(spark.sparkContext().hadoopConfiguration(), dir.toString(), dataset)) {
            Dataset<Row> typed = RowTyper.withTypedColumns(
                            LandingReader.read(spark, f, c).rows(), c)
                    .select(KaplanMeier.cols(c.columnNames()).toArray(new Column[0]));
            all = all == null ? typed : all.unionByName(typed);
        }
        if (all == null) {
            throw new IllegalStateException("the generator wrote no " + dataset + " under " + dir);
        }
        return all;
    }

    private static Row first(Dataset<Row> df) {
        List<Row> rows = df.collectAsList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static Double get(Row r, String column) {
        if (r == null || r.isNullAt(r.fieldIndex(column))) {
            return null;
        }
        return ((Number) r.getAs(column)).doubleValue();
    }

    /** The calibration as Markdown: one row per organisation, then coverage and mean width. */
    public static String markdown(Summary s, int employees, String command) {
        StringBuilder md = new StringBuilder();
        md.append(
                "| seed | retention 12m truth | estimate | 95% CI | covered | engagement DiD truth | estimate | 95% CI | covered | seconds |\n");
        md.append("|---:|---:|---:|---|:-:|---:|---:|---|:-:|---:|\n");
        for (Organisation o : s.organisations()) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.4f | %s | %s | %s | %.4f | %s | %s | %s | %.0f |%n",
                    o.seed(),
                    o.retentionTruth(),
                    fmt(o.retentionDifference()),
                    ci(o.retentionLow(), o.retentionHigh()),
                    o.retentionLow() == null ? "–" : o.retentionCovered() ? "yes" : "**no**",
                    o.didTruth(),
                    fmt(o.did()),
                    ci(o.didLow(), o.didHigh()),
                    o.didLow() == null ? "–" : o.didCovered() ? "yes" : "**no**",
                    o.seconds()));
        }
        md.append('\n');
        md.append(String.format(
                Locale.ROOT,
                "- 12-month retention difference (ALL, matched): coverage %d/%d = %.1f%%, "
                        + "mean CI width %.4f, mean error (estimate − truth) %+.4f%n",
                s.organisations().stream()
                        .filter(Organisation::retentionCovered)
                        .count(),
                s.retentionEstimable(),
                100 * s.retentionCoverage(),
                s.retentionMeanWidth(),
                s.retentionMeanError()));
        md.append(String.format(
                Locale.ROOT,
                "- Sensitivity, comparators who later join kept (not censored): "
                        + "mean error of the 12-month retention difference %+.4f (censored, as published: %+.4f)%n",
                s.retentionKeptMeanError(),
                s.retentionMeanError()));
        md.append(String.format(
                Locale.ROOT,
                "- Engagement DiD (ALL, matched): coverage %d/%d = %.1f%%, mean CI width %.4f, " + "mean error %+.4f%n",
                s.organisations().stream().filter(Organisation::didCovered).count(),
                s.didEstimable(),
                100 * s.didCoverage(),
                s.didMeanWidth(),
                s.didMeanError()));
        md.append(String.format(
                Locale.ROOT,
                "- %d organisations of %d employees; command: `%s`%n",
                s.organisations().size(),
                employees,
                command));
        return md.toString();
    }

    private static String fmt(Double d) {
        return d == null ? "–" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String ci(Double lo, Double hi) {
        return lo == null ? "–" : String.format(Locale.ROOT, "[%.4f, %.4f]", lo, hi);
    }
}
