package io.mentoringoutcomes.pipeline;

import java.io.PrintStream;
import java.util.Locale;

/** What a stage is doing, with counts and timings, one line at a time. */
public final class StageLog {

    private static PrintStream out = System.out;

    private final String stage;
    private final long startNanos = System.nanoTime();

    private StageLog(String stage) {
        this.stage = stage;
    }

    public static StageLog start(String stage, String what) {
        StageLog log = new StageLog(stage);
        log.info(what);
        return log;
    }

    public static void redirect(PrintStream stream) {
        out = stream;
    }

    public void info(String message) {
        out.println("[" + stage + "] " + message);
        out.flush();
    }

    public void warn(String message) {
        out.println("[" + stage + "] WARNING " + message);
        out.flush();
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public void done(String summary) {
        info(summary + String.format(Locale.ROOT, " (%.1f s)", elapsedSeconds()));
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
