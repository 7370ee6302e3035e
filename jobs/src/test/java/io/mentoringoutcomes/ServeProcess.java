package io.mentoringoutcomes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/mentoring-outcomes serve} as its own process, as a deployment runs it: its output is
 * kept line by line, and it is ready when it prints {@code [serve] ready}. Closing sends SIGTERM
 * (serve's shutdown hook stops the Thrift Server and Spark), then kills it after a minute.
 */
public record ServeProcess(Process process, List<String> output, int port) implements AutoCloseable {

    /**
     * Starts serve with {@code args} after the command name, {@code -Xmx1g} plus {@code env}
     * (which may set {@code MENTORING_JAVA_OPTS} itself); completes when it is ready, or
     * exceptionally with its output when it ends first.
     */
    public static CompletableFuture<ServeProcess> start(
            Path projectRoot, String name, int port, Map<String, String> env, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(
                List.of(projectRoot.resolve("bin/mentoring-outcomes").toString(), "serve"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MENTORING_JAVA_OPTS", "-Xmx1g");
        pb.environment().putAll(env);
        Process process = pb.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ServeProcess> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            output.add(line);
                            if (line.startsWith("[serve] ready")) {
                                ready.complete(new ServeProcess(process, output, port));
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                    ready.completeExceptionally(new IllegalStateException(
                            "serve (" + name + ") ended before it was ready:\n" + String.join("\n", output)));
                },
                "serve-" + name);
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    /** Whether serve has printed a line containing {@code text}. */
    public boolean logged(String text) {
        synchronized (output) {
            return output.stream().anyMatch(l -> l.contains(text));
        }
    }

    /** A free TCP port on the loopback interface. */
    public static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
