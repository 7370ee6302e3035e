package io.mentoringoutcomes.cli;

import io.mentoringoutcomes.config.Setting;
import io.mentoringoutcomes.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * Applies the jar's log4j2 configuration ({@code mentoring-log4j2.properties}) with the effective
 * log format, before the command logs anything. Under spark-submit the cluster's log4j2 configuration
 * was loaded first; this replaces it, so a night logs the same way locally and on a cluster. A
 * {@code -Dlog4j2.configurationFile} naming another file is the user's override and is left alone.
 */
public final class LogSetup {

    /** The system property the configuration file reads the format from. */
    public static final String FORMAT_PROPERTY = "mentoring.log.format";

    static final String CONFIG_RESOURCE = "mentoring-log4j2.properties";

    private LogSetup() {}

    /**
     * The log format from, in order: the {@code --log-format} flag (null when absent), {@code
     * $MENTORING_LOG_FORMAT}, {@code logging.format} in the settings file ({@code configFile}, else
     * {@code $MENTORING_OUTCOMES_CONFIG}), the default {@code human}.
     *
     * @throws Settings.ConfigException naming the flag, variable or file and line of a bad value
     */
    public static String format(String flag, String configFile, Map<String, String> env) {
        Map<Setting, String> flags = flag == null ? Map.of() : Map.of(Setting.LOG_FORMAT, flag);
        return Settings.resolve(configFile, flags, env).logFormat();
    }

    /** Loads the jar's configuration with this format, unless the user chose another configuration file. */
    public static void apply(String format) {
        String chosen = System.getProperty("log4j2.configurationFile");
        if (chosen != null && !chosen.isBlank() && !chosen.endsWith(CONFIG_RESOURCE)) {
            System.setProperty(FORMAT_PROPERTY, format);
            return; // the user's own file (it may read ${sys:mentoring.log.format} too)
        }
        System.setProperty(FORMAT_PROPERTY, usable(format, LoggerContext.class.getClassLoader(), System.err));
        URL url = LogSetup.class.getClassLoader().getResource(CONFIG_RESOURCE);
        if (url == null) {
            throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the classpath");
        }
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.setConfigLocation(uri); // reconfigures, picking up the format property
        }
    }

    static final String JSON_LAYOUT = "org.apache.logging.log4j.layout.template.json.JsonTemplateLayout";

    /**
     * The format the jar's configuration can honour. JSON lines come from JsonTemplateLayout, which
     * is inside this jar; log4j-core collects its plugins once, from its own class loader. Under
     * spark-submit the jar sits in a child class loader that log4j-core cannot see, so the json
     * appenders would fail to build and every line would be lost: then say so, naming the remedy,
     * and log in the human format instead.
     */
    static String usable(String format, ClassLoader log4jLoader, java.io.PrintStream err) {
        if (!"json".equals(format)) {
            return format;
        }
        try {
            Class.forName(JSON_LAYOUT, false, log4jLoader);
            return format;
        } catch (ClassNotFoundException e) {
            err.println("WARN log format json: log4j cannot see the jar's JSON layout (under spark-submit the jar"
                    + " must also be on the driver's class path: --driver-class-path <jar>; the nightly DAG adds"
                    + " it); logging in the human format instead");
            return "human";
        }
    }
}
