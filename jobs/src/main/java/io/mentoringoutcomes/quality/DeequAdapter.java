package io.mentoringoutcomes.quality;

import com.amazon.deequ.AnomalyCheckConfig;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.VerificationRunBuilderWithRepository;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Compliance;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.anomalydetection.AbsoluteChangeStrategy;
import com.amazon.deequ.anomalydetection.AnomalyDetectionStrategy;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.AnalysisResultSerde$;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.memory.InMemoryMetricsRepository;
import io.mentoringoutcomes.config.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * The only class that speaks Deequ's Scala API. Everything else states constraints in the
 * contract's terms ({@link Constraint}, {@link Anomaly}) and gets {@link CheckOutcome}s back.
 *
 * <p>Night-over-night history: Deequ's anomaly checks read a {@code MetricsRepository}. Deequ 2.1.0's
 * {@code FileSystemMetricsRepository} rewrites one JSON file per save (single writer) and its
 * {@code SparkTableMetricsRepository} writes a catalog table outside the warehouse (and prints the
 * schema on every load). So the history lives in the Delta table {@code ops.dq_metrics} (appends,
 * safe for concurrent writers) as Deequ's own serialized {@code AnalysisResult} JSON; for each run the
 * adapter loads the relevant history into an {@code InMemoryMetricsRepository} and hands back
 * tonight's serialized metrics for the caller to append.
 */
public final class DeequAdapter {

    private static final double EPSILON = 1e-9;

    private DeequAdapter() {}

    /** A dataset-level constraint, in the contract's terms. */
    public record Constraint(
            String name,
            Level level,
            Kind kind,
            List<String> columns,
            String condition,
            List<String> allowed,
            double minRatio,
            String filter) {
        public enum Kind {
            NOT_EMPTY,
            COMPLETE,
            DISTINCT,
            ALLOWED,
            SATISFIES
        }

        public Constraint(
                String name,
                Level level,
                Kind kind,
                List<String> columns,
                String condition,
                List<String> allowed,
                double minRatio) {
            this(name, level, kind, columns, condition, allowed, minRatio, null);
        }

        public static Constraint notEmpty(String name, Level level) {
            return new Constraint(name, level, Kind.NOT_EMPTY, List.of(), null, List.of(), 1.0);
        }

        public static Constraint complete(String name, Level level, String column, double minRatio) {
            return new Constraint(name, level, Kind.COMPLETE, List.of(column), null, List.of(), minRatio);
        }

        /** Distinct key values / rows at least {@code minRatio}: 1 - share of surplus copies. */
        public static Constraint distinct(String name, Level level, List<String> columns, double minRatio) {
            return new Constraint(name, level, Kind.DISTINCT, columns, null, List.of(), minRatio);
        }

        public static Constraint allowed(
                String name, Level level, String column, List<String> values, double minRatio) {
            return new Constraint(name, level, Kind.ALLOWED, List.of(column), null, values, minRatio);
        }

        /** Share of rows for which {@code condition} is true at least {@code minRatio}. */
        public static Constraint satisfies(String name, Level level, String condition, double minRatio) {
            return new Constraint(name, level, Kind.SATISFIES, List.of(), condition, List.of(), minRatio);
        }

        /** Share of the rows matching {@code filter} for which {@code condition} is true at least {@code minRatio}. */
        public static Constraint satisfies(String name, Level level, String condition, String filter, double minRatio) {
            return new Constraint(name, level, Kind.SATISFIES, List.of(), condition, List.of(), minRatio, filter);
        }

        String thresholdText() {
            return kind == Kind.NOT_EMPTY ? "rows >= 1" : ">= " + QualityReport.figure(minRatio);
        }
    }

    /** A night-over-night check on a metric of the batch. */
    public record Anomaly(String name, Level level, Metric metric, String predicate, double maxChange) {
        public enum Metric {
            ROW_COUNT,
            COMPLIANCE
        }

        /** The row count may not fall by more than {@code maxRateDecrease} (relative) vs the previous night. */
        public static Anomaly rowCountDrop(String name, Level level, double maxRateDecrease) {
            return new Anomaly(name, level, Metric.ROW_COUNT, null, maxRateDecrease);
        }

        /** The share of rows with {@code predicate} true may not rise by more than {@code maxIncrease} (absolute). */
        public static Anomaly shareRise(String name, Level level, String predicate, double maxIncrease) {
            return new Anomaly(name, level, Metric.COMPLIANCE, predicate, maxIncrease);
        }

        String thresholdText() {
            return metric == Metric.ROW_COUNT
                    ? "drop <= " + QualityReport.figure(maxChange * 100) + "% vs previous night"
                    : "rise <= " + QualityReport.figure(maxChange) + " vs previous night";
        }
    }

    /** What one verification run gives back. */
    public record Verification(List<CheckOutcome> outcomes, String metricsJson, Map<String, Double> metrics) {
        public Verification(List<CheckOutcome> outcomes, String metricsJson) {
            this(outcomes, metricsJson, Map.of());
        }

