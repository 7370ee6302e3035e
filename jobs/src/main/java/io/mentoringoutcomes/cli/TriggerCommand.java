package io.mentoringoutcomes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mentoringoutcomes.trigger.AirflowClient;
import io.mentoringoutcomes.trigger.AirflowClient.AirflowException;
import io.mentoringoutcomes.trigger.AirflowClient.Credentials;
import io.mentoringoutcomes.trigger.AirflowClient.TaskState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Triggers the nightly DAG over Airflow 3's REST API, and with --wait follows it to the end.
 * Credentials come from the environment or a file, never from the command line.
 */
@Command(
        name = "trigger",
        mixinStandardHelpOptions = true,
        description = {
            "Trigger the pipeline's Airflow DAG over REST (Airflow 3, /api/v2, JWT) and optionally wait for it.",
            "Credentials: env AIRFLOW_USERNAME and AIRFLOW_PASSWORD, or a file of username=/password= lines",
            "(--credentials-file or env AIRFLOW_CREDENTIALS_FILE). Never on the command line."
        },
        footer = {
            "",
            "Exit codes: 0 triggered (or, with --wait, succeeded); 1 other error; 2 usage or missing credentials;",
            "5 the run failed; 6 --timeout passed; 7 the DAG is paused (use --unpause); 8 Airflow unreachable;",
            "9 authentication failed; 10 DAG (or run) not found."
        })
public final class TriggerCommand implements Callable<Integer> {

    public static final int EXIT_OK = ExitCode.OK;
    public static final int EXIT_ERROR = ExitCode.ERROR;
    public static final int EXIT_USAGE = ExitCode.BAD_CONFIG;
    public static final int EXIT_RUN_FAILED = ExitCode.RUN_FAILED;
    public static final int EXIT_TIMEOUT = ExitCode.TIMEOUT;
    public static final int EXIT_PAUSED = ExitCode.PAUSED;
    public static final int EXIT_UNREACHABLE = ExitCode.UNREACHABLE;
    public static final int EXIT_AUTH = ExitCode.AUTH_FAILED;
    public static final int EXIT_NOT_FOUND = ExitCode.NOT_FOUND;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", description = "Airflow API server (default: env AIRFLOW_URL, else http://127.0.0.1:8080).")
    String url;

    @Option(
            names = "--dag",
            defaultValue = "mentoring_outcomes_nightly",
            description = "DAG id (default: ${DEFAULT-VALUE}).")
    String dagId;

    @Option(
            names = "--run-id",
            description = "dag_run_id (default: manual__<logical date>). Triggering an existing id follows that run.")
    String runId;

    @Option(
            names = "--logical-date",
            description = "UTC timestamp with zone (2026-11-23T02:00:00Z), a date (midnight UTC), or 'none'"
                    + " (default: now, to the second).")
    String logicalDate;

    // Only the DAG's two params: master, Spark settings, jar and warehouse are the Airflow admin's
    // configuration, and the DAG refuses any other run conf key.
    @Option(
            names = "--input",
            description = "params input: the input folder, under the admin's input_root"
                    + " (default in the DAG: the configured input).")
    String input;

    @Option(names = "--as-of", description = "params as_of (YYYY-MM-DD; default in the DAG: the run's logical date).")
    String asOf;

    @Option(
            names = "--credentials-file",
            description = "File with username=... and password=... lines" + " (default: env AIRFLOW_CREDENTIALS_FILE).")
    Path credentialsFile;

    @Option(names = "--unpause", description = "Unpause the DAG if it is paused (otherwise a paused DAG is an error).")
    boolean unpause;

    @Option(names = "--wait", description = "Follow the run until it finishes; exit non-zero naming failed tasks.")
    boolean waitForRun;

    @Option(
            names = "--timeout",
            defaultValue = "3600",
            description = "Seconds to wait with --wait (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(
            names = "--poll-interval",
            defaultValue = "5",
            description = "Seconds between polls with --wait (default: ${DEFAULT-VALUE}).")
    double pollSeconds;

    /** Environment lookup, replaceable in tests. */
    java.util.function.Function<String, String> env = System::getenv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Credentials creds;
        Map<String, String> conf;
        Instant logical;
        try {
            creds = credentials();
            conf = buildConf();
            logical = logicalDate == null
                    ? Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    : AirflowClient.parseLogicalDate(logicalDate);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return EXIT_USAGE;
        }
        String baseUrl = url != null ? url : orDefault(env.apply("AIRFLOW_URL"), "http://127.0.0.1:8080");
        String dagRunId = runId != null ? runId : defaultRunId(logical);

        AirflowClient client = new AirflowClient(baseUrl, Duration.ofSeconds(30));
        try {
            client.login(creds);
            if (client.isPaused(dagId)) {
                if (!unpause) {
                    err.println("error: DAG '" + dagId + "' is paused at " + baseUrl
                            + ": a triggered run would stay queued. Unpause it (--unpause) and trigger again.");
                    return EXIT_PAUSED;
                }
                client.unpause(dagId);
                out.println("unpaused DAG " + dagId);
            }
            AirflowClient.Triggered t = client.trigger(dagId, dagRunId, logical, conf);
            if (t.created()) {
                out.println("triggered " + dagId + " run " + t.dagRunId() + " (logical_date "
                        + (logical == null ? "null" : AirflowClient.formatLogicalDate(logical)) + ")");
            } else {
                String state =
                        client.getDagRun(dagId, t.dagRunId()).path("state").asText("unknown");
                out.println("run " + t.dagRunId() + " of " + dagId + " was already triggered (state " + state + "); "
                        + (waitForRun ? "following it" : "not triggering it again"));
            }
            out.flush();
            return waitForRun ? follow(client, t.dagRunId(), out, err) : EXIT_OK;
        } catch (AirflowException e) {
            err.println("error: " + e.getMessage());
            switch (e.failure()) {
                case UNREACHABLE:
                    return EXIT_UNREACHABLE;
                case AUTHENTICATION:
                    return EXIT_AUTH;
                case NOT_FOUND:
                    return EXIT_NOT_FOUND;
                default:
                    return EXIT_ERROR;
            }
        }
    }

