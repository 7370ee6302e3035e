package io.mentoringoutcomes.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the pipeline that is ours to choose, declared once: its key in the configuration
 * file, the command-line flag that overrides it, its type, default and allowed range. The loader
 * accepts these keys and nothing else (an allow-list), and the README's configuration table lists them.
 */
public enum Setting {
    MIN_GROUP_SIZE(
            "privacy.min_group_size",
            "--min-group-size",
            Kind.INTEGER,
            "10",
            2,
            1_000,
            "Figures about fewer people are suppressed (k of the disclosure rules)."),
    DOMINANCE_P_PERCENT(
            "privacy.dominance_p_percent",
            null,
            Kind.DECIMAL,
            "10",
            1,
            50,
            "p of the p% rule: a salary or cost total is suppressed when the second largest contributor could learn the largest one to within p percent."),
    OVERHEAD_RATE(
            "roi.overhead_rate",
            "--overhead-rate",
            Kind.DECIMAL,
            "0.25",
            0,
            5,
            "Benefits and overhead on top of salary, for the loaded hourly cost of meeting time."),
    HOURS_PER_YEAR(
            "roi.hours_per_year",
            "--hours-per-year",
            Kind.DECIMAL,
            "2080",
            1,
            8_784,
            "Paid hours a year, to turn salaries into an hourly cost."),
    REPLACEMENT_COST_RATIO(
            "roi.replacement_cost_ratio",
            "--replacement-cost-ratio",
            Kind.DECIMAL,
            "0.21",
            0,
            10,
            "Replacement cost of a leaver as a share of salary (0.21: the Center for American Progress median)."),
    REPLACEMENT_COST_GRID(
            "roi.replacement_cost_grid",
            "--replacement-cost-grid",
            Kind.DECIMAL_LIST,
            "0.21,0.5,1.0,2.0",
            0,
            10,
            "ROI sensitivity grid of replacement cost ratios (1 to 10 values)."),
    ROI_WINDOW_MONTHS(
            "roi.window_months",
            "--roi-window-months",
            Kind.INTEGER,
            "12",
            1,
            120,
            "ROI cohort: mentees whose time zero lies in this many calendar months, ending where 12 months of follow-up are complete."),
    MAX_ERROR_FAILURE_RATE(
            "quality.max_error_failure_rate",
            "--max-error-failure-rate",
            Kind.DECIMAL,
            "0.01",
            0,
            1,
            "Share of a batch's rows that may fail one Error rule (quarantined) before the rule blocks the night."),
    MAX_WARNING_FAILURE_RATE(
            "quality.max_warning_failure_rate",
            null,
            Kind.DECIMAL,
            "0",
            0,
            1,
            "Share of rows that may fail one Warning rule before it is reported."),
    MAX_DUPLICATE_KEY_RATE(
            "quality.max_duplicate_key_rate",
            null,
            Kind.DECIMAL,
            "0.01",
            0,
            1,
            "Share of a batch's rows that may be surplus copies of a key before the night blocks."),
    MAX_SIZE_DECREASE(
            "quality.max_size_decrease",
            null,
            Kind.DECIMAL,
            "0.5",
            0,
            1,
            "Largest relative drop of a snapshot dataset's rows against the previous night before it is an anomaly."),
    MAX_QUARANTINE_RATE_INCREASE(
            "quality.max_quarantine_rate_increase",
            null,
            Kind.DECIMAL,
            "0.05",
            0,
            1,
            "Largest rise of the quarantined share against the previous night before it is an anomaly."),
    ANOMALY_HISTORY_NIGHTS(
            "quality.anomaly_history_nights",
            null,
            Kind.INTEGER,
            "7",
            1,
            366,
            "Previous nights of stored metrics the anomaly checks read."),
    SHUFFLE_PARTITIONS(
            "spark.shuffle_partitions",
            "--shuffle-partitions",
            Kind.INTEGER,
            null,
            1,
            100_000,
            "spark.sql.shuffle.partitions when spark-submit's --conf did not set it (default: 4 on local masters, 200 on clusters)."),
    LOG_FORMAT(
            "logging.format",
            "--log-format",
            "MENTORING_LOG_FORMAT",
            List.of("human", "json"),
            "human",
            "Log lines on stderr: human (the progress lines as they read, others with time and level) or json (one object a line, for log shippers).");

