package io.mentoringoutcomes.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small client for Airflow 3's REST API (v2, JWT auth): log in, check a DAG, trigger a run,
 * follow it. Errors come out as {@link AirflowException} with a {@link Failure} kind, so a
 * command can map each to its own exit code and a one-line message.
 */
public final class AirflowClient {

    /** What went wrong, coarse enough to give each its own exit code. */
    public enum Failure {
        UNREACHABLE,
        AUTHENTICATION,
        NOT_FOUND,
        HTTP
    }

    /** One-line, user-facing error. Never carries a password. */
    public static final class AirflowException extends RuntimeException {
        private final Failure failure;
        private final int status;

        public AirflowException(Failure failure, int status, String message) {
            super(message);
            this.failure = failure;
            this.status = status;
        }

        public Failure failure() {
            return failure;
        }

        /** HTTP status, or 0 when no response came back. */
        public int status() {
            return status;
        }
    }

    /** Username and password for /auth/token. toString hides the password. */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    /** The result of a trigger: the run's id and whether this call created it (false on 409). */
    public record Triggered(String dagRunId, boolean created) {}

    /** One task instance's id and state (state is "none" while it has none). */
    public record TaskState(String taskId, String state, int tryNumber) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter ISO_SECONDS = DateTimeFormatter.ISO_INSTANT;

    private final URI base;
    private final HttpClient http;
    private final Duration requestTimeout;
    private Credentials credentials;
    private String token;

