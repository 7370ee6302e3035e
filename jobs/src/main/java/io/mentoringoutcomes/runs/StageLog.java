package io.mentoringoutcomes.runs;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stage is doing, with counts and timings, one line at a time, through the calling class's
 * SLF4J logger. Each line starts with "[stage] " so it reads as it did on a terminal (the human log
 * format prints our own lines bare); a warning's text says WARNING after the prefix.
 */
public final class StageLog {

    private final Logger log;
    private final String stage;
    private final long startNanos = System.nanoTime();

    private StageLog(Class<?> owner, String stage) {
        this.log = LoggerFactory.getLogger(owner);
        this.stage = stage;
    }

    /** A stage's log under {@code owner}'s logger, its first line {@code what}. */
    public static StageLog start(Class<?> owner, String stage, String what) {
        StageLog log = new StageLog(owner, stage);
        log.info(what);
        return log;
    }

    public void info(String message) {
        log.info("[{}] {}", stage, message);
    }

    public void warn(String message) {
        log.warn("[{}] WARNING {}", stage, message);
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
