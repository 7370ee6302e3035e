package io.mentoringoutcomes.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The code that ran: the build's version and git commit, from the properties file the build writes
 * into the jar (git-commit-id-maven-plugin). "0.1.0-SNAPSHOT+0aa7412…", with "-dirty" for a build of
 * uncommitted changes and "unknown" for a build outside git.
 */
public final class CodeVersion {

    static final String RESOURCE = "/mentoring-outcomes-git.properties";

    private static final String CURRENT = read();

    private CodeVersion() {}

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = CodeVersion.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        String version = p.getProperty("git.build.version", "unknown");
        String commit = p.getProperty("git.commit.id.full", "");
        String dirty = Boolean.parseBoolean(p.getProperty("git.dirty", "false")) ? "-dirty" : "";
        return commit.isBlank() ? version + "+unknown" : version + "+" + commit + dirty;
    }
}
