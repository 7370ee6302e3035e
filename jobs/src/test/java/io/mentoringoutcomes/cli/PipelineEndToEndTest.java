package io.mentoringoutcomes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's main command on the shipped sample, through the CLI: everything published, the
 * planted defects quarantined, the planted effect recovered, and a broken second night blocked
 * with gold left at the same Delta versions.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineEndToEndTest extends SparkTestBase {

    private static final List<String> GOLD = List.of("retention_summary", "retention_curve", "matching_balance",
            "program_roi", "promotion_summary", "turnover_rate", "satisfaction_summary", "engagement_summary",
            "match_health");
    private static Path root;
    private static Warehouse wh;
    private static JsonNode truth;
    private static int firstRunExit;

    @BeforeAll
    static void runTheSample() throws Exception {
        root = Files.createTempDirectory("mo-e2e");
        Path sample = projectRoot().resolve("sample-data");
        truth = new ObjectMapper().readTree(sample.resolve("_truth.json").toFile());
        firstRunExit = Main.execute("run", "--input", sample.toString(), "--warehouse", root.resolve("wh").toString(),
                "--run-id", "night-1", "--master", "local[2]", "--shuffle-partitions", "2");
        wh = new Warehouse(spark, root.resolve("wh").toString());
    }

    @Test
    @Order(1)
    void theSampleRunPublishesEveryGoldTable() {
        assertEquals(0, firstRunExit);
        for (String table : GOLD) {
            assertTrue(wh.exists("gold." + table), "gold." + table + " was not published");
        }
        Row publish = wh.read("ops.pipeline_runs").filter("stage = 'publish' AND status <> 'started'").first();
        assertEquals("succeeded", publish.getAs("status"));
    }

    @Test
    @Order(2)
    void goldStaysOnTheMinimalDeltaProtocolOtherEnginesRead() {
        for (String table : GOLD) {
            Row detail = spark.sql("DESCRIBE DETAIL " + wh.pathIdentifier("gold." + table)).first();
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
        for (Row r : wh.read("ops.quarantine").select("dataset", "record_key", "rule").orderBy("dataset", "record_key")
                .collectAsList()) {
            quarantined.add(r.mkString("|"));
        }
        // sample-data/_manifest.json lists these four defects.
        assertEquals(List.of(
                "hris_employees|E003459|termination_not_before_hire",
                "meetings|MTG0000001|duplicate_key",
                "meetings|MTG0003805|range:action_rating",
                "meetings|MTG0003806|references:match_id"), quarantined);
    }

    @Test
    @Order(3)
    void theMatchedEstimateRecoversThePlantedEffectAndTheNaiveOneOverstatesIt() {
        double trueEffect = truth.get("retention_difference_12m_att").asDouble();
        Row matched = wh.read("gold.retention_summary")
                .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = 'matched' AND horizon_months = 12").first();
        Row naive = wh.read("gold.retention_summary")
                .filter("program_id = 'ALL' AND cohort = 'mentee' AND method = 'naive' AND horizon_months = 12").first();
        double low = matched.getAs("difference_ci_low");
        double high = matched.getAs("difference_ci_high");
        assertTrue(low <= trueEffect && trueEffect <= high,
                "matched 95% CI [" + low + ", " + high + "] should cover the planted " + trueEffect);
        // Joiners come from low-turnover cells, so the raw comparison overstates the effect.
        double naiveDifference = naive.getAs("difference");
        double naiveLow = naive.getAs("difference_ci_low");
        assertTrue(naiveDifference > (double) matched.getAs("difference"), "naive should exceed matched");
        assertTrue(naiveLow > trueEffect, "naive CI [" + naiveLow + ", ...] should lie above the truth " + trueEffect);
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
        for (String f : List.of("programs.csv", "participants.csv", "matches.csv", "hris_job_events.csv", "surveys.csv",
                "goals.csv")) {
            Files.copy(sample.resolve(f), night2.resolve(f));
        }
        List<String> employees = Files.readAllLines(sample.resolve("hris_employees.csv"));
        Files.write(night2.resolve("hris_employees.csv"), employees.subList(0, employees.size() / 2));
        // ... and every meeting rating came out as 11.
        List<String> meetings = new ArrayList<>();
        for (String line : Files.readAllLines(sample.resolve("meetings.csv"))) {
            meetings.add(line.startsWith("meeting_id") || line.endsWith(",") ? line : line.replaceAll(",[0-9]+$", ",11"));
        }
        Files.write(night2.resolve("meetings.csv"), meetings);

        int exit = Main.execute("run", "--input", night2.toString(), "--warehouse", root.resolve("wh").toString(),
                "--as-of", "2026-11-01", "--run-id", "night-2", "--master", "local[2]", "--shuffle-partitions", "2");

        assertEquals(Main.EXIT_QUALITY_BLOCKED, exit);
        for (String table : GOLD) {
            assertEquals(before.get(table), wh.version("gold." + table), "gold." + table + " changed");
        }
        List<String> failures = new ArrayList<>();
        for (Row r : wh.read("ops.dq_results").filter("run_id = 'night-2' AND status = 'failure'")
                .select("dataset", "check", "level").orderBy("dataset", "check").collectAsList()) {
            failures.add(r.mkString("|"));
        }
        assertTrue(failures.contains("meetings|range:action_rating|error"), failures.toString());
        // The employee count fell by more than half against night 1: a Warning by default.
        assertTrue(failures.contains("hris_employees|anomaly:row_count|warning"), failures.toString());
    }
}