    private int follow(AirflowClient client, String dagRunId, PrintWriter out, PrintWriter err) {
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds(timeoutSeconds).toNanos();
        Map<String, String> seen = new LinkedHashMap<>();
        String lastRunState = null;
        long pollMillis = Math.max(100, (long) (pollSeconds * 1000));
        while (true) {
            JsonNode run = client.getDagRun(dagId, dagRunId);
            String runState = run.path("state").asText("unknown");
            List<TaskState> tasks = client.taskInstances(dagId, dagRunId);
            long elapsed = Duration.ofNanos(System.nanoTime() - start).toSeconds();
            for (TaskState ts : tasks) {
                String label = ts.state() + (ts.tryNumber() > 1 ? " (try " + ts.tryNumber() + ")" : "");
                if (!label.equals(seen.get(ts.taskId()))) {
                    seen.put(ts.taskId(), label);
                    out.printf("[%4ds] %-10s %s%n", elapsed, ts.taskId(), label);
                }
            }
            if (!runState.equals(lastRunState)) {
                lastRunState = runState;
                out.printf("[%4ds] run %s: %s%n", elapsed, dagRunId, runState);
            }
            out.flush();
            if (runState.equals("success")) {
                out.println("run " + dagRunId + " of " + dagId + " succeeded");
                return EXIT_OK;
            }
            if (runState.equals("failed")) {
                List<String> failed = new ArrayList<>();
                List<String> notRun = new ArrayList<>();
                for (TaskState ts : tasks) {
                    if (ts.state().equals("failed")) {
                        failed.add(ts.taskId());
                    } else if (!ts.state().equals("success")) {
                        notRun.add(ts.taskId() + " (" + ts.state() + ")");
                    }
                }
                err.println("error: run " + dagRunId + " of " + dagId + " failed; failed task(s): "
                        + (failed.isEmpty() ? "none recorded" : String.join(", ", failed))
                        + (notRun.isEmpty() ? "" : "; not run: " + String.join(", ", notRun))
                        + ". See the task log in Airflow for the failed checks or the error.");
                return EXIT_RUN_FAILED;
            }
            if (System.nanoTime() > deadline) {
                err.println("error: run " + dagRunId + " of " + dagId + " still " + runState + " after "
                        + timeoutSeconds + " s (--timeout); it goes on in Airflow");
                return EXIT_TIMEOUT;
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_ERROR;
            }
        }
    }

    /** --credentials-file, else AIRFLOW_USERNAME + AIRFLOW_PASSWORD, else AIRFLOW_CREDENTIALS_FILE. */
    Credentials credentials() {
        if (credentialsFile != null) {
            return readCredentialsFile(credentialsFile);
        }
        String user = env.apply("AIRFLOW_USERNAME");
        String pass = env.apply("AIRFLOW_PASSWORD");
        if (user != null && !user.isEmpty() && pass != null) {
            return new Credentials(user, pass);
        }
        String file = env.apply("AIRFLOW_CREDENTIALS_FILE");
        if (file != null && !file.isEmpty()) {
            return readCredentialsFile(Path.of(file));
        }
        throw new IllegalArgumentException("no Airflow credentials: set AIRFLOW_USERNAME and AIRFLOW_PASSWORD,"
                + " or point --credentials-file / AIRFLOW_CREDENTIALS_FILE at a file of username=/password= lines");
    }

    private static Credentials readCredentialsFile(Path file) {
        try {
            return AirflowClient.parseCredentials(Files.readAllLines(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read credentials file " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (" + file + ")");
        }
    }

    /** The run conf: the DAG's params as_of and input, when given. */
    Map<String, String> buildConf() {
        Map<String, String> conf = AirflowClient.conf();
        if (asOf != null) {
            try {
                if (!asOf.matches("\\d{4}-\\d{2}-\\d{2}")) {
                    throw new java.time.format.DateTimeParseException("not YYYY-MM-DD", asOf, 0);
                }
                java.time.LocalDate.parse(asOf);
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("--as-of '" + asOf + "': expected a date YYYY-MM-DD");
            }
        }
        putIfSet(conf, "input", input);
        putIfSet(conf, "as_of", asOf);
        return conf;
    }

    /** manual__2026-11-23T02:00:00Z, or manual__<now> when the logical date is null. */
    static String defaultRunId(Instant logical) {
        return "manual__"
                + AirflowClient.formatLogicalDate(
                        logical != null ? logical : Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    private static void putIfSet(Map<String, String> conf, String key, String value) {
        if (value != null) {
            conf.put(key, value);
        }
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isEmpty() ? fallback : value;
    }
}