    public AirflowClient(String baseUrl, Duration requestTimeout) {
        String trimmed = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.base = URI.create(trimmed);
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                // HTTP/1.1: the JDK's default h2c upgrade header on http:// makes Airflow's uvicorn answer 500
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public String baseUrl() {
        return base.toString();
    }

    // ---------------------------------------------------------------- auth

    /** POST /auth/token; 401/403 (or 400/422) there means the credentials are wrong. */
    public void login(Credentials creds) {
        this.credentials = creds;
        ObjectNode body = JSON.createObjectNode();
        body.put("username", creds.username());
        body.put("password", creds.password());
        HttpResponse<String> resp = send(
                HttpRequest.newBuilder(uri("/auth/token"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)),
                false);
        int s = resp.statusCode();
        if (s == 401 || s == 403) {
            throw new AirflowException(
                    Failure.AUTHENTICATION,
                    s,
                    "authentication failed at " + base + "/auth/token for user '" + creds.username() + "' (HTTP " + s
                            + "): wrong username or password");
        }
        if (s == 404) {
            throw new AirflowException(
                    Failure.NOT_FOUND,
                    s,
                    base + "/auth/token not found (HTTP 404):" + " is this an Airflow 3 API server?");
        }
        if (s / 100 != 2) {
            throw httpError("POST /auth/token", resp);
        }
        JsonNode tokenNode = parse(resp).get("access_token");
        if (tokenNode == null || tokenNode.asText().isEmpty()) {
            throw new AirflowException(Failure.HTTP, s, "no access_token in the answer of " + base + "/auth/token");
        }
        this.token = tokenNode.asText();
    }

    // ---------------------------------------------------------------- DAGs

    /** GET /api/v2/dags/{dag}; 404 means no such DAG (or not parsed yet). */
    public JsonNode getDag(String dagId) {
        HttpResponse<String> resp = api("GET", "/api/v2/dags/" + seg(dagId), null);
        if (resp.statusCode() == 404) {
            throw new AirflowException(
                    Failure.NOT_FOUND,
                    404,
                    "DAG '" + dagId + "' not found at " + base
                            + " (HTTP 404): check --dag, and that the DAG file is in the dags folder and parses");
        }
        expect2xx("GET dag " + dagId, resp);
        return parse(resp);
    }

    public boolean isPaused(String dagId) {
        return getDag(dagId).path("is_paused").asBoolean(false);
    }

    /** PATCH /api/v2/dags/{dag} {"is_paused": false}. */
    public void unpause(String dagId) {
        ObjectNode body = JSON.createObjectNode();
        body.put("is_paused", false);
        HttpResponse<String> resp = api("PATCH", "/api/v2/dags/" + seg(dagId), body.toString());
        if (resp.statusCode() == 404) {
            throw new AirflowException(Failure.NOT_FOUND, 404, "DAG '" + dagId + "' not found at " + base);
        }
        expect2xx("unpause " + dagId, resp);
    }

    // ---------------------------------------------------------------- runs

    /** POST /api/v2/dags/{dag}/dagRuns; a 409 means the run id exists already: not an error. */
    public Triggered trigger(String dagId, String dagRunId, Instant logicalDate, Map<String, String> conf) {
        String body = triggerBody(dagRunId, logicalDate, conf);
        HttpResponse<String> resp = api("POST", "/api/v2/dags/" + seg(dagId) + "/dagRuns", body);
        int s = resp.statusCode();
        if (s == 409) {
            // the run id exists (triggered before: follow it), or another run holds this logical date
            if (dagRunId != null && runExists(dagId, dagRunId)) {
                return new Triggered(dagRunId, false);
            }
            throw new AirflowException(
                    Failure.HTTP,
                    409,
                    "Airflow refused run '" + dagRunId + "' (HTTP 409):"
                            + " another run of " + dagId + " has logical_date "
                            + (logicalDate == null ? "null" : formatLogicalDate(logicalDate))
                            + "; pass another --logical-date, or that run's id as --run-id to follow it");
        }
        if (s == 404) {
            throw new AirflowException(
                    Failure.NOT_FOUND, 404, "DAG '" + dagId + "' not found at " + base + " (HTTP 404)");
        }
        expect2xx("trigger " + dagId, resp);
        JsonNode id = parse(resp).get("dag_run_id");
        return new Triggered(id != null ? id.asText() : dagRunId, true);
    }

    /** GET /api/v2/dags/{dag}/dagRuns/{run}. */
    public JsonNode getDagRun(String dagId, String dagRunId) {
        HttpResponse<String> resp = api("GET", "/api/v2/dags/" + seg(dagId) + "/dagRuns/" + seg(dagRunId), null);
        if (resp.statusCode() == 404) {
            throw new AirflowException(
                    Failure.NOT_FOUND, 404, "run '" + dagRunId + "' of DAG '" + dagId + "' not found at " + base);
        }
        expect2xx("get run " + dagRunId, resp);
        return parse(resp);
    }

    private boolean runExists(String dagId, String dagRunId) {
        HttpResponse<String> resp = api("GET", "/api/v2/dags/" + seg(dagId) + "/dagRuns/" + seg(dagRunId), null);
        return resp.statusCode() / 100 == 2;
    }

    /** GET .../dagRuns/{run}/taskInstances, in the order Airflow lists them. */
    public List<TaskState> taskInstances(String dagId, String dagRunId) {
        HttpResponse<String> resp = api(
                "GET", "/api/v2/dags/" + seg(dagId) + "/dagRuns/" + seg(dagRunId) + "/taskInstances?limit=1000", null);
        expect2xx("get task instances of " + dagRunId, resp);
        return parseTaskInstances(parse(resp));
    }

    // ---------------------------------------------------------------- pure helpers (unit-tested)

    /** The JSON body of a trigger: dag_run_id, an explicit UTC logical_date (or null), conf. */
    public static String triggerBody(String dagRunId, Instant logicalDate, Map<String, String> conf) {
        ObjectNode body = JSON.createObjectNode();
        if (dagRunId != null) {
            body.put("dag_run_id", dagRunId);
        }
        if (logicalDate == null) {
            body.putNull("logical_date"); // the field must be present; null is allowed
        } else {
            body.put("logical_date", formatLogicalDate(logicalDate));
        }
        ObjectNode confNode = body.putObject("conf");
        conf.forEach(confNode::put);
        return body.toString();
    }

    /** UTC, seconds precision, with a Z: what Airflow's strict body model accepts. */
    public static String formatLogicalDate(Instant instant) {
        return ISO_SECONDS.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Parses --logical-date: an ISO timestamp with a zone or offset ("2026-11-23T02:00:00Z",
     * "2026-11-23T03:00:00+01:00"), a plain date (midnight UTC), or "none" (null: Airflow then has
     * no logical date for the run). A timestamp without a zone is refused rather than guessed.
     */
    public static Instant parseLogicalDate(String text) {
        if (text == null || text.isBlank() || text.equalsIgnoreCase("none") || text.equalsIgnoreCase("null")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.SECONDS);
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notDate) {
                throw new IllegalArgumentException("--logical-date '" + text + "' is neither an ISO timestamp"
                        + " with a time zone (2026-11-23T02:00:00Z) nor a date (2026-11-23) nor 'none'");
            }
        }
    }

