package io.mentoringoutcomes.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every exit code of every command, in one table, so that a code means one thing whichever command
 * returned it (a scheduler maps codes to retry or fail-at-once without knowing the command). The
 * README's exit-code table and {@code trigger --help} are checked against it. Constants, not an
 * enum, because picocli's annotations (help texts) need compile-time constants.
 */
public final class ExitCode {

    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int BAD_CONFIG = 2;
    public static final int QUALITY_BLOCKED = 3;
    public static final int LEASE_HELD = 4;
    public static final int RUN_FAILED = 5;
    public static final int TIMEOUT = 6;
    public static final int PAUSED = 7;
    public static final int UNREACHABLE = 8;
    public static final int AUTH_FAILED = 9;
    public static final int NOT_FOUND = 10;

    /** What each code means, in code order. */
    public static final Map<Integer, String> MEANINGS = meanings();

    private ExitCode() {}

    private static Map<Integer, String> meanings() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(OK, "done (`trigger`: triggered; with `--wait`, the run succeeded)");
        m.put(ERROR, "any other error (a lost executor, a cluster hiccup, a file that could not be read)");
        m.put(BAD_CONFIG, "bad command line or configuration (one line names the setting), before any Spark job");
        m.put(
                QUALITY_BLOCKED,
                "the input was rejected: a quality gate blocked publication or a delivery broke the contract");
        m.put(LEASE_HELD, "another run holds the warehouse lease (the holder is named; see `--wait-for-lease`)");
        m.put(RUN_FAILED, "`trigger --wait`: the Airflow run failed (the failed tasks are named)");
        m.put(TIMEOUT, "`trigger --wait`: `--timeout` passed");
        m.put(PAUSED, "`trigger`: the DAG is paused (add `--unpause`)");
        m.put(UNREACHABLE, "`trigger`: Airflow unreachable");
        m.put(AUTH_FAILED, "`trigger`: authentication failed");
        m.put(NOT_FOUND, "`trigger`: DAG (or run) not found");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The Markdown table the README carries. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| exit code | meaning |\n|---:|---|\n");
        MEANINGS.forEach((code, meaning) ->
                out.append("| ").append(code).append(" | ").append(meaning).append(" |\n"));
        return out.toString();
    }
}