        /** Row count of the verified data (Deequ's Size, always computed); null when it failed. */
        public Double rows() {
            return metrics.get(new Size(Option.empty()).toString());
        }

        /** A metric of an analyzer passed in {@code measured}, by the analyzer's description. */
        public Double metric(Analyzer<?, ?> analyzer) {
            return metrics.get(analyzer.toString());
        }
    }

    /**
     * Runs every constraint and anomaly check on {@code data} in one Deequ verification.
     *
     * @param history    serialized metrics of previous nights of this dataset (oldest first), from
     *                   {@link Verification#metricsJson()} of earlier runs; anomaly checks are skipped
     *                   (reported as passed with "no history") when there is none
     * @param dataTime   tonight's time (epoch millis), stored with tonight's metrics
     */
    public static Verification verify(
            String dataset,
            Dataset<Row> data,
            List<Constraint> constraints,
            List<Anomaly> anomalies,
            List<String> history,
            long dataTime) {
        return verify(dataset, data, constraints, anomalies, history, dataTime, List.of());
    }

    /**
     * As {@link #verify(String, Dataset, List, List, List, long)}, also computing {@code measured}
     * (and the row count) in the same pass; their values come back in {@link Verification#metrics()}.
     */
    public static Verification verify(
            String dataset,
            Dataset<Row> data,
            List<Constraint> constraints,
            List<Anomaly> anomalies,
            List<String> history,
            long dataTime,
            List<Analyzer<?, ?>> measured) {
        Map<Check, Object> mine = new LinkedHashMap<>();
        for (Constraint c : constraints) {
            mine.put(toCheck(c), c);
        }
        InMemoryMetricsRepository repo = new InMemoryMetricsRepository();
        for (String json : history) {
            for (AnalysisResult r : JavaConverters.seqAsJavaList(AnalysisResultSerde$.MODULE$.deserialize(json))) {
                repo.save(r.resultKey(), r.analyzerContext());
            }
        }
        scala.collection.immutable.Map<String, String> tags =
                new scala.collection.immutable.Map.Map1<>("dataset", dataset);
        VerificationRunBuilder builder = new VerificationSuite().onData(data);
        for (Check check : mine.keySet()) {
            builder = builder.addCheck(check);
        }
        List<Analyzer<?, ?>> tracked = new ArrayList<>();
        List<CheckOutcome> skipped = new ArrayList<>();
        VerificationRunBuilderWithRepository withRepo = builder.useRepository(repo);
        // scan-shareable analyzers: computed in the same pass as the checks
        withRepo.addRequiredAnalyzer(raw(new Size(Option.empty())));
        for (Analyzer<?, ?> m : measured) {
            withRepo.addRequiredAnalyzer(raw(m));
        }
        for (Anomaly a : anomalies) {
            Analyzer<?, ?> analyzer = analyzer(a);
            tracked.add(analyzer);
            withRepo.addRequiredAnalyzer(raw(analyzer));
            if (hasHistory(repo, analyzer, tags)) {
                AnomalyCheckConfig config =
                        new AnomalyCheckConfig(level(a.level()), a.name(), tags, Option.empty(), Option.empty());
                withRepo = withRepo.addAnomalyCheck(strategy(a), raw(analyzer), Option.apply(config));
            } else {
                skipped.add(new CheckOutcome(
                        dataset,
                        a.name(),
                        analyzer.toString(),
                        a.level(),
                        true,
                        null,
                        a.thresholdText(),
                        "no stored metrics from previous nights yet"));
            }
        }
        VerificationResult result = withRepo.run();

        Map<String, Double> metricByAnalyzer = new LinkedHashMap<>();
        for (Tuple2<Analyzer<?, Metric<?>>, Metric<?>> e :
                JavaConverters.seqAsJavaList(result.metrics().toSeq())) {
            metricByAnalyzer.put(e._1().toString(), value(e._2()));
        }
        List<CheckOutcome> outcomes = new ArrayList<>();
        Map<Check, CheckResult> results = JavaConverters.mapAsJavaMap(result.checkResults());
        for (Map.Entry<Check, Object> e : mine.entrySet()) {
            Constraint c = (Constraint) e.getValue();
            outcomes.add(outcome(dataset, c.name(), c.level(), c.thresholdText(), results.get(e.getKey())));
        }
        for (Map.Entry<Check, CheckResult> e : results.entrySet()) {
            if (!mine.containsKey(e.getKey())) { // an anomaly check: its description is our name
                Anomaly a = anomalies.stream()
                        .filter(x -> x.name().equals(e.getKey().description()))
                        .findFirst()
                        .orElseThrow();
                CheckOutcome o = outcome(dataset, a.name(), a.level(), a.thresholdText(), e.getValue());
                Double current = metricByAnalyzer.get(analyzer(a).toString());
                outcomes.add(new CheckOutcome(
                        o.dataset(),
                        o.check(),
                        o.constraint(),
                        o.level(),
                        o.passed(),
                        current,
                        o.threshold(),
                        o.passed() ? o.message() : "anomalous vs stored history: " + o.message()));
            }
        }
        outcomes.addAll(skipped);

        // tonight's tracked metrics, in Deequ's own serialization, for the caller to store
        Map<Analyzer<?, Metric<?>>, Metric<?>> all = JavaConverters.mapAsJavaMap(result.metrics());
        scala.collection.immutable.Map<Analyzer<?, Metric<?>>, Metric<?>> keep =
                new scala.collection.immutable.HashMap<>();
        for (Map.Entry<Analyzer<?, Metric<?>>, Metric<?>> e : all.entrySet()) {
            if (tracked.contains(e.getKey()) && e.getValue().value().isSuccess()) {
                keep = keep.$plus(new Tuple2<>(e.getKey(), e.getValue()));
            }
        }
        String json = null;
        if (!keep.isEmpty()) {
            AnalysisResult tonight = new AnalysisResult(new ResultKey(dataTime, tags), new AnalyzerContext(keep));
            json = AnalysisResultSerde$.MODULE$.serialize(
                    JavaConverters.asScalaBuffer(List.of(tonight)).toSeq());
        }
        return new Verification(outcomes, json, metricByAnalyzer);
    }

