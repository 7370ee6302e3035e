package io.mentoringoutcomes.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.pipeline.Pipeline;
import io.mentoringoutcomes.runs.RunContext;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case under {@code src/test/resources/bad-inputs/<case>/}: the bad file(s) and an
 * {@code expected.properties} (exit code, the dataset, its rows in bronze and in quarantine, a
 * fragment of the one-line cause the run prints). The rest of the night comes from
 * {@code _remainder/}. Add a folder when a new kind of bad export is found.
 *
 * <p>Cheap by design: one Spark session, one warehouse (each case is its own night), ingest
 * (and the gate only where the night should go on), on the three datasets the cases use.
 */
class BadInputCorpusTest extends SparkTestBase {

    private static final Path CORPUS = Path.of("src/test/resources/bad-inputs").toAbsolutePath();
    /** Two required datasets and an optional one, which reference only each other. */
    private static final Contract CONTRACT =
            Contract.standard().only(List.of("programs", "hris_employees", "hris_job_events"));

    @TempDir
    Path dir;

    @Test
    void everyBadInputIsNamedInOneLineAndEveryRowIsAccountedFor() throws Exception {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        wh.overwrite(
                "gold.program_roi",
                spark.createDataFrame(
                        List.of(RowFactory.create("ALL", 1.5)), StructType.fromDDL("program_id STRING, roi DOUBLE")));
        long goldVersion = wh.version("gold.program_roi");

        List<Path> cases;
        try (Stream<Path> s = Files.list(CORPUS)) {
            cases = s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("_"))
                    .sorted()
                    .toList();
        }
        assertTrue(cases.size() >= 12, "corpus: " + cases);
        List<String> failures = new ArrayList<>();
        LocalDate night = LocalDate.parse("2026-01-01");
        for (Path c : cases) {
            night = night.plusDays(1);
            String name = c.getFileName().toString();
            try {
                runCase(wh, c, night, failures);
            } catch (AssertionError | RuntimeException e) {
                failures.add(name + ": " + e);
            }
        }
        assertEquals(List.of(), failures);
        // Nothing in the corpus reached gold.
        assertEquals(goldVersion, wh.version("gold.program_roi"));
    }

    private void runCase(Warehouse wh, Path c, LocalDate night, List<String> failures) throws IOException {
        String name = c.getFileName().toString();
        Properties expected = new Properties();
        try (InputStream in = Files.newInputStream(c.resolve("expected.properties"))) {
            expected.load(in);
        }
        Path landing = dir.resolve("landing").resolve(name);
        Files.createDirectories(landing);
        List<String> delivered = new ArrayList<>();
        try (Stream<Path> files = Files.list(c)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("expected.properties"))
                    .toList()) {
                Files.copy(f, landing.resolve(f.getFileName()));
                delivered.add(f.getFileName().toString().split("\\.")[0]);
            }
        }
        try (Stream<Path> files = Files.list(CORPUS.resolve("_remainder"))) {
            for (Path f : files.toList()) {
                if (!delivered.contains(f.getFileName().toString().split("\\.")[0])) {
                    Files.copy(f, landing.resolve(f.getFileName()));
                }
            }
        }
        String dataset = expected.getProperty("dataset");
        String runId = "corpus-" + name;
        RunContext ctx = new RunContext(wh, Warehouse.toUri(landing.toString()), night, runId);

        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = System.out;
        PrintStream err = System.err;
        int exit;
        try {
            PrintStream tee = new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8);
            System.setOut(tee);
            System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
            exit = Pipeline.ingest(ctx, CONTRACT);
            if (exit == Pipeline.OK && expected.getProperty("stages", "ingest").contains("quality")) {
                exit = Pipeline.quality(ctx, CONTRACT, QualityConfig.defaults());
            }
        } catch (InputContractException e) {
            exit = Pipeline.BLOCKED; // what Main answers for it
            captured.writeBytes(e.getMessage().getBytes(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String output = captured.toString(StandardCharsets.UTF_8);

        check(failures, name, "exit", expected.getProperty("exit"), String.valueOf(exit));
        String fragment = expected.getProperty("message");
        if (!output.contains(fragment)) {
            failures.add(name + ": output lacks \"" + fragment + "\"");
        }
        // Tonight's rows of the dataset, written by this run: in bronze, and in the ingest quarantine.
        long bronze = wh.readIfExists("bronze." + dataset)
                .map(b -> b.filter(col("_run_id").equalTo(runId)).count())
                .orElse(0L);
        long quarantined = wh.readIfExists("ops.quarantine")
                .map(q -> q.filter(col("run_id")
                                .equalTo(runId)
                                .and(col("dataset").equalTo(dataset))
                                .and(col("stage").equalTo("ingest")))
                        .count())
                .orElse(0L);
        check(failures, name, "bronze", expected.getProperty("bronze"), String.valueOf(bronze));
        check(failures, name, "quarantined", expected.getProperty("quarantined"), String.valueOf(quarantined));
        // Each quarantined row names its file and line.
        wh.readIfExists("ops.quarantine").ifPresent(q -> {
            for (Row r : q.filter(col("run_id").equalTo(runId)).collectAsList()) {
                if (r.isNullAt(r.fieldIndex("source_line"))
                        || !r.<String>getAs("source_file").contains(name)) {
                    failures.add(name + ": quarantined row without file and line: " + r);
                }
            }
        });
    }

    private static void check(List<String> failures, String name, String what, String expected, String actual) {
        if (!expected.equals(actual)) {
            failures.add(name + ": " + what + " expected " + expected + " but was " + actual);
        }
    }

    /** Writes to the console and to the capture. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
