package io.mentoringoutcomes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JIT thresholds the launcher runs a night with are the ones the tests run with: declared in the
 * launcher's {@code JIT_FLAGS} and in the pom's {@code jit.flags} (the launcher cannot read the pom),
 * so this holds the two together, and checks that this test JVM really got them from surefire.
 */
class JitFlagsTest {

    private static final Path ROOT = Path.of(System.getProperty("project.root", ".."));

    @Test
    void theLauncherAndTheTestJvmsUseTheSameJitFlags() throws Exception {
        String launcher = Files.readString(ROOT.resolve("bin/mentoring-outcomes"));
        Matcher array =
                Pattern.compile("(?m)^JIT_FLAGS=\\(\\n((?:\\s+\\S+\\n)+)\\)").matcher(launcher);
        assertTrue(array.find(), "bin/mentoring-outcomes declares JIT_FLAGS=( ... )");
        List<String> fromLauncher =
                Arrays.stream(array.group(1).trim().split("\\s+")).toList();

        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Matcher property = Pattern.compile("<jit\\.flags>([^<]*)</jit\\.flags>").matcher(pom);
        assertTrue(property.find(), "pom.xml declares <jit.flags>");
        List<String> fromPom =
                Arrays.stream(property.group(1).trim().split("\\s+")).toList();

        assertFalse(fromLauncher.isEmpty());
        assertEquals(fromLauncher, fromPom, "bin/mentoring-outcomes JIT_FLAGS and pom.xml jit.flags");
        List<String> thisJvm = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(thisJvm.containsAll(fromPom), "surefire's argLine passes jit.flags: " + thisJvm);
        // The launcher puts them (and its class data sharing flags) before MENTORING_JAVA_OPTS, so an
        // operator's own -XX flags win.
        assertTrue(
                launcher.contains("exec \"$JAVA\" \"${CDS_FLAGS[@]}\" \"${JIT_FLAGS[@]}\" ${MENTORING_JAVA_OPTS:-"),
                "JIT_FLAGS come first on the launcher's java command line, after the archive's flags");
    }
}
