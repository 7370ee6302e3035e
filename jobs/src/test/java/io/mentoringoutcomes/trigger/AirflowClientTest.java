package io.mentoringoutcomes.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.cli.Main;
import io.mentoringoutcomes.trigger.AirflowClient.Credentials;
import io.mentoringoutcomes.trigger.AirflowClient.TaskState;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of the trigger that need no Airflow; the real server is exercised by pipelines/tests. */
class AirflowClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void logicalDateIsUtcToTheSecondWithZ() {
        assertEquals(
                "2026-11-23T02:00:00Z", AirflowClient.formatLogicalDate(Instant.parse("2026-11-23T02:00:00.987654Z")));
    }

    @Test
    void parsesLogicalDates() {
        assertEquals(Instant.parse("2026-11-23T02:00:00Z"), AirflowClient.parseLogicalDate("2026-11-23T02:00:00Z"));
        assertEquals(
                Instant.parse("2026-11-23T02:00:00Z"), AirflowClient.parseLogicalDate("2026-11-23T03:00:00+01:00"));
        assertEquals(Instant.parse("2026-11-23T00:00:00Z"), AirflowClient.parseLogicalDate("2026-11-23"));
        assertNull(AirflowClient.parseLogicalDate("none"));
        // a zone-less timestamp is ambiguous: refused, not guessed
        assertThrows(IllegalArgumentException.class, () -> AirflowClient.parseLogicalDate("2026-11-23T02:00:00"));
        assertThrows(IllegalArgumentException.class, () -> AirflowClient.parseLogicalDate("tonight"));
    }

    @Test
    void triggerBodyHasRunIdLogicalDateAndConf() throws Exception {
        Map<String, String> conf = AirflowClient.conf();
        conf.put("input", "/data/in");
        conf.put("master", "local[2]");
        JsonNode body =
                JSON.readTree(AirflowClient.triggerBody("manual__x", Instant.parse("2026-11-23T02:00:00Z"), conf));
        assertEquals("manual__x", body.get("dag_run_id").asText());
        assertEquals("2026-11-23T02:00:00Z", body.get("logical_date").asText());
        assertEquals("/data/in", body.get("conf").get("input").asText());
        assertEquals("local[2]", body.get("conf").get("master").asText());
        assertEquals(3, body.size());
    }

    @Test
    void nullLogicalDateIsSentAsExplicitNull() throws Exception {
        JsonNode body = JSON.readTree(AirflowClient.triggerBody("r", null, Map.of()));
        assertTrue(body.has("logical_date"), "Airflow's body model requires the field");
        assertTrue(body.get("logical_date").isNull());
        assertTrue(body.get("conf").isObject());
    }

    @Test
    void credentialsFileParsing() {
        Credentials c =
                AirflowClient.parseCredentials(List.of("# airflow", "", "username = admin", "password=s3cr=t "));
        assertEquals("admin", c.username());
        assertEquals("s3cr=t", c.password());
        assertFalse(c.toString().contains("s3cr=t"), "toString must not print the password");
        assertThrows(IllegalArgumentException.class, () -> AirflowClient.parseCredentials(List.of("username=admin")));
        assertThrows(IllegalArgumentException.class, () -> AirflowClient.parseCredentials(List.of("admin:secret")));
    }

    @Test
    void taskInstancesAnswer() throws Exception {
        JsonNode answer =
                JSON.readTree("{\"task_instances\":[{\"task_id\":\"ingest\",\"state\":\"success\",\"try_number\":1},"
                        + "{\"task_id\":\"quality\",\"state\":null,\"try_number\":0}],\"total_entries\":2}");
        List<TaskState> ts = AirflowClient.parseTaskInstances(answer);
        assertEquals(new TaskState("ingest", "success", 1), ts.get(0));
        assertEquals(new TaskState("quality", "none", 0), ts.get(1));
    }

    @Test
    void pathSegmentsAreEncoded() {
        assertEquals(
                "manual__2026-11-23T02%3A00%3A00%2B00%3A00", AirflowClient.seg("manual__2026-11-23T02:00:00+00:00"));
    }

    @Test
    void missingCredentialsIsAUsageErrorWithoutCallingTheServer() {
        // the test JVM may have AIRFLOW_* set; only run the check when it does not
        if (System.getenv("AIRFLOW_USERNAME") != null || System.getenv("AIRFLOW_CREDENTIALS_FILE") != null) {
            return;
        }
        assertEquals(2, Main.execute("trigger", "--url", "http://127.0.0.1:9"));
    }

    @Test
    void unreachableServerIsItsOwnExitCode() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        java.nio.file.Path creds = java.nio.file.Files.createTempFile("airflow-creds", ".properties");
        java.nio.file.Files.writeString(creds, "username=admin\npassword=x\n");
        PrintStream oldErr = System.err;
        try {
            assertEquals(
                    8, // "Airflow unreachable" in the one exit-code table (cli/ExitCode)
                    Main.execute(
                            "trigger", "--url", "http://127.0.0.1:" + port, "--credentials-file", creds.toString()));
        } finally {
            System.setErr(oldErr);
            java.nio.file.Files.deleteIfExists(creds);
        }
    }
}