    /** Reads username=... and password=... lines; blank lines and # comments are skipped. */
    public static Credentials parseCredentials(List<String> lines) {
        String user = null;
        String pass = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(
                        "credentials file: expected key=value lines" + " (username=..., password=...)");
            }
            String key = line.substring(0, eq).strip().toLowerCase();
            String value = line.substring(eq + 1).strip();
            if (key.equals("username")) {
                user = value;
            } else if (key.equals("password")) {
                pass = value;
            }
        }
        if (user == null || user.isEmpty() || pass == null) {
            throw new IllegalArgumentException("credentials file: needs both a username= and a password= line");
        }
        return new Credentials(user, pass);
    }

    /** The task instances of a taskInstances answer. */
    public static List<TaskState> parseTaskInstances(JsonNode answer) {
        List<TaskState> out = new ArrayList<>();
        for (JsonNode ti : answer.path("task_instances")) {
            JsonNode state = ti.get("state");
            out.add(new TaskState(
                    ti.path("task_id").asText(),
                    state == null || state.isNull() ? "none" : state.asText(),
                    ti.path("try_number").asInt(0)));
        }
        return out;
    }

    /** Percent-encodes one path segment (run ids carry ':' and '+'). */
    static String seg(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            int ch = c & 0xff;
            if ((ch >= 'a' && ch <= 'z')
                    || (ch >= 'A' && ch <= 'Z')
                    || (ch >= '0' && ch <= '9')
                    || ch == '-'
                    || ch == '.'
                    || ch == '_'
                    || ch == '~') {
                b.append((char) ch);
            } else {
                b.append('%').append(String.format("%02X", ch));
            }
        }
        return b.toString();
    }

    /** A conf map, in insertion order. */
    public static Map<String, String> conf() {
        return new LinkedHashMap<>();
    }

    // ---------------------------------------------------------------- plumbing

    private URI uri(String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private HttpResponse<String> api(String method, String path, String jsonBody) {
        HttpResponse<String> resp = send(request(method, path, jsonBody), true);
        if (resp.statusCode() == 401 && credentials != null) {
            login(credentials); // the token expired during a long --wait: log in again, once
            resp = send(request(method, path, jsonBody), true);
        }
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw new AirflowException(
                    Failure.AUTHENTICATION,
                    resp.statusCode(),
                    method + " " + path + " was refused (HTTP " + resp.statusCode() + "): the user lacks permission");
        }
        return resp;
    }

    private HttpRequest.Builder request(String method, String path, String jsonBody) {
        if (token == null) {
            throw new IllegalStateException("login() first");
        }
        HttpRequest.BodyPublisher publisher = jsonBody == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + token)
                .method(method, publisher);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder, boolean authorized) {
        HttpRequest req = builder.timeout(requestTimeout).build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new AirflowException(
                    Failure.UNREACHABLE, 0, "cannot reach Airflow at " + base + ": connection timed out");
        } catch (ConnectException e) {
            throw new AirflowException(
                    Failure.UNREACHABLE,
                    0,
                    "cannot reach Airflow at " + base
                            + ": connection refused (is the API server running, and is --url / AIRFLOW_URL right?)");
        } catch (HttpTimeoutException e) {
            throw new AirflowException(
                    Failure.UNREACHABLE,
                    0,
                    "Airflow at " + base + " did not answer " + req.method() + " "
                            + req.uri().getPath() + " within " + requestTimeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new AirflowException(
                    Failure.UNREACHABLE,
                    0,
                    "cannot reach Airflow at " + base + ": "
                            + (e.getMessage() != null
                                    ? e.getMessage()
                                    : e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirflowException(Failure.UNREACHABLE, 0, "interrupted while calling " + base);
        }
    }

    private static void expect2xx(String what, HttpResponse<String> resp) {
        if (resp.statusCode() / 100 != 2) {
            throw httpError(what, resp);
        }
    }

    private static AirflowException httpError(String what, HttpResponse<String> resp) {
        String detail =
                resp.body() == null ? "" : resp.body().replaceAll("\\s+", " ").strip();
        if (detail.length() > 300) {
            detail = detail.substring(0, 300) + "...";
        }
        return new AirflowException(
                Failure.HTTP,
                resp.statusCode(),
                what + " failed: HTTP " + resp.statusCode() + (detail.isEmpty() ? "" : ": " + detail));
    }

    private static JsonNode parse(HttpResponse<String> resp) {
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new AirflowException(
                    Failure.HTTP, resp.statusCode(), "unreadable JSON from " + resp.uri() + ": " + e.getMessage());
        }
    }
}
