package io.mentoringoutcomes.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Landing → bronze → silver on hand-written deliveries whose every row is known. */
class IngestJobTest extends SparkTestBase {

    private static final Contract CONTRACT = Contract.standard();
    private static final Path NIGHT1 =
            Path.of("src/test/resources/landing/night1").toAbsolutePath();
    private static final Path NIGHT2 =
            Path.of("src/test/resources/landing/night2").toAbsolutePath();

    private static RunContext night(Warehouse wh, Path input, String asOf, String runId) {
        return new RunContext(wh, input.toUri().toString(), LocalDate.parse(asOf), runId);
    }

    private static void ingestAndRefine(RunContext ctx) {
        Pipeline.ingest(ctx, CONTRACT);
        Map<String, Dataset<Row>> batches = new LinkedHashMap<>();
        for (DatasetContract d : CONTRACT.datasets()) {
            Dataset<Row> b = Pipeline.bronzeBatch(ctx, d);
            if (b != null) {
                batches.put(d.dataset(), b);
            }
        }
        Pipeline.refine(ctx, CONTRACT, batches);
    }

    private static void copyWithout(Path from, Path to, String skipped) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path f : files.filter(f -> !f.getFileName().toString().equals(skipped))
                        .toList()) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> strings(Dataset<Row> df) {
        return df.collectAsList().stream().map(r -> r.mkString("|")).sorted().toList();
    }

    @Test
    void everyRowEndsInBronzeOrQuarantineWithFileLineAndColumn(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        IngestJob.Result result = IngestJob.run(night(wh, NIGHT1, "2025-06-30", "r1"), CONTRACT);

        // meetings.csv holds 5 records: MT2 has rating 'abc', MT5 has time 'not-a-time'.
        IngestJob.DatasetAccount meetings = result.datasets().get("meetings");
        assertEquals(5, meetings.rowsRead());
        assertEquals(3, meetings.rowsToBronze());
        assertEquals(2, meetings.rowsQuarantined());
        // surveys.jsonl: 2 good objects, 1 blank line (not a row), 1 broken line (line 4).
        assertEquals(3, result.datasets().get("surveys").rowsRead());
        assertFalse(result.datasets().get("goals").delivered());

        List<String> quarantined = strings(wh.read("ops.quarantine")
                .select("dataset", "record_key", "rule", "source_line", "message")
                .orderBy("dataset", "source_line"));
        assertEquals(
                List.of(
                        "meetings|MT2|parse|3|column action_rating: 'abc' is not a valid int",
                        // MT2's quoted note spans lines 3-4, so MT5 (the 5th record) starts on line 7
                        "meetings|MT5|parse|7|column scheduled_at: 'not-a-time' is not a valid timestamp",
                        "surveys||parse|4|malformed record (wrong number of fields or broken quoting)"),
                quarantined);
    }

    @Test
    void typesTimestampsAsUtcAndDropsColumnsBeyondTheContract(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        IngestJob.run(night(wh, NIGHT1, "2025-06-30", "r1"), CONTRACT);

        Dataset<Row> employees = wh.read("bronze.hris_employees");
        assertFalse(Arrays.asList(employees.columns()).contains("email"));
        assertFalse(Arrays.asList(employees.columns()).contains("full_name"));
        // The file starts with a UTF-8 BOM; the first column still reads as employee_id.
        assertEquals(List.of("E1", "E2", "E3", "E4", "E5"), strings(employees.select("employee_id")));
        assertEquals(
                List.of(
                        "MT1|2024-01-15 10:00:00.0|45|7",
                        "MT3|2024-02-12 10:00:00.0|null|null",
                        "MT4|2024-03-20 09:00:00.0|60|8"),
                strings(wh.read("bronze.meetings")
                        .select("meeting_id", "scheduled_at", "duration_minutes", "action_rating")));
        assertEquals(
                List.of("P2|Leaders, next|null"),
                strings(wh.read("bronze.programs")
                        .filter("program_id = 'P2'")
                        .select("program_id", "name", "annual_fixed_cost")));
    }

    @Test
    void rerunningANightChangesNothingAndTheNextNightUpdatesState(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark, dir.toString());
        ingestAndRefine(night(wh, NIGHT1, "2025-06-30", "r1"));
        long bronzeMeetings = wh.read("bronze.meetings").count();
        Map<String, Long> silverVersions = new LinkedHashMap<>();
        for (String table : wh.tables("silver")) {
            silverVersions.put(table, wh.version(table));
        }
        List<String> silverBefore = strings(wh.read("silver.meetings"));

        ingestAndRefine(night(wh, NIGHT1, "2025-06-30", "r1-again"));
        assertEquals(bronzeMeetings, wh.read("bronze.meetings").count());
        assertEquals(3, wh.read("ops.quarantine").count());
        assertEquals(silverBefore, strings(wh.read("silver.meetings")));
        // Nothing changed, so no silver table committed anything: no new version, no file rewritten.
        Map<String, Long> silverAfter = new LinkedHashMap<>();
        for (String table : wh.tables("silver")) {
            silverAfter.put(table, wh.version(table));
        }
        assertEquals(silverVersions, silverAfter);
        assertEquals(6, silverAfter.size());

        // Re-running night 1 after its surveys file was withdrawn drops that night's survey rows from bronze.
        Path withdrawn = dir.resolve("night1-without-surveys");
        copyWithout(NIGHT1, withdrawn, "surveys.jsonl");
        IngestJob.run(night(wh, withdrawn, "2025-06-30", "r1-withdrawn"), CONTRACT);
        assertEquals(0, wh.read("bronze.surveys").count());

        long meetingsVersion = wh.version("silver.meetings");
        ingestAndRefine(night(wh, NIGHT2, "2025-07-31", "r2"));
        // Night 2 changes MT4 and adds MT6: one MERGE touching exactly those two rows.
        assertEquals(meetingsVersion + 1, wh.version("silver.meetings"));
        Map<String, Long> merge = wh.lastCommitMetrics("silver.meetings");
        assertEquals(2L, merge.get("numSourceRows"), merge.toString());
        assertEquals(1L, merge.get("numTargetRowsInserted"), merge.toString());
        assertEquals(1L, merge.get("numTargetRowsUpdated"), merge.toString());
        // MT4's rating was corrected from 8 to 9, MT6 is new; MT1 and MT3 were not re-delivered.
        assertEquals(
                List.of("MT1|7", "MT3|null", "MT4|9", "MT6|8"),
                strings(wh.read("silver.meetings").select("meeting_id", "action_rating")));
        // The HRIS snapshot: E3 promoted, E6 hired, E2 (a leaver) vanished but stays known.
        Map<String, String> employees = wh.read("silver.hris_employees").collectAsList().stream()
                .collect(Collectors.toMap(
                        r -> r.getString(0), r -> r.getAs("job_level") + "/" + r.getAs("termination_type")));
        assertEquals(
                Map.of(
                        "E1",
                        "L3/null",
                        "E2",
                        "L1/voluntary",
                        "E3",
                        "L3/null",
                        "E4",
                        "L2/involuntary",
                        "E5",
                        "L5/null",
                        "E6",
                        "L1/null"),
                employees);
        // Bronze keeps both nights.
        assertEquals(bronzeMeetings + 2, wh.read("bronze.meetings").count());
    }

    @Test
    void aRejectedReDeliveryKeepsTheNightsEarlierBronzeBatchUntilOneIsAccepted(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        assertEquals(Pipeline.OK, Pipeline.ingest(night(wh, NIGHT1, "2025-06-30", "r1"), CONTRACT));
        List<String> accepted = strings(wh.read("bronze.meetings").select("meeting_id", "_run_id"));
        // night1's meetings.csv: MT2 (rating 'abc') and MT5 (time 'not-a-time') are quarantined.
        assertEquals(List.of("MT1|r1", "MT3|r1", "MT4|r1"), accepted);

        // The same night re-delivered with a broken meetings file (its status column is gone).
        Path broken = dir.resolve("broken");
        copyWithout(NIGHT1, broken, "meetings.csv");
        Files.writeString(
                broken.resolve("meetings.csv"),
                "meeting_id,match_id,scheduled_at,duration_minutes\nMT1,M1,2024-01-15T10:00:00,45\n");
        assertEquals(Pipeline.BLOCKED, Pipeline.ingest(night(wh, broken, "2025-06-30", "r1-broken"), CONTRACT));
        assertEquals(accepted, strings(wh.read("bronze.meetings").select("meeting_id", "_run_id")));

        // An accepted re-delivery replaces the batch.
        assertEquals(Pipeline.OK, Pipeline.ingest(night(wh, NIGHT1, "2025-06-30", "r1-fixed"), CONTRACT));
        assertEquals(
                List.of("r1-fixed"),
                wh.read("bronze.meetings")
                        .select("_run_id")
                        .distinct()
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList());
    }

    @Test
    void aMissingRequiredColumnRejectsTheDatasetNamingFileAndColumn(@TempDir Path dir) throws Exception {
        Path landing = dir.resolve("landing");
        Files.createDirectories(landing);
        for (String f : List.of("programs.csv", "hris_employees.csv", "participants.csv", "matches.csv")) {
            Files.copy(NIGHT1.resolve(f), landing.resolve(f));
        }
        Files.writeString(
                landing.resolve("meetings.csv"),
                "meeting_id,match_id,scheduled_at,duration_minutes\nMT1,M1,2024-01-15T10:00:00,45\nMT2,M1,2024-01-16T10:00:00,45\n");
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        RunContext ctx = night(wh, landing, "2025-06-30", "r1");

        assertEquals(Pipeline.BLOCKED, Pipeline.ingest(ctx, CONTRACT));
        List<String> rows = strings(
                wh.read("ops.quarantine").filter("dataset = 'meetings'").select("record_key", "rule", "source_line"));
        assertEquals(List.of("MT1|rejected_file|2", "MT2|rejected_file|3"), rows);
        String message =
                wh.read("ops.quarantine").filter("dataset = 'meetings'").first().getAs("message");
        assertTrue(message.contains("meetings.csv line 1"), message);
        assertTrue(message.contains("'status'"), message);
        assertEquals(0, wh.read("bronze.meetings").count());
    }
}