    private static boolean hasHistory(
            InMemoryMetricsRepository repo,
            Analyzer<?, ?> analyzer,
            scala.collection.immutable.Map<String, String> tags) {
        return !repo.load()
                .withTagValues(tags)
                .forAnalyzers(JavaConverters.asScalaBuffer(List.<Analyzer<?, Metric<?>>>of(raw(analyzer)))
                        .toSeq())
                .get()
                .isEmpty();
    }

    private static CheckOutcome outcome(String dataset, String name, Level level, String threshold, CheckResult r) {
        if (r == null) {
            return new CheckOutcome(dataset, name, "", level, false, null, threshold, "Deequ returned no result");
        }
        List<ConstraintResult> crs = JavaConverters.seqAsJavaList(r.constraintResults());
        boolean passed = crs.stream().allMatch(cr -> cr.status() == ConstraintStatus.Success());
        ConstraintResult first = crs.isEmpty() ? null : crs.get(0);
        Double metric = null;
        String message = null;
        String constraint = "";
        if (first != null) {
            constraint = first.constraint().toString();
            if (first.metric().isDefined()) {
                metric = value(first.metric().get());
            }
            message = first.message().isDefined() ? first.message().get() : null;
        }
        return new CheckOutcome(dataset, name, constraint, level, passed, metric, threshold, message);
    }

    private static Double value(Metric<?> m) {
        if (m == null || !m.value().isSuccess()) {
            return null;
        }
        Object v = m.value().get();
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static Check toCheck(Constraint c) {
        Check check = new Check(level(c.level()), c.name(), Check.apply$default$3());
        Function1<Object, Object> atLeast = v -> ((Double) v) >= c.minRatio() - EPSILON;
        return switch (c.kind()) {
            case NOT_EMPTY -> check.hasSize(v -> ((Long) v) >= 1L, Option.empty());
            case COMPLETE -> check.hasCompleteness(c.columns().get(0), atLeast, Option.empty(), Option.empty());
            case DISTINCT ->
                check.hasDistinctness(JavaConverters.asScalaBuffer(c.columns()).toSeq(), atLeast, Option.empty());
            case ALLOWED ->
                check.isContainedIn(c.columns().get(0), c.allowed().toArray(new String[0]), atLeast, Option.empty());
            case SATISFIES ->
                c.filter() == null
                        ? check.satisfies(
                                c.condition(),
                                c.name(),
                                atLeast,
                                Option.empty(),
                                check.satisfies$default$5(),
                                Option.empty())
                        : check.satisfies(
                                        c.condition(),
                                        c.name(),
                                        atLeast,
                                        Option.empty(),
                                        check.satisfies$default$5(),
                                        Option.empty())
                                .where(c.filter());
        };
    }

    static Analyzer<?, ?> analyzer(Anomaly a) {
        return switch (a.metric()) {
            case ROW_COUNT -> new Size(Option.empty());
            case COMPLIANCE ->
                new Compliance(a.name(), a.predicate(), Option.empty(), Compliance.apply$default$4(), Option.empty());
        };
    }

    private static AnomalyDetectionStrategy strategy(Anomaly a) {
        return switch (a.metric()) {
            case ROW_COUNT ->
                new RelativeRateOfChangeStrategy(Option.apply((Object) (1.0 - a.maxChange())), Option.empty(), 1);
            case COMPLIANCE -> new AbsoluteChangeStrategy(Option.empty(), Option.apply((Object) a.maxChange()), 1);
        };
    }

    private static scala.Enumeration.Value level(Level l) {
        return l == Level.ERROR ? CheckLevel.Error() : CheckLevel.Warning();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <S extends com.amazon.deequ.analyzers.State<S>> Analyzer raw(Analyzer<?, ?> a) {
        return (Analyzer) a;
    }
}
