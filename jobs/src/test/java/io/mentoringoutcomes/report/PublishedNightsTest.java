package io.mentoringoutcomes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.QueryOutput;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.cli.Main;
import io.mentoringoutcomes.publish.PublishedNights;
import io.mentoringoutcomes.quality.OpsTables;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * query, export and report on a hand-built warehouse where three nights ran: 2026-09-30 and
 * 2026-10-31 published (ROI 1.5, then 2.5), and 2026-11-30 rewrote gold.program_roi (3.5) but its
 * publish was not recorded as a success. --as-reported-on must give each night's own figures.
 */
class PublishedNightsTest extends SparkTestBase {

    @TempDir
    static Path dir;

    static Warehouse wh;
    static String whArg;
    static Map<String, Long> night1;
    static Map<String, Long> night2;

    static final StructType ROI = StructType.fromDDL("program_id STRING, horizon_months INT, n_mentees BIGINT, "
            + "total_cost DOUBLE, retention_difference DOUBLE, retention_difference_ci_low DOUBLE, "
            + "retention_difference_ci_high DOUBLE, replacement_cost_ratio DOUBLE, is_default_assumption BOOLEAN, "
            + "benefit DOUBLE, roi DOUBLE, roi_ci_low DOUBLE, roi_ci_high DOUBLE, break_even_retention_uplift DOUBLE, "
            + "overhead_rate DOUBLE, hours_per_year DOUBLE, suppressed BOOLEAN, as_of DATE");
    static final StructType CURVE = StructType.fromDDL("program_id STRING, cohort STRING, method STRING, month INT, "
            + "survival DOUBLE, ci_low DOUBLE, ci_high DOUBLE, suppressed BOOLEAN, as_of DATE");

    static Dataset<Row> roi(double allRoi, String asOf) {
        Date d = Date.valueOf(asOf);
        List<Row> rows = List.of(
                RowFactory.create(
                        "ALL",
                        12,
                        120L,
                        100000.0,
                        0.05,
                        0.01,
                        0.09,
                        0.21,
                        true,
                        250000.0,
                        allRoi,
                        allRoi - 1,
                        allRoi + 1,
                        0.02,
                        0.25,
                        2080.0,
                        false,
                        d),
                RowFactory.create(
                        "ALL",
                        12,
                        120L,
                        100000.0,
                        0.05,
                        0.01,
                        0.09,
                        0.5,
                        false,
                        600000.0,
                        allRoi * 2,
                        allRoi * 2 - 1,
                        allRoi * 2 + 1,
                        0.01,
                        0.25,
                        2080.0,
                        false,
                        d),
                RowFactory.create(
                        "P-TINY", 12, null, 5000.0, null, null, null, 0.21, true, null, null, null, null, null, 0.25,
                        2080.0, true, d));
        return spark.createDataFrame(rows, ROI);
    }

    static Dataset<Row> curve(String asOf) {
        List<Row> rows = new ArrayList<>();
        for (int m = 0; m <= 12; m++) {
            rows.add(RowFactory.create(
                    "ALL",
                    "mentee",
                    "matched",
                    m,
                    1 - 0.01 * m,
                    0.98 - 0.012 * m,
                    1.0 - 0.008 * m,
                    false,
                    Date.valueOf(asOf)));
            rows.add(RowFactory.create(
                    "ALL",
                    "comparison",
                    "matched",
                    m,
                    1 - 0.02 * m,
                    0.97 - 0.022 * m,
                    1.0 - 0.018 * m,
                    false,
                    Date.valueOf(asOf)));
        }
        return spark.createDataFrame(rows, CURVE);
    }

    static Map<String, Long> publish(String asOf, double allRoi) {
        Instant started = Instant.now();
        wh.overwrite("gold.program_roi", roi(allRoi, asOf));
        wh.overwrite("gold.retention_curve", curve(asOf));
        Map<String, Long> versions = new LinkedHashMap<>();
        versions.put("gold.program_roi", wh.version("gold.program_roi"));
        versions.put("gold.retention_curve", wh.version("gold.retention_curve"));
        PipelineRuns.record(
                new RunContext(wh, "in", LocalDate.parse(asOf), "run-" + asOf),
                "publish",
                "succeeded",
                started,
                Map.of("gold_versions", versions));
        return versions;
    }

