package io.mentoringoutcomes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One {@code bin/mentoring-outcomes} command as its own process, as a scheduler runs it: with
 * {@code -Xmx1g}, its output (stdout and stderr merged) kept line by line, and a signal sent the first
 * time a line matches, the way Airflow (SIGTERM) or the kernel's OOM killer (SIGKILL) stops a night.
 *
 * @param exitCode  the process's exit status (128 + the signal's number when a signal ended it)
 * @param output    every line it printed
 * @param signalled whether a line matched and the signal was sent
 */
public record LauncherRun(int exitCode, List<String> output, boolean signalled) {

    /** The launcher's command line for {@code args}, with a 1 GB driver heap. */
    public static ProcessBuilder command(Path projectRoot, String... args) {
        List<String> cmd = new ArrayList<>(
                List.of(projectRoot.resolve("bin/mentoring-outcomes").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MENTORING_JAVA_OPTS", "-Xmx1g");
        return pb;
    }

    /**
     * Runs {@code args}, sends {@code signal} ({@code TERM}, {@code KILL}) once a line matches
     * {@code when}, and waits up to {@code timeoutMinutes} for the process to end.
     */
    public static LauncherRun signalWhen(
            Path projectRoot, Predicate<String> when, String signal, long timeoutMinutes, String... args)
            throws IOException, InterruptedException {
        Process process = command(projectRoot, args).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        boolean signalled = false;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.add(line);
                if (!signalled && when.test(line)) {
                    // kill(1), not Process.destroy, which would also close our end of its output.
                    int sent = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid()))
                            .start()
                            .waitFor();
                    if (sent != 0) {
                        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited " + sent);
                    }
                    signalled = true;
                }
            }
        }
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "still running after " + timeoutMinutes + " min:\n" + String.join("\n", output));
        }
        return new LauncherRun(process.exitValue(), output, signalled);
    }

    /** Everything it printed, for assertion messages. */
    public String said() {
        return String.join("\n", output);
    }
}
