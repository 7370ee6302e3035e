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
        System.setProperty(FORMAT_PROPERTY, format);
        String chosen = System.getProperty("log4j2.configurationFile");
        if (chosen != null && !chosen.isBlank() && !chosen.endsWith(CONFIG_RESOURCE)) {
            return; // the user's own file (it may read ${sys:mentoring.log.format} too)
        }
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
}