    /** What a value is: checked when read, so a bad one is refused before any Spark job starts. */
    public enum Kind {
        INTEGER,
        DECIMAL,
        DECIMAL_LIST,
        /** One word of a fixed list. */
        CHOICE
    }

    private final String key;
    private final String flag;
    private final Kind kind;
    private final String defaultValue;
    private final double min;
    private final double max;
    private final String description;
    private final String env;
    private final List<String> choices;

    Setting(String key, String flag, Kind kind, String defaultValue, double min, double max, String description) {
        this.key = key;
        this.flag = flag;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.description = description;
        this.env = null;
        this.choices = List.of();
    }

    /** A choice among words; the environment variable, if any, sits between the flag and the file. */
    Setting(String key, String flag, String env, List<String> choices, String defaultValue, String description) {
        this.key = key;
        this.flag = flag;
        this.kind = Kind.CHOICE;
        this.defaultValue = defaultValue;
        this.min = 0;
        this.max = 0;
        this.description = description;
        this.env = env;
        this.choices = choices;
    }

    /** The environment variable that overrides the file (but not the flag), if the setting has one. */
    public Optional<String> env() {
        return Optional.ofNullable(env);
    }

    public String key() {
        return key;
    }

    /** The command-line flag that overrides the file, if the setting has one. */
    public Optional<String> flag() {
        return Optional.ofNullable(flag);
    }

    public Kind kind() {
        return kind;
    }

    /** The built-in default as text, or empty when it is derived at run time. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    public String description() {
        return description;
    }

    /** The allowed range, as the README and error messages state it. */
    public String range() {
        if (kind == Kind.CHOICE) {
            return String.join(" or ", choices);
        }
        String lo = number(min);
        String hi = number(max);
        return kind == Kind.DECIMAL_LIST ? "1 to 10 values, each from " + lo + " to " + hi : "from " + lo + " to " + hi;
    }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    /**
     * Parses and checks a value given as text (a file scalar, a flag, a list's items joined by
     * commas). Returns Integer, Double, List&lt;Double&gt; or String (a choice); throws IllegalArgumentException with
     * the reason, which the caller places (file and line, or flag).
     */
    public Object parse(String text) {
        String t = text == null ? "" : text.strip();
        return switch (kind) {
            case INTEGER -> {
                int v;
                try {
                    v = Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + t + "' is not a whole number");
                }
                yield (Integer) (int) inRange(v, t);
            }
            case DECIMAL -> inRange(decimal(t), t);
            case CHOICE -> {
                if (!choices.contains(t)) {
                    throw new IllegalArgumentException(
                            "'" + t + "' is not allowed; allowed: " + String.join(", ", choices));
                }
                yield t;
            }
            case DECIMAL_LIST -> {
                List<String> items =
                        Arrays.stream(t.split(",", -1)).map(String::strip).toList();
                if (t.isEmpty() || items.size() > 10) {
                    throw new IllegalArgumentException("'" + t + "' must be 1 to 10 values");
                }
                yield items.stream().map(i -> inRange(decimal(i), i)).toList();
            }
        };
    }

    private static double decimal(String t) {
        // Plain decimals only: no hex, no NaN/Infinity, no exponent tricks such as 1e400.
        if (!t.matches("-?\\d{1,12}(\\.\\d{1,12})?")) {
            throw new IllegalArgumentException("'" + t + "' is not a plain decimal number");
        }
        return Double.parseDouble(t);
    }

    private double inRange(double v, String t) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("'" + t + "' is outside the allowed range, " + range());
        }
        return v;
    }

    private static String number(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
