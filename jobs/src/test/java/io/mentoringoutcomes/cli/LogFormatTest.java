package io.mentoringoutcomes.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.LauncherRun;
import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.runs.PipelineRuns;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log format as a log shipper sees it: a real {@code ingest} run as its own process
 * ({@code bin/mentoring-outcomes}, the jar's log4j2 configuration) with {@code --log-format json};
 * every stderr line must be one JSON object, and the lines the stage logged must name the night as
 * {@code ops.pipeline_runs} recorded it.
 */
class LogFormatTest extends SparkTestBase {

    @TempDir
    Path dir;

    @Test
    void jsonLogsAreOneObjectPerLineAndCarryTheRecordedRunAndStage() throws Exception {
        String landing =
                projectRoot().resolve("jobs/src/test/resources/landing/night1").toString();
        String whArg = dir.resolve("wh").toString();
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        ProcessBuilder pb = LauncherRun.command(
                        projectRoot(),
                        "ingest",
                        "--input",
                        landing,
                        "--warehouse",
                        whArg,
                        "--run-id",
                        "json-logs",
                        "--master",
                        "local[1]",
                        "--log-format",
                        "json")
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        pb.environment().remove("MENTORING_LOG_FORMAT");
        Process run = pb.start();
        assertTrue(run.waitFor(5, TimeUnit.MINUTES), "ingest finishes");
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        String said = String.join("\n", lines);
        assertEquals(0, run.exitValue(), said);

        // What ops.pipeline_runs recorded for the night, read independently of the logs.
        Warehouse wh = new Warehouse(spark, whArg);
        List<Row> recorded = wh.read(PipelineRuns.TABLE)
                .filter(col("run_id").equalTo("json-logs"))
                .select("run_id", "stage", "as_of")
                .distinct()
                .collectAsList();
        assertEquals(1, recorded.size(), recorded::toString);
        String runId = recorded.get(0).getString(0);
        String stage = recorded.get(0).getString(1);
        String asOf = recorded.get(0).getDate(2).toString();
        assertEquals("ingest", stage);

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event;
            try {
                event = json.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line + "\n" + said, e);
            }
            assertTrue(event != null && event.isObject(), "not a JSON object: " + line);
            for (String field : List.of("timestamp", "level", "logger", "message")) {
                assertTrue(event.hasNonNull(field), field + " missing: " + line);
            }
            events.add(event);
        }
        List<JsonNode> ours = events.stream()
                .filter(e -> e.get("logger").asText().startsWith("io.mentoringoutcomes.ingest."))
                .toList();
        assertTrue(ours.size() >= 5, "the stage's progress lines: " + said);
        assertTrue(
                ours.stream().anyMatch(e -> e.get("message").asText().startsWith("[ingest] landing ")),
                "the stage's first line: " + said);
        // night1 has a rating of 'abc' and a broken JSON line: warnings are logged at WARN.
        assertTrue(ours.stream().anyMatch(e -> e.get("level").asText().equals("WARN")), said);
        for (JsonNode e : ours) {
            assertEquals(runId, e.path("run_id").asText(null), e.toString());
            assertEquals(stage, e.path("stage").asText(null), e.toString());
            assertEquals(asOf, e.path("as_of").asText(null), e.toString());
        }
        // Any line logged inside a stage (Spark's too) names a stage this run recorded.
        Set<String> stages = new TreeSet<>();
        events.stream()
                .filter(e -> e.has("stage"))
                .forEach(e -> stages.add(e.get("stage").asText()));
        assertEquals(Set.of(stage), stages, said);
        assertFalse(Files.readString(stdout).contains("[ingest]"), "progress is logged, not printed to stdout");
    }

    @Test
    void anUnknownLogFormatIsRefusedNamingTheFlagBeforeAnythingRuns() {
        PrintStream err = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = Main.execute(
                    "query", "--warehouse", dir.resolve("none").toString(), "--log-format", "xml", "SELECT 1");
        } finally {
            System.setErr(err);
        }
        String said = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(Main.EXIT_BAD_CONFIG, code, said);
        assertTrue(
                said.contains(
                        "error: bad configuration: --log-format (command line): 'xml' is not allowed; allowed: human, json"),
                said);
        assertFalse(Files.exists(dir.resolve("none")), "nothing ran");
    }
}