    @BeforeAll
    static void threeNights() {
        wh = new Warehouse(spark, dir.resolve("warehouse").toString());
        whArg = dir.resolve("warehouse").toString();
        night1 = publish("2026-09-30", 1.5);
        // Night 1's quality results: one failed warning check, two quarantined rows.
        Timestamp t = Timestamp.from(Instant.now());
        wh.append(
                OpsTables.DQ_RESULTS,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create(
                                        "run-2026-09-30",
                                        "2026-09-30",
                                        "silver.matches",
                                        "contract",
                                        "Completeness(mentee_id)",
                                        "error",
                                        "success",
                                        1.0,
                                        "1.0",
                                        null,
                                        t),
                                RowFactory.create(
                                        "run-2026-09-30",
                                        "2026-09-30",
                                        "silver.surveys",
                                        "anomaly",
                                        "Size change",
                                        "warning",
                                        "failure",
                                        0.6,
                                        "0.8",
                                        "surveys shrank",
                                        t)),
                        OpsTables.DQ_RESULTS_SCHEMA));
        wh.append(
                OpsTables.QUARANTINE,
                spark.createDataFrame(
                        List.of(
                                RowFactory.create(
                                        "run-2026-09-30",
                                        "2026-09-30",
                                        "ingest",
                                        "meetings",
                                        "k1",
                                        "meeting_before_match",
                                        "error",
                                        "m",
                                        "{}",
                                        "meetings.csv",
                                        3L,
                                        t),
                                RowFactory.create(
                                        "run-2026-09-30",
                                        "2026-09-30",
                                        "ingest",
                                        "meetings",
                                        "k2",
                                        "meeting_before_match",
                                        "error",
                                        "m",
                                        "{}",
                                        "meetings.csv",
                                        4L,
                                        t)),
                        OpsTables.QUARANTINE_SCHEMA));
        night2 = publish("2026-10-31", 2.5);
        // Night 3 rewrote gold but its publish is recorded as blocked: not a published night.
        wh.overwrite("gold.program_roi", roi(3.5, "2026-11-30"));
        PipelineRuns.record(
                new RunContext(wh, "in", LocalDate.parse("2026-11-30"), "run-2026-11-30"),
                "publish",
                "blocked",
                Instant.now(),
                Map.of("failed_checks", List.of("x")));
    }

    /** A run still going (its "started" row is the newest) is not "the latest run that stopped": the report names the last finished one. */
    @Test
    void theReportWarnsAboutTheLatestFinishedRunNotOneStillGoing() {
        Timestamp now = Timestamp.from(Instant.now());
        wh.appendAddingColumns(
                PipelineRuns.TABLE,
                spark.createDataFrame(
                        List.of(RowFactory.create(
                                "run-going",
                                "2026-12-31",
                                Date.valueOf("2026-12-31"),
                                "in",
                                "ingest",
                                PipelineRuns.STARTED,
                                now,
                                now,
                                0.0,
                                "{}",
                                null,
                                null)),
                        PipelineRuns.SCHEMA));
        List<String> warnings = io.mentoringoutcomes.report.ReportData.load(
                        io.mentoringoutcomes.publish.GoldSource.latestPublished(wh), 10, true)
                .warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(0)
                        .startsWith(
                                "The latest run run-2026-11-30 (as of 2026-11-30) stopped at its publish stage (blocked)"),
                warnings.get(0));
    }

    @Test
    void resolvesTheNightReportedOnADate() {
        assertEquals(night1, PublishedNights.goldVersions(wh, LocalDate.parse("2026-09-30")));
        assertEquals(night1, PublishedNights.goldVersions(wh, LocalDate.parse("2026-10-30")));
        assertEquals(night2, PublishedNights.goldVersions(wh, LocalDate.parse("2026-10-31")));
        assertEquals(
                night2,
                PublishedNights.goldVersions(wh, LocalDate.parse("2026-12-31")),
                "the blocked night does not count");
        assertTrue(night1.get("gold.program_roi") < night2.get("gold.program_roi"));
        assertThrows(
                IllegalStateException.class, () -> PublishedNights.goldVersions(wh, LocalDate.parse("2026-09-29")));
    }

    @Test
    void queryAsReportedOnReadsThatNightsFigures() {
        String sql = "SELECT roi FROM gold.program_roi WHERE program_id = 'ALL' AND is_default_assumption";
        assertEquals("roi\n1.5\n", query("--as-reported-on", "2026-10-15", sql));
        assertEquals("roi\n2.5\n", query("--as-reported-on", "2026-11-05", sql));
        // Without the option, gold is the latest published night, not the unpublished rewrite (3.5)
        // that a raw reader of the table's folder sees.
        assertEquals("roi\n2.5\n", query(sql));
        assertEquals(
                3.5,
                wh.read("gold.program_roi")
                        .filter("program_id = 'ALL' AND is_default_assumption")
                        .first()
                        .<Double>getAs("roi"),
                1e-12);
        // Other layers stay nameable alongside the pinned gold views.
        assertEquals("n\n2\n", query("--as-reported-on", "2026-10-15", "SELECT count(*) AS n FROM ops.quarantine"));
    }

    @Test
    void exportWritesOneFilePerTableAsReported(@TempDir Path out) throws Exception {
        assertEquals(
                0,
                Main.execute(
                        "export",
                        "--warehouse",
                        whArg,
                        "--format",
                        "csv",
                        "--out",
                        out.toString(),
                        "--as-reported-on",
                        "2026-10-15"));
        List<String> roi = Files.readAllLines(out.resolve("program_roi.csv"));
        assertTrue(roi.get(0).startsWith("program_id,horizon_months,n_mentees,"), roi.get(0));
        assertEquals(1 + 3, roi.size(), String.join("\n", roi));
        assertTrue(
                roi.stream().anyMatch(l -> l.startsWith("ALL,12,120,") && l.contains(",0.21,true,250000.0,1.5,")),
                roi.toString());
        // A suppressed figure is an empty cell, never 0.
        assertTrue(roi.stream().anyMatch(l -> l.startsWith("P-TINY,12,,")), roi.toString());
        assertEquals(
                1 + 26, Files.readAllLines(out.resolve("retention_curve.csv")).size());
        assertTrue(Files.readString(out.resolve("_export.json")).contains("\"run_id\" : \"run-2026-09-30\""));
        try (var files = Files.list(out)) {
            assertEquals(
                    List.of("_export.json", "program_roi.csv", "retention_curve.csv"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no .crc files or _tmp folders left");
        }

        Path parquet = out.resolve("pq");
        assertEquals(
                0, Main.execute("export", "--warehouse", whArg, "--format", "parquet", "--out", parquet.toString()));
        Dataset<Row> back =
                spark.read().parquet(parquet.resolve("program_roi.parquet").toString());
        assertEquals(3, back.count());
        assertEquals(
                2.5,
                back.filter("program_id = 'ALL' AND is_default_assumption")
                        .first()
                        .<Double>getAs("roi"),
                1e-12,
                "the latest published night, not the unpublished rewrite");
    }

    @Test
    void reportShowsTheNightsRoiSuppressionAndQuality(@TempDir Path out) throws Exception {
        Path file = out.resolve("r.html");
        assertEquals(
                0,
                Main.execute(
                        "report", "--warehouse", whArg, "--as-reported-on", "2026-10-15", "--out", file.toString()));
        String html = Files.readString(file);
        assertTrue(html.contains("as of 2026-09-30"));
        assertTrue(html.contains(">150%<"), "night 1's ROI headline");
        assertTrue(html.contains("95% CI 50% to 250%"));
        assertFalse(html.contains(">350%<"), "not the later tables");
        assertTrue(html.contains("suppressed (fewer than 10 employees)"));
        assertTrue(html.contains("<svg class=\"chart\""));
        assertTrue(html.contains("meeting_before_match</td><td class=\"num\">2</td>"), "quarantine of night 1");
        assertTrue(html.contains("surveys shrank"));
        assertFalse(html.contains("http://") || html.contains("https://"));

        // Default place and the latest published night.
        assertEquals(0, Main.execute("report", "--warehouse", whArg));
        String latest = Files.readString(dir.resolve("warehouse/reports/mentoring-outcomes-2026-10-31.html"));
        assertTrue(latest.contains(">250%<"), "latest successful publish");
        assertTrue(latest.contains("stopped at its publish stage (blocked)"), "the blocked night is flagged");
    }

    private static String query(String... args) {
        return QueryOutput.csv(whArg, args);
    }
}
