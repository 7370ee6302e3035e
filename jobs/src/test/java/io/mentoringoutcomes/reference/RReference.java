package io.mentoringoutcomes.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * R as an independent reference: a test writes its data set as CSV and an R script, runs
 * {@code Rscript}, and reads back lines of {@code key,value} (R prints them with 15 significant
 * digits). R and its survival and cmprsk packages must be installed (.ci/run installs them); a
 * missing R fails the test rather than skipping it, so a comparison can never silently not run.
 */
public final class RReference {

    private RReference() {}

    /** Writes a CSV with a header row; values are written with Java's round-trip double formatting. */
    public static Path writeCsv(Path dir, String name, List<String> header, List<List<Object>> rows)
            throws IOException {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (List<Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (Object o : r) {
                cells.add(String.valueOf(o));
            }
            sb.append(String.join(",", cells)).append('\n');
        }
        Path p = dir.resolve(name);
        Files.writeString(p, sb.toString(), StandardCharsets.UTF_8);
        return p;
    }

    /**
     * Runs {@code script} (its text) with Rscript in {@code dir} and returns every output line of
     * the form {@code key,number} as a map. Fails on a non-zero exit, with R's output.
     */
    public static Map<String, Double> run(Path dir, String script) throws IOException, InterruptedException {
        Path file = dir.resolve("reference.R");
        Files.writeString(file, script, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("Rscript", "--vanilla", file.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("Rscript did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("Rscript failed (" + p.exitValue() + "):\n" + out);
        }
        Map<String, Double> values = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.trim().split(",");
            if (kv.length == 2 && kv[1].matches("-?[0-9.eE+-]+|NA|NaN")) {
                values.put(kv[0], kv[1].matches("NA|NaN") ? Double.NaN : Double.parseDouble(kv[1]));
            }
        }
        if (values.isEmpty()) {
            throw new IllegalStateException("Rscript printed no key,value lines:\n" + out);
        }
        return values;
    }

    /** Formats a key the way the R scripts paste them: parts joined by ':'. */
    public static String key(Object... parts) {
        List<String> s = new ArrayList<>();
        for (Object o : parts) {
            s.add(o instanceof Double d ? String.format(Locale.ROOT, "%s", d) : String.valueOf(o));
        }
        return String.join(":", s);
    }
}
