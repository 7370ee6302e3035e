package io.mentoringoutcomes.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** The configuration file: precedence, what is recorded, and a corpus of hostile files refused by name and line. */
class SettingsTest {

    private static final Path CORPUS = Path.of("src/test/resources/hostile-config");

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @Test
    void theShippedExampleIsExactlyTheBuiltInDefaults() {
        Path example =
                Path.of(System.getProperty("project.root", "..")).resolve("conf/mentoring-outcomes.example.yaml");
        Settings fromFile = Settings.resolve(example.toString(), Map.of(), Map.of());
        assertEquals(MetricsConfig.defaults(), fromFile.metricsConfig());
        assertEquals(QualityConfig.defaults(), fromFile.qualityConfig());
        assertEquals(
                Settings.defaults().toJson().replaceAll("\"sources\".*", ""),
                fromFile.toJson().replaceAll("\"sources\".*", ""));
        assertTrue(
                fromFile.source(Setting.MIN_GROUP_SIZE).endsWith("mentoring-outcomes.example.yaml line 6"),
                fromFile.source(Setting.MIN_GROUP_SIZE));
    }

    /** The README's settings table is documentation of the one declaration: every key, flag and range appears in it. */
    @Test
    void theReadmeListsEverySettingWithItsFlagAndRange() throws IOException {
        String readme = Files.readString(
                Path.of(System.getProperty("project.root", "..")).resolve("README.md"));
        for (Setting s : Setting.values()) {
            String row = readme.lines()
                    .filter(l -> l.startsWith("| `" + s.key() + "` |"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("README has no row for " + s.key()));
            s.flag().ifPresent(f -> assertTrue(row.contains(f + "`"), row));
            String range = s.range().replace("from ", "").replace("1 to 10 values, each ", "");
            assertTrue(
                    row.contains(range.replace("each ", "")) || row.contains(range),
                    s.key() + ": " + range + " in " + row);
        }
    }

    @Test
    void flagsOverrideTheFileWhichOverridesTheDefaults() throws IOException {
        Path file = write(
                "s.yaml",
                "privacy:\n  min_group_size: 15\n  dominance_p_percent: 20\nroi:\n  overhead_rate: 0.3\n"
                        + "  replacement_cost_grid: [0.5, 1]\n");
        Settings s = Settings.resolve(file.toString(), Map.of(Setting.MIN_GROUP_SIZE, "20"), Map.of());
        assertEquals(20, s.minGroupSize());
        assertEquals(20, s.qualityConfig().minGroupSize(), "the audit gets the same k as the metrics");
        assertEquals(0.3, s.metricsConfig().overheadRate());
        assertEquals(20.0, s.metricsConfig().dominancePPercent());
        assertEquals(List.of(0.5, 1.0), s.metricsConfig().replacementCostRatios());
        assertEquals(2080.0, s.metricsConfig().hoursPerYear(), "unset: the default");
        assertEquals("command line --min-group-size", s.source(Setting.MIN_GROUP_SIZE));
        assertEquals(file + " line 5", s.source(Setting.OVERHEAD_RATE));
        assertEquals("default", s.source(Setting.HOURS_PER_YEAR));
    }

    @Test
    void theEnvironmentNamesTheFileWhenNoFlagDoes() throws IOException {
        Path file = write("env.yaml", "privacy:\n  min_group_size: 12\n");
        assertEquals(
                12,
                Settings.resolve(null, Map.of(), Map.of(Settings.ENV, file.toString()))
                        .minGroupSize());
        Path other = write("flag.yaml", "privacy:\n  min_group_size: 14\n");
        assertEquals(
                14,
                Settings.resolve(other.toString(), Map.of(), Map.of(Settings.ENV, file.toString()))
                        .minGroupSize());
        Settings.ConfigException e = assertThrows(
                Settings.ConfigException.class,
                () -> Settings.resolve(
                        null,
                        Map.of(),
                        Map.of(Settings.ENV, dir.resolve("nope.yaml").toString())));
        assertTrue(e.getMessage().contains("nope.yaml ($" + Settings.ENV + "): no such file"), e.getMessage());
    }

    @Test
    void anEmptyFileMeansTheDefaults() throws IOException {
        assertEquals(
                MetricsConfig.defaults(),
                Settings.resolve(write("e.yaml", "# nothing set\n").toString(), Map.of(), Map.of())
                        .metricsConfig());
    }

    @Test
    void whatIsRecordedReadsBackAsTheSameSettings() throws IOException {
        Path file = write(
                "s.yaml",
                "privacy:\n  min_group_size: 11\nroi:\n  replacement_cost_grid: [0.3, 0.6]\nspark:\n  shuffle_partitions: 8\n");
        Settings s = Settings.resolve(file.toString(), Map.of(), Map.of());
        String json = s.toJson();
        assertTrue(json.contains("\"privacy.min_group_size\":11"), json);
        assertTrue(json.contains("\"spark.shuffle_partitions\":8"), json);
        Settings back = Settings.fromRecorded(json);
        assertEquals(s.metricsConfig(), back.metricsConfig());
        assertEquals(s.qualityConfig(), back.qualityConfig());
        assertEquals(8, back.shufflePartitions().orElseThrow());
    }

    @Test
    void hostileFlagsAreRefusedNamingTheFlag() {
        Settings.ConfigException e = assertThrows(
                Settings.ConfigException.class,
                () -> Settings.resolve(null, Map.of(Setting.MIN_GROUP_SIZE, "1"), Map.of()));
        assertEquals(
                "bad configuration: --min-group-size (command line): '1' is outside the allowed range, from 2 to 1000",
                e.getMessage());
        e = assertThrows(
                Settings.ConfigException.class,
                () -> Settings.resolve(null, Map.of(Setting.REPLACEMENT_COST_GRID, "0.1,NaN"), Map.of()));
        assertTrue(e.getMessage().contains("'NaN' is not a plain decimal number"), e.getMessage());
    }

    /** The log format: flag over $MENTORING_LOG_FORMAT over the file over human; a bad value names where it was. */
    @Test
    void theLogFormatIsLayeredFlagEnvironmentFileDefault() throws IOException {
        Path file = write("log.yaml", "logging:\n  format: json\n");
        Map<String, String> env = Map.of("MENTORING_LOG_FORMAT", "human");
        assertEquals("human", Settings.defaults().logFormat());
        assertEquals(
                "json", Settings.resolve(file.toString(), Map.of(), Map.of()).logFormat());
        assertEquals(
                file + " line 2",
                Settings.resolve(file.toString(), Map.of(), Map.of()).source(Setting.LOG_FORMAT));
        Settings fromEnv = Settings.resolve(file.toString(), Map.of(), env);
        assertEquals("human", fromEnv.logFormat(), "the environment overrides the file");
        assertEquals("environment $MENTORING_LOG_FORMAT", fromEnv.source(Setting.LOG_FORMAT));
        Settings fromFlag = Settings.resolve(file.toString(), Map.of(Setting.LOG_FORMAT, "json"), env);
        assertEquals("json", fromFlag.logFormat(), "the flag overrides the environment");
        assertEquals("command line --log-format", fromFlag.source(Setting.LOG_FORMAT));

        Settings.ConfigException e = assertThrows(
                Settings.ConfigException.class,
                () -> Settings.resolve(null, Map.of(), Map.of("MENTORING_LOG_FORMAT", "JSON")));
        assertEquals(
                "bad configuration: $MENTORING_LOG_FORMAT (environment): logging.format: 'JSON' is not allowed; "
                        + "allowed: human, json",
                e.getMessage());
        e = assertThrows(
                Settings.ConfigException.class,
                () -> Settings.resolve(null, Map.of(Setting.LOG_FORMAT, "logfmt"), Map.of()));
        assertEquals(
                "bad configuration: --log-format (command line): 'logfmt' is not allowed; allowed: human, json",
                e.getMessage());
    }

    @Test
    void aFileTooLargeToBeSettingsIsNotParsed() throws IOException {
        Path big = write("big.yaml", "# " + "x".repeat((int) Settings.MAX_FILE_BYTES) + "\n");
        Settings.ConfigException e = assertThrows(
                Settings.ConfigException.class, () -> Settings.resolve(big.toString(), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("big.yaml (--config): larger than 65536 bytes"), e.getMessage());
    }

    /** Each file of the corpus starts with "# expect: <fragment>": it must be refused, naming the file and the fragment. */
    @TestFactory
    Stream<DynamicTest> everyHostileFileIsRefusedWithItsCause() throws IOException {
        List<Path> cases;
        try (Stream<Path> files = Files.list(CORPUS)) {
            cases = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(cases.size() >= 30, "the corpus only grows: " + cases.size());
        return cases.stream()
                .map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                    String first = new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                            .lines()
                            .findFirst()
                            .orElseThrow();
                    assertTrue(first.startsWith("# expect: "), file + " must start with '# expect: '");
                    String expected = first.substring("# expect: ".length());
                    Settings.ConfigException e = assertThrows(
                            Settings.ConfigException.class,
                            () -> Settings.resolve(file.toString(), Map.of(), Map.of()));
                    assertTrue(e.getMessage().startsWith("bad configuration: " + file + " (--config)"), e.getMessage());
                    assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
                }));
    }
}
