package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;

/**
 * Which format the jar's log configuration can honour. The spark-submit case itself (the jar in a
 * child class loader, JSON lines lost without --driver-class-path) was reproduced by hand and is
 * described in the README; here the rule that decides it, on real class loaders.
 */
class LogSetupTest {

    private static String said(ByteArrayOutputStream err) {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonStaysJsonWhereLog4jSeesTheLayout() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // The launcher and the tests: log4j-core and the layout share one class loader.
        assertEquals(
                "json",
                LogSetup.usable(
                        "json",
                        LoggerContext.class.getClassLoader(),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("", said(err));
    }

    @Test
    void jsonFallsBackToHumanAndNamesTheRemedyWhereLog4jCannotSeeTheLayout() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // A loader that cannot see the jar, as log4j-core's is under spark-submit without --driver-class-path.
        ClassLoader withoutTheJar = ClassLoader.getPlatformClassLoader();
        assertEquals(
                "human", LogSetup.usable("json", withoutTheJar, new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(said(err).contains("--driver-class-path"), said(err));
        assertEquals(1, said(err).lines().count(), "one line: " + said(err));
    }

    @Test
    void humanNeedsNothing() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                "human",
                LogSetup.usable(
                        "human",
                        ClassLoader.getPlatformClassLoader(),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("", said(err));
    }
}
