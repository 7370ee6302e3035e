package io.mentoringoutcomes.config;

import java.util.Locale;

/** How serious a failed check is. Which levels block publication is {@link QualityConfig#blockingLevels()}. */
public enum Level {
    ERROR,
    WARNING;

    public static Level parse(String s) {
        return s == null ? ERROR : Level.valueOf(s.trim().toUpperCase(Locale.ROOT));
    }

    /** As written to ops tables: {@code error} or {@code warning}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
