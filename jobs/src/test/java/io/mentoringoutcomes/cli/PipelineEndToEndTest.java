package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The README's main command on the shipped sample, through the CLI: everything published, the
 * planted defects quarantined, the planted effect recovered, and a broken second night blocked
 * with gold left at the same Delta versions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest extends SparkTestBase {

    private static final List<String> GOLD = List.of(
            "retention_summary",
            "retention_curve",
            "matching_balance",
            "program_roi",
            "promotion_summary",
            "turnover_rate",
            "satisfaction_summary",
            "engagement_summary",
            "dim_program",
            "metric_catalogue",
            "headline_history");
    private static Path root;
    private static Warehouse wh;
    private static JsonNode truth;
    private static int firstRunExit;
    /** A warehouse folder with a space, an apostrophe and a literal %20: paths are never built into SQL. */
    private static final String WAREHOUSE = "with space/it's %20/wh";

    @BeforeAll
    static void runTheSample() throws Exception {
        root = Files.createTempDirectory("mo-e2e");
        Path sample = projectRoot().resolve("sample-data");
        truth = new ObjectMapper().readTree(sample.resolve("_truth.json").toFile());
        // The settings file names the default k explicitly, so the figures are the default's and
        // ops.pipeline_runs must say the value came from this file.
        Files.writeString(root.resolve("settings.yaml"), "# the night's settings\nprivacy:\n  min_group_size: 10\n");
        firstRunExit = Main.execute(
                "run",
                "--input",
                sample.toString(),
                "--warehouse",
                root.resolve(WAREHOUSE).toString(),
                "--run-id",
                "night-1",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "2",
                "--config",
                root.resolve("settings.yaml").toString());
        wh = new Warehouse(spark, root.resolve(WAREHOUSE).toString());
    }

    @Test
    @Order(1)
    void theSampleRunPublishesEveryGoldTable() {
        assertEquals(0, firstRunExit);
        for (String table : GOLD) {
            assertTrue(wh.exists("gold." + table), "gold." + table + " was not published");
        }
        Row publish = wh.read("ops.pipeline_runs")
                .filter("stage = 'publish' AND status <> 'started'")
                .first();
        assertEquals("succeeded", publish.getAs("status"));
    }

    @Test
    @Order(2)
    void goldStaysOnTheMinimalDeltaProtocolOtherEnginesRead() {
        for (String table : GOLD) {
            Row detail = spark.sql("DESCRIBE DETAIL " + wh.pathIdentifier("gold." + table))
                    .first();
            // Reader 1 / writer 2: no table features, so no deletion vectors and no column mapping.
            assertEquals(1, (int) detail.getAs("minReaderVersion"), table);
            assertEquals(2, (int) detail.getAs("minWriterVersion"), table);
            // Delta lists the features writer version 2 implies; nothing beyond them.
            List<String> features = detail.getList(detail.fieldIndex("tableFeatures"));
            assertTrue(List.of("appendOnly", "invariants").containsAll(features), table + ": " + features);
        }
    }

    @Test
    @Order(2)
    void exactlyThePlantedDefectsAreQuarantined() {
        List<String> quarantined = new ArrayList<>();
        for (Row r : wh.read("ops.quarantine")
                .select("dataset", "record_key", "rule")
                .orderBy("dataset", "record_key")
                .collectAsList()) {
            quarantined.add(r.mkString("|"));
        }
        // sample-data/_manifest.json lists these four defects.
        assertEquals(
                List.of(
                        "hris_employees|E003459|termination_not_before_hire",
                        "meetings|MTG0000001|duplicate_key",
                        "meetings|MTG0003805|range:action_rating",
                        "meetings|MTG0003806|references:match_id"),
                quarantined);
    }

    @Test
    @Order(3)
    void theMatchedEstimateRecoversThePlantedEffectAndTheNaiveOneOverstatesIt() {
        double trueEffect = truth.get("retention_difference_12m_att").asDouble();
        Row matched = wh.read("gold.retention_summary")
                .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = 'matched' AND horizon_months = 12")
                .first();
        Row naive = wh.read("gold.retention_summary")
                .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = 'naive' AND horizon_months = 12")
                .first();
        double low = matched.getAs("difference_ci_low");
        double high = matched.getAs("difference_ci_high");
        assertTrue(
                low <= trueEffect && trueEffect <= high,
                "matched 95% CI [" + low + ", " + high + "] should cover the planted " + trueEffect);
        // Disclosure control hides the naive mentee row on the sample: 3 of its mentees found no comparator
        // (cells at their first held meeting, department and level then), and naive − matched would show
        // those 3 people (and their exits). The estimator's own figure is
        // checked instead, computed from silver as the metrics stage does.
        assertEquals(Boolean.TRUE, naive.getAs("suppressed"));
        java.time.LocalDate asOf = ((java.sql.Date) matched.getAs("as_of")).toLocalDate();
        Row naiveEstimate = io.mentoringoutcomes.metrics.RetentionSummary.summary(
                        io.mentoringoutcomes.metrics.CohortMatcher.build(
                                        wh.read("silver.matches"),
                                        wh.read("silver.meetings"),
                                        wh.read("silver.participants"),
                                        wh.read("silver.hris_employees"),
                                        wh.readIfExists("silver.hris_job_events"),
                                        asOf)
                                // Only the naive rows, materialised once: the whole uncheckpointed frame (three
                                // designs) ran this JVM out of Spark execution memory on a busy machine.
                                .filter("method = 'naive'")
                                .localCheckpoint(true),
                        List.of(12),
                        10,
                        asOf)
                .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = 'naive'")
                .first();
        assertEquals(
                3L,
                (long) naiveEstimate.<Long>getAs("n_employees") - (long) matched.<Long>getAs("n_employees"),
                "the reason the naive row is hidden");
        // Joiners come from low-turnover cells, so the raw comparison overstates the effect.
        double naiveDifference = naiveEstimate.getAs("difference");
        double naiveLow = naiveEstimate.getAs("difference_ci_low");
        assertTrue(naiveDifference > (double) matched.getAs("difference"), "naive should exceed matched");
        assertTrue(naiveLow > trueEffect, "naive CI [" + naiveLow + ", ...] should lie above the truth " + trueEffect);
    }

    /** The night recorded the settings it ran with, read from the --config file, and the code that ran. */
    @Test
    @Order(2)
    void theNightRecordsItsSettingsFromTheConfigFileAndItsCodeVersion() {
        List<Row> metrics = wh.read("ops.pipeline_runs")
                .filter("run_id = 'night-1' AND stage = 'metrics' AND status = 'succeeded'")
                .collectAsList();
        assertEquals(1, metrics.size());
        String config = metrics.get(0).getAs("config_json");
        assertTrue(config.contains("\"privacy.min_group_size\":10"), config);
        assertTrue(config.contains("settings.yaml line 3"), "the value's source is the file and its line: " + config);
        assertTrue(config.contains("\"spark.shuffle_partitions\":2"), config);
        assertTrue(metrics.get(0).<String>getAs("code_version").startsWith("0.1.0-SNAPSHOT+"));
    }

    /**
     * The adversary of issue 11: reads every gold table and tries every subtraction the release
     * declarations relate (naive − matched, ALL − Σ programs, month to month, totals − parts, a row's
     * size − its events), the cost → salary inversion and the cross-table look-ups. The arithmetic
     * here is the attacker's own, not DisclosureControl's; nothing about 1..k−1 people may come out.
     */
    /** The history's night-1 rows are the night's own published headlines, read from their tables. */
    @Test
    @Order(2)
    void thePPercentEvidenceStaysOutOfGoldAndAgreesWithThePublishedRoi() {
        assertTrue(wh.exists("evidence.dominance"), "the metrics stage kept what the p% rule judged");
        assertTrue(wh.tables("gold").stream().noneMatch(t -> t.endsWith(".dominance")));
        assertFalse(spark.catalog().databaseExists("evidence"), "never registered for SQL, so never served");
        Map<String, Row> evidence = new LinkedHashMap<>();
        for (Row e : wh.read("evidence.dominance").collectAsList()) {
            assertEquals("program_roi", e.getAs("table"));
            assertEquals(10.0, (double) e.getAs("p_percent"), "the default privacy.dominance_p_percent");
            evidence.put(e.getAs("program_id") + "|" + e.getAs("figure"), e);
        }
        int shown = 0;
        for (Row r : wh.read("gold.program_roi").filter("NOT suppressed").collectAsList()) {
            String program = r.getAs("program_id");
            Row salary = evidence.get(program + "|mean_mentee_salary");
            Row cost = evidence.get(program + "|participant_time_cost");
            assertTrue(salary != null && cost != null, "evidence for " + program);
            // The salaries' contributors are the ROI cohort's mentees, which the ROI counts on its own.
            assertEquals(
                    ((Number) r.getAs("n_cohort_mentees")).longValue(),
                    ((Number) salary.getAs("n_contributors")).longValue(),
                    program);
            // Each person's parts of the time cost add up to the published cost.
            double published = r.getAs("participant_time_cost");
            assertEquals(published, (double) cost.getAs("total_value"), 1e-9 * published, program);
            // The p% rule by hand, p = 10: a shown row's totals are not dominated.
            for (Row e : List.of(salary, cost)) {
                double total = e.getAs("total_value");
                double x1 = e.getAs("largest_value");
                double x2 = e.isNullAt(e.fieldIndex("second_largest_value")) ? 0 : e.getAs("second_largest_value");
                assertTrue(total - x1 - x2 >= 0.10 * x1, program + " " + e);
            }
            shown++;
        }
        assertTrue(shown >= 1, "the ALL rows' ROI is shown (one per replacement-cost ratio): " + shown);
    }

    @Test
    @Order(2)
    void theHeadlineHistoryHoldsTheNightsPublishedHeadlines() {
        List<String> fromTables = new ArrayList<>();
        wh.read("gold.retention_summary")
                .filter("cohort = 'mentee' AND method = 'matched' AND horizon_months = 12")
                .selectExpr(
                        "'retention_summary'", "program_id", "difference", "difference_ci_low", "difference_ci_high")
                .union(wh.read("gold.program_roi")
                        .filter("replacement_cost_ratio = 0.21")
                        .selectExpr("'program_roi'", "program_id", "roi", "roi_ci_low", "roi_ci_high"))
                .collectAsList()
                .forEach(r -> fromTables.add(r.mkString("|")));
        List<String> fromHistory = new ArrayList<>();
        wh.read("gold.headline_history")
                .filter("night_as_of = as_of")
                .selectExpr("table_name", "program_id", "value", "value_ci_low", "value_ci_high")
                .collectAsList()
                .forEach(r -> fromHistory.add(r.mkString("|")));
        fromTables.sort(null);
        fromHistory.sort(null);
        assertTrue(fromTables.size() >= 2, fromTables.toString());
        assertEquals(fromTables, fromHistory);
    }

    @Test
    @Order(3)
    void anAdversaryReadingEveryGoldTableRecoversNothingAboutFewerThanKPeople() {
        int k = 10;
        io.mentoringoutcomes.disclosure.ReleaseRules rules = io.mentoringoutcomes.disclosure.ReleaseRules.standard();
        List<String> found = new ArrayList<>();
        assertTrue(
                !wh.exists("gold.match_health") && !wh.tables("gold").contains("gold.match_health"),
                "per-match rows are not in gold");
        for (String table : wh.tables("gold")) {
            String noun = table.substring("gold.".length());
            var decl = rules.table(noun).orElseThrow(() -> new AssertionError(table + " is not declared"));
            List<Row> rows = wh.read(table).collectAsList();
            java.util.function.BiFunction<Row, String, Double> num =
                    (r, c) -> r.isNullAt(r.fieldIndex(c)) ? null : ((Number) r.getAs(c)).doubleValue();
            java.util.function.Predicate<Double> small = v -> v != null && Math.abs(v) > 1e-9 && Math.abs(v) < k - 1e-9;
            java.util.function.Function<Row, Boolean> shown = r -> !Boolean.TRUE.equals(r.getAs("suppressed"));
            // 1. Every shown count, and every declared difference within a row.
            for (Row r : rows) {
                for (String c : decl.people()) {
                    if (small.test(num.apply(r, c))) {
                        found.add(table + " shows " + c + " = " + num.apply(r, c) + " in " + r);
                    }
                }
                for (List<String> pair : decl.within()) {
                    Double w = num.apply(r, pair.get(0));
                    Double p = num.apply(r, pair.get(1));
                    if (w != null && p != null && small.test(w - p)) {
                        found.add(table + ": " + pair + " differ by " + (w - p) + " in " + r);
                    }
                }
            }
            // 2. The declared relations: a whole minus its parts, and a single hidden cell recovered by subtraction.
            for (var rel : decl.relations()) {
                Map<List<Object>, List<Row>> instances = new LinkedHashMap<>();
                for (Row r : rows) {
                    if (rel.where().entrySet().stream()
                            .allMatch(w -> w.getValue().equals(String.valueOf((Object) r.getAs(w.getKey()))))) {
                        List<Object> rest = new ArrayList<>();
                        decl.keys().stream()
                                .filter(c -> !c.equals(rel.column()))
                                .forEach(c -> rest.add(String.valueOf((Object) r.getAs(c))));
                        instances.computeIfAbsent(rest, x -> new ArrayList<>()).add(r);
                    }
                }
                for (List<Row> inst : instances.values()) {
                    Row whole = inst.stream()
                            .filter(r -> rel.whole().equals(String.valueOf((Object) r.getAs(rel.column()))))
                            .findFirst()
                            .orElse(null);
                    List<Row> parts = inst.stream()
                            .filter(r -> r != whole
                                    && (rel.kind().equals("sum")
                                            || rel.part().equals(String.valueOf((Object) r.getAs(rel.column())))))
                            .toList();
                    if (whole == null || parts.isEmpty()) {
                        continue;
                    }
                    // Cell by cell: a row shown with one count withheld (a coarsened exit count, a facet) is
                    // as hidden in that column as a suppressed row.
                    List<String> columns =
                            decl.curveColumn().isPresent() ? decl.people().subList(0, 1) : decl.people();
                    for (String c : columns) {
                        java.util.function.Predicate<Row> unseen = r -> !shown.apply(r) || num.apply(r, c) == null;
                        long hidden = parts.stream().filter(unseen).count() + (unseen.test(whole) ? 1 : 0);
                        if (rel.kind().equals("sum") && hidden == 1) {
                            found.add(table + ": " + rel.whole() + " − Σ " + rel.column() + " recovers the one hidden "
                                    + c + " of " + inst);
                        }
                        if (hidden == 0) {
                            double residual = num.apply(whole, c)
                                    - parts.stream()
                                            .mapToDouble(r -> num.apply(r, c))
                                            .sum();
                            if (small.test(residual)) {
                                found.add(table + ": " + rel.whole() + " − " + rel.column() + " parts = " + residual
                                        + " " + c);
                            }
                        }
                    }
                }
            }
            // 3. Curves: consecutive shown months differ by 0 or at least k people; no month's own counts.
            if (decl.curveColumn().isPresent()) {
                Map<String, List<Row>> series = new LinkedHashMap<>();
                for (Row r : rows) {
                    series.computeIfAbsent(
                                    r.getAs("program_id") + "/" + r.getAs("cohort") + "/" + r.getAs("method"),
                                    x -> new ArrayList<>())
                            .add(r);
                    assertTrue(
                            r.isNullAt(r.fieldIndex("n_events")) && r.isNullAt(r.fieldIndex("n_censored")),
                            r.toString());
                }
                for (List<Row> s : series.values()) {
                    List<Row> visible = s.stream()
                            .filter(shown::apply)
                            .sorted(java.util.Comparator.comparingInt(r -> r.<Integer>getAs("month")))
                            .toList();
                    for (int i = 1; i < visible.size(); i++) {
                        double step =
                                num.apply(visible.get(i - 1), "n_at_risk") - num.apply(visible.get(i), "n_at_risk");
                        if (small.test(step)) {
                            found.add(table + ": " + step + " people left between shown months in " + visible.get(i));
                        }
                        // Survival between two shown months pins the exits in the step (unweighted arms: a
                        // comparison arm's survival is weighted). Each exit multiplies survival by at most
                        // 1 − 1/n_a (nobody more at risk than at a) and, everyone at risk at an exit being
                        // more than the n_b left at b, by at least 1 − 1/(n_b + 1).
                        Row a = visible.get(i - 1);
                        Row b = visible.get(i);
                        Double sa = num.apply(a, "survival");
                        Double sb = num.apply(b, "survival");
                        Double na = num.apply(a, "n_at_risk");
                        Double nb = num.apply(b, "n_at_risk");
                        if (!"comparison".equals(b.getAs("cohort"))
                                && sa != null
                                && sb != null
                                && na != null
                                && nb != null
                                && sa > 0
                                && sb < sa * (1 - 1e-12)) {
                            double ratio = Math.log(sb / sa);
                            double most = Math.floor(ratio / Math.log(1 - 1 / na) + 1e-9);
                            double least = Math.max(1, Math.ceil(ratio / Math.log(1 - 1 / (nb + 1)) - 1e-9));
                            if (most < k) {
                                found.add(table + ": survival between shown months pins the exits to [" + least + ", "
                                        + most + "] in " + a + " → " + b);
                            }
                        }
                    }
                }
            }
            // 4. Cost → salary: a shown cost is over at least k cohort mentees and k mentors; a suppressed row
            // shows no cost or size.
            if (noun.equals("program_roi")) {
                for (Row r : rows) {
                    if (shown.apply(r)) {
                        assertTrue(num.apply(r, "n_cohort_mentees") >= k, r.toString());
                        assertTrue(num.apply(r, "n_cohort_mentors") >= k, r.toString());
                    } else {
                        for (String c : List.of(
                                "n_cohort_mentees",
                                "n_cohort_mentors",
                                "held_meeting_hours",
                                "participant_time_cost",
                                "fixed_cost",
                                "total_cost",
                                "mean_mentee_salary",
                                "benefit")) {
                            assertTrue(r.isNullAt(r.fieldIndex(c)), "suppressed ROI row shows " + c + ": " + r);
                        }
                    }
                }
            }
        }
        // 5. Across tables: a program's ROI rests on its matched 12-month retention difference; a shown ROI
        // whose retention row is hidden would give that hidden difference back.
        Map<String, Boolean> roiShown = new LinkedHashMap<>();
        for (Row r : wh.read("gold.program_roi").collectAsList()) {
            roiShown.merge(r.getAs("program_id"), !Boolean.TRUE.equals(r.getAs("suppressed")), Boolean::logicalAnd);
        }
        for (Row r : wh.read("gold.retention_summary")
                .filter("cohort = 'mentee' AND method = 'matched' AND horizon_months = 12")
                .collectAsList()) {
            Boolean roi = roiShown.get(r.<String>getAs("program_id"));
            if (roi != null && roi && Boolean.TRUE.equals(r.getAs("suppressed"))) {
                found.add("program_roi shows the retention difference retention_summary hides for "
                        + r.getAs("program_id"));
            }
        }
        // 6. The same people counted in two tables (every matched mentee against the matched cohort, a cohort
        // against its survey respondents): the shown counts differ by 0 or at least k, and a hidden whole
        // bounded by what is shown beside it leaves whole − part a range that admits 0 or is k wide.
        for (var pair : rules.across()) {
            var wholes = io.mentoringoutcomes.disclosure.DisclosureControl.maps(
                    wh.read("gold." + pair.whole().table()));
            var parts = io.mentoringoutcomes.disclosure.DisclosureControl.maps(
                    wh.read("gold." + pair.part().table()));
            var wholeDecl = rules.table(pair.whole().table()).orElseThrow();
            for (Map<String, Object> wm : wholes) {
                // A hidden whole, bounded: at least any part shown beside it (in any pair with that whole), at
                // most its row's shown within partner (a program's mentees are at most its matches).
                double lo = 0;
                double hi = Double.POSITIVE_INFINITY;
                for (List<String> within : wholeDecl.within()) {
                    if (within.get(1).equals(pair.whole().column()) && wm.get(within.get(0)) != null) {
                        hi = Math.min(hi, ((Number) wm.get(within.get(0))).doubleValue());
                    }
                }
                for (var other : rules.across()) {
                    if (other.whole().table().equals(pair.whole().table())
                            && other.whole().column().equals(pair.whole().column())) {
                        for (Map<String, Object> om : io.mentoringoutcomes.disclosure.DisclosureControl.maps(
                                wh.read("gold." + other.part().table()))) {
                            if (other.pairs(wm, om) && om.get(other.part().column()) != null) {
                                lo = Math.max(lo, ((Number) om.get(other.part().column())).doubleValue());
                            }
                        }
                    }
                }
                for (Map<String, Object> pm : parts) {
                    if (!pair.pairs(wm, pm) || pm.get(pair.part().column()) == null) {
                        continue;
                    }
                    double part = ((Number) pm.get(pair.part().column())).doubleValue();
                    if (wm.get(pair.whole().column()) == null) {
                        if (lo - part > 1e-9 && hi - lo < k - 1e-9) {
                            found.add(pair.describe() + " in [" + (lo - part) + ", " + (hi - part) + "] in " + wm
                                    + " and " + pm);
                        }
                        continue;
                    }
                    double d = ((Number) wm.get(pair.whole().column())).doubleValue() - part;
                    if (d > 1e-9 && d < k - 1e-9) {
                        found.add(pair.describe() + " = " + d + " in " + wm + " and " + pm);
                    }
                }
            }
        }
        // 7. Sizes read across tables, and nested methods. A reader sizes a group from any gold table that
        // shows it (P-CAR's matched mentees in retention_summary). A hidden part of a nested relation (matched
        // within naive) as large as its whole is its whole: the same people, the same events. Each sum's whole
        // minus every part shown or so pinned leaves the rest's events, together: 0 or at least k.
        Map<String, List<Map<String, Object>>> gold = new LinkedHashMap<>();
        Map<List<String>, java.util.Set<Double>> sizes = new java.util.HashMap<>();
        List<String> dims = List.of("program_id", "cohort", "method", "horizon_months");
        java.util.function.BiFunction<
                        io.mentoringoutcomes.disclosure.ReleaseRules.Link, Map<String, Object>, List<String>>
                groupOf = (link, m) -> dims.stream()
                .map(dim -> {
                    String source = link.dimensions().get(dim);
                    return source == null
                            ? "*"
                            : source.startsWith("=") ? source.substring(1) : String.valueOf(m.get(source));
                })
                .toList();
        for (String table : wh.tables("gold")) {
            String noun = table.substring("gold.".length());
            var decl = rules.table(noun).orElseThrow();
            gold.put(noun, io.mentoringoutcomes.disclosure.DisclosureControl.maps(wh.read(table)));
            if (decl.isReference() || !dims.containsAll(decl.keys())) {
                continue;
            }
            for (Map<String, Object> m : gold.get(noun)) {
                for (var link : decl.links()) {
                    List<String> g = groupOf.apply(link, m);
                    if (decl.people().contains(link.column())
                            && !g.subList(0, 3).contains("*")
                            && m.get(link.column()) != null
                            && !Boolean.TRUE.equals(m.get("suppressed"))) {
                        sizes.computeIfAbsent(g, x -> new java.util.HashSet<>())
                                .add(((Number) m.get(link.column())).doubleValue());
                    }
                }
            }
        }
        java.util.function.BiFunction<Map<String, Object>, String, Double> value = (m, c) ->
                m.get(c) == null || Boolean.TRUE.equals(m.get("suppressed")) ? null : ((Number) m.get(c)).doubleValue();
        for (Map.Entry<String, List<Map<String, Object>>> t : gold.entrySet()) {
            var decl = rules.table(t.getKey()).orElseThrow();
            if (decl.isReference() || decl.within().isEmpty()) {
                continue;
            }
            String size = decl.within().get(0).get(0);
            String count = decl.within().get(0).get(1);
            java.util.function.Function<Map<String, Object>, Double> sizeOf = m -> {
                Double shown = value.apply(m, size);
                if (shown != null) {
                    return shown;
                }
                for (var link : decl.links()) {
                    var known = sizes.get(groupOf.apply(link, m));
                    if (link.column().equals(size) && known != null && known.size() == 1) {
                        return known.iterator().next();
                    }
                }
                return null;
            };
            java.util.function.BiFunction<Map<String, Object>, String, List<Object>> restOf =
                    (m, column) -> decl.keys().stream()
                            .filter(c -> !c.equals(column))
                            .map(c -> (Object) String.valueOf(m.get(c)))
                            .toList();
            Map<Map<String, Object>, Double> pinned = new java.util.IdentityHashMap<>();
            for (var rel : decl.relations()) {
                if (!rel.nested()) {
                    continue;
                }
                for (Map<String, Object> whole : t.getValue()) {
                    if (!rel.whole().equals(String.valueOf(whole.get(rel.column())))
                            || value.apply(whole, count) == null
                            || value.apply(whole, size) == null) {
                        continue;
                    }
                    for (Map<String, Object> part : t.getValue()) {
                        if (rel.part().equals(String.valueOf(part.get(rel.column())))
                                && restOf.apply(part, rel.column()).equals(restOf.apply(whole, rel.column()))
                                && value.apply(part, count) == null
                                && value.apply(whole, size).equals(sizeOf.apply(part))) {
                            pinned.put(part, value.apply(whole, count));
                        }
                    }
                }
            }
            for (var rel : decl.relations()) {
                if (!rel.kind().equals("sum")) {
                    continue;
                }
                for (Map<String, Object> whole : t.getValue()) {
                    if (!rel.whole().equals(String.valueOf(whole.get(rel.column())))
                            || value.apply(whole, count) == null
                            || !rel.where().entrySet().stream()
                                    .allMatch(w -> w.getValue().equals(String.valueOf(whole.get(w.getKey()))))) {
                        continue;
                    }
                    double rest = value.apply(whole, count);
                    int unknown = 0;
                    for (Map<String, Object> part : t.getValue()) {
                        if (part == whole
                                || !restOf.apply(part, rel.column()).equals(restOf.apply(whole, rel.column()))) {
                            continue;
                        }
                        Double known = value.apply(part, count) != null ? value.apply(part, count) : pinned.get(part);
                        if (known == null) {
                            unknown++;
                        } else {
                            rest -= known;
                        }
                    }
                    if (unknown > 0 && rest > 1e-9 && rest < k - 1e-9) {
                        found.add(t.getKey() + ": " + whole + " less its shown and pinned parts leaves " + rest + " "
                                + count + " among " + unknown + " hidden parts");
                    }
                }
            }
        }
        // 8. eNPS = 100 (promoters − detractors) / respondents. On a shown unweighted eNPS (mentees, mentors,
        // naive comparators: weight 1) the adversary solves for the difference d, then tries every whole
        // number of promoters: each that leaves detractors ≥ 0 and promoters + detractors ≤ n is possible. No
        // count of promoters, detractors or passives may land in a range that excludes 0, starts under k and is
        // under k wide.
        for (Row r : wh.read("gold.satisfaction_summary")
                .filter("metric = 'enps' AND NOT suppressed")
                .collectAsList()) {
            String cohort = r.getAs("cohort");
            String method = r.getAs("method");
            List<String[]> sides = new ArrayList<>();
            if (!cohort.equals("comparison") || method.equals("naive")) {
                sides.add(new String[] {"value", "n_employees"});
            }
            if (cohort.equals("mentee") && method.equals("naive")) {
                sides.add(new String[] {"comparison_value", "comparison_n_employees"});
            }
            for (String[] side : sides) {
                if (r.isNullAt(r.fieldIndex(side[0]))) {
                    continue;
                }
                long n = ((Number) r.getAs(side[1])).longValue();
                double exact = ((Number) r.getAs(side[0])).doubleValue() * n / 100;
                long d = Math.round(exact);
                assertTrue(Math.abs(exact - d) < 1e-6, "an unweighted eNPS is whole people: " + r);
                long[][] range = {{Long.MAX_VALUE, -1}, {Long.MAX_VALUE, -1}, {Long.MAX_VALUE, -1}};
                for (long promoters = 0; promoters <= n; promoters++) {
                    long detractors = promoters - d;
                    if (detractors < 0 || promoters + detractors > n) {
                        continue;
                    }
                    long[] v = {promoters, detractors, n - promoters - detractors};
                    for (int x = 0; x < 3; x++) {
                        range[x][0] = Math.min(range[x][0], v[x]);
                        range[x][1] = Math.max(range[x][1], v[x]);
                    }
                }
                String[] names = {"promoters", "detractors", "passives"};
                for (int x = 0; x < 3; x++) {
                    long lo = range[x][0];
                    long hi = range[x][1];
                    if (lo >= 1 && lo < k && hi - lo < k) {
                        found.add("satisfaction_summary " + side[0] + " puts " + names[x] + " in [" + lo + ", " + hi
                                + "] in " + r);
                    }
                }
            }
        }
        assertEquals(List.of(), found);
        // Figures that stay: the planted effect's headline rows are published.
        for (String method : List.of("matched")) {
            Row all = wh.read("gold.retention_summary")
                    .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = '" + method
                            + "' AND horizon_months = 12")
                    .first();
            assertEquals(Boolean.FALSE, all.getAs("suppressed"), method);
        }
        // The largest program's matched mentees have fewer than k exits by 12 months: published rounded, not hidden.
        // The adversary's view of it: a size, no count, no interval, and a difference on a step of at least k / size.
        Row car = wh.read("gold.retention_summary")
                .filter("program_id = 'P-CAR' AND cohort = 'mentee' AND method = 'matched'"
                        + " AND horizon_months = 12")
                .first();
        assertEquals(Boolean.FALSE, car.getAs("suppressed"));
        long n = car.getAs("n_employees");
        double difference = car.getAs("difference");
        assertTrue(
                car.isNullAt(car.fieldIndex("n_events"))
                        && car.isNullAt(car.fieldIndex("retention"))
                        && car.isNullAt(car.fieldIndex("difference_ci_low")),
                car.toString());
        // Exits consistent with the published figure (retention = 1 − exits / n, no censoring): a window of n · step.
        double coarsest = 0;
        for (double step : new double[] {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0}) {
            if (Math.abs(difference / step - Math.rint(difference / step)) < 1e-9) {
                coarsest = step;
            }
        }
        assertTrue(coarsest * n >= k, "P-CAR's difference " + difference + " is on no step of at least k / " + n);
    }

    @Test
    @Order(4)
    void aBrokenNightIsBlockedAndGoldKeepsItsVersions() throws Exception {
        Map<String, Long> before = new LinkedHashMap<>();
        for (String table : GOLD) {
            before.put(table, wh.version("gold." + table));
        }
        // The next night's HRIS export lost half its people: a collapse the gate must stop.
        Path night2 = root.resolve("night2");
        Files.createDirectories(night2);
        Path sample = projectRoot().resolve("sample-data");
        for (String f : List.of(
                "programs.csv", "participants.csv", "matches.csv", "hris_job_events.csv", "surveys.csv", "goals.csv")) {
            Files.copy(sample.resolve(f), night2.resolve(f));
        }
        List<String> employees = Files.readAllLines(sample.resolve("hris_employees.csv"));
        Files.write(night2.resolve("hris_employees.csv"), employees.subList(0, employees.size() / 2));
        // ... and every meeting rating came out as 11.
        List<String> meetings = new ArrayList<>();
        for (String line : Files.readAllLines(sample.resolve("meetings.csv"))) {
            meetings.add(
                    line.startsWith("meeting_id") || line.endsWith(",") ? line : line.replaceAll(",[0-9]+$", ",11"));
        }
        Files.write(night2.resolve("meetings.csv"), meetings);

        int exit = Main.execute(
                "run",
                "--input",
                night2.toString(),
                "--warehouse",
                root.resolve(WAREHOUSE).toString(),
                "--as-of",
                "2026-11-01",
                "--run-id",
                "night-2",
                "--master",
                "local[2]",
                "--shuffle-partitions",
                "2");

        assertEquals(Main.EXIT_QUALITY_BLOCKED, exit);
        for (String table : GOLD) {
            assertEquals(before.get(table), wh.version("gold." + table), "gold." + table + " changed");
        }
        List<String> failures = new ArrayList<>();
        for (Row r : wh.read("ops.dq_results")
                .filter("run_id = 'night-2' AND status = 'failure'")
                .select("dataset", "check", "level")
                .orderBy("dataset", "check")
                .collectAsList()) {
            failures.add(r.mkString("|"));
        }
        assertTrue(failures.contains("meetings|range:action_rating|error"), failures.toString());
        // The employee count fell by more than half against night 1: a Warning by default.
        assertTrue(failures.contains("hris_employees|anomaly:row_count|warning"), failures.toString());
    }
}
