package io.mentoringoutcomes.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The pipeline's effective configuration: each {@link Setting} from, in order of precedence, the
 * command line, the configuration file ({@code --config FILE}, else {@code $MENTORING_OUTCOMES_CONFIG}),
 * and the built-in default. Every command reads it the same way, and every night records it (with the
 * code version) in {@code ops.pipeline_runs}, so the audit and the report can use what metrics used.
 */
public final class Settings {

    /** The environment variable naming the configuration file when {@code --config} is not given. */
    public static final String ENV = "MENTORING_OUTCOMES_CONFIG";

    /** Largest configuration file read: a settings file is a few hundred bytes. */
    static final int MAX_FILE_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Setting, Object> values;
    private final Map<Setting, String> sources;

    private Settings(Map<Setting, Object> values, Map<Setting, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** The built-in defaults only. */
    public static Settings defaults() {
        return resolve(null, Map.of(), Map.of());
    }

    /**
     * The effective configuration.
     *
     * @param configFile the {@code --config} value, or null to use {@code $MENTORING_OUTCOMES_CONFIG} (from {@code env})
     * @param flags settings given on the command line, as text (a setting with an environment variable,
     *     {@link Setting#env()}, takes it from {@code env} when no flag gives it, over the file)
     * @throws ConfigException naming the setting and where it was read, before any Spark job starts
     */
    public static Settings resolve(String configFile, Map<Setting, String> flags, Map<String, String> env) {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        Map<Setting, String> sources = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            s.defaultValue().ifPresent(d -> {
                values.put(s, s.parse(d));
                sources.put(s, "default");
            });
        }
        String file = configFile != null && !configFile.isBlank() ? configFile : env.get(ENV);
        if (file != null && !file.isBlank()) {
            String from = configFile != null && !configFile.isBlank() ? "--config" : "$" + ENV;
            readFile(Path.of(file), from, values, sources);
        }
        for (Setting s : Setting.values()) {
            String name = s.env().orElse(null);
            String text = name == null || flags.containsKey(s) ? null : env.get(name);
            if (text != null && !text.isBlank()) {
                try {
                    values.put(s, s.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("$" + name + " (environment): " + s.key() + ": " + e.getMessage());
                }
                sources.put(s, "environment $" + name);
            }
        }
        flags.forEach((s, text) -> {
            try {
                values.put(s, s.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(s.flag().orElse(s.key()) + " (command line): " + e.getMessage());
            }
            sources.put(s, "command line " + s.flag().orElse(s.key()));
        });
        return new Settings(values, sources);
    }

    /** The settings recorded with a night ({@link #toJson()}), as they were: no file, no flags. */
    public static Settings fromRecorded(String json) {
        Map<Setting, Object> values = new EnumMap<>(Setting.class);
        Map<Setting, String> sources = new EnumMap<>(Setting.class);
        try {
            var node = JSON.readTree(json).path("settings");
            node.fields()
                    .forEachRemaining(e -> Setting.byKey(e.getKey()).ifPresent(s -> {
                        String text = e.getValue().isArray()
                                ? java.util.stream.StreamSupport.stream(
                                                e.getValue().spliterator(), false)
                                        .map(v -> v.asText())
                                        .collect(Collectors.joining(","))
                                : e.getValue().asText();
                        values.put(s, s.parse(text));
                        sources.put(s, "recorded");
                    }));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("the recorded configuration cannot be read: " + e.getMessage());
        }
        return new Settings(values, sources);
    }

    private static void readFile(Path path, String from, Map<Setting, Object> values, Map<Setting, String> sources) {
        String where = path + " (" + from + ")";
        String text;
        try {
            if (!Files.isRegularFile(path)) {
                throw new ConfigException(where + ": no such file");
            }
            // The limit is enforced by the read itself (at most one byte more), not by a size looked up
            // before it: a file that grows in between cannot get past.
            byte[] bytes;
            try (var in = Files.newInputStream(path)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw new ConfigException(where + ": larger than " + MAX_FILE_BYTES + " bytes; not a settings file");
            }
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(where + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(where + ": cannot be read: " + e.getMessage());
        }
        Node root;
        try (Reader reader = new java.io.StringReader(text)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(0);
            options.setNestingDepthLimit(4);
            options.setCodePointLimit((int) MAX_FILE_BYTES);
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            throw new ConfigException(at(where, e.getProblemMark()) + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException | IOException e) {
            throw new ConfigException(where + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            return; // an empty file: the defaults
        }
        MappingNode sections =
                mapping(root, where, "the file must be a mapping of sections (privacy, roi, quality, spark, logging)");
        Set<Setting> seen = EnumSet.noneOf(Setting.class);
        for (NodeTuple section : sections.getValue()) {
            String sectionName = scalarKey(section.getKeyNode(), where);
            if (section.getValueNode() instanceof ScalarNode empty
                    && empty.getTag().equals(Tag.NULL)) {
                continue; // a section with everything commented out
            }
            MappingNode entries = mapping(
                    section.getValueNode(), where, "section '" + sectionName + "' must be a mapping of settings");
            for (NodeTuple entry : entries.getValue()) {
                String key = sectionName + "." + scalarKey(entry.getKeyNode(), where);
                Node valueNode = entry.getValueNode();
                Setting s = Setting.byKey(key)
                        .orElseThrow(() ->
                                new ConfigException(at(where, entry.getKeyNode().getStartMark()) + ": unknown setting '"
                                        + key + "'; allowed: " + allowedKeys()));
                if (!seen.add(s)) {
                    throw new ConfigException(
                            at(where, entry.getKeyNode().getStartMark()) + ": '" + key + "' is set twice");
                }
                try {
                    values.put(s, s.parse(valueText(s, valueNode, where)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(at(where, valueNode.getStartMark()) + ": " + key + ": " + e.getMessage());
                }
                sources.put(s, path + " line " + (valueNode.getStartMark().getLine() + 1));
            }
        }
    }

    private static String valueText(Setting s, Node node, String where) {
        if (node instanceof ScalarNode scalar) {
            requirePlain(node, where);
            return scalar.getValue();
        }
        if (node instanceof SequenceNode seq && s.kind() == Setting.Kind.DECIMAL_LIST) {
            List<String> items = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode scalar)) {
                    throw new ConfigException(
                            at(where, item.getStartMark()) + ": " + s.key() + ": list items must be numbers");
                }
                requirePlain(item, where);
                items.add(scalar.getValue());
            }
            return String.join(",", items);
        }
        throw new ConfigException(at(where, node.getStartMark()) + ": " + s.key() + ": expected "
                + switch (s.kind()) {
                    case DECIMAL_LIST -> "a list of numbers";
                    case CHOICE -> "one of " + s.range();
                    default -> "a number";
                });
    }

    /** Only the standard scalar tags: a {@code !!java...} or custom tag is refused, never constructed. */
    private static void requirePlain(Node node, String where) {
        Tag tag = node.getTag();
        if (!(tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT))) {
            throw new ConfigException(
                    at(where, node.getStartMark()) + ": the tag " + tag.getValue() + " is not allowed");
        }
    }

    private static MappingNode mapping(Node node, String where, String what) {
        if (node instanceof MappingNode m && m.getTag().equals(Tag.MAP)) {
            return m;
        }
        throw new ConfigException(at(where, node.getStartMark()) + ": " + what);
    }

    private static String scalarKey(Node node, String where) {
        if (node instanceof ScalarNode s
                && s.getTag().equals(Tag.STR)
                && s.getValue().matches("[a-z][a-z0-9_]{0,63}")) {
            return s.getValue();
        }
        throw new ConfigException(
                at(where, node.getStartMark()) + ": a key must be a lower-case name; allowed: " + allowedKeys());
    }

    private static String at(String where, Mark mark) {
        return mark == null ? where : where + " line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    static String allowedKeys() {
        return java.util.Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.joining(", "));
    }

    /** These settings with another threshold, noting where it came from. */
    public Settings withMinGroupSize(int k, String source) {
        Map<Setting, Object> v = new EnumMap<>(values);
        Map<Setting, String> src = new EnumMap<>(sources);
        v.put(Setting.MIN_GROUP_SIZE, k);
        src.put(Setting.MIN_GROUP_SIZE, source);
        return new Settings(v, src);
    }

    /** The value of a setting, or empty when it has no default and nothing set it. */
    public Optional<Object> value(Setting s) {
        return Optional.ofNullable(values.get(s));
    }

    public int minGroupSize() {
        return (Integer) values.get(Setting.MIN_GROUP_SIZE);
    }

    /** spark.sql.shuffle.partitions when set here or on the command line; otherwise the master decides. */
    public Optional<Integer> shufflePartitions() {
        return value(Setting.SHUFFLE_PARTITIONS).map(Integer.class::cast);
    }

    /** human or json: how log lines are written (cli/LogSetup). */
    public String logFormat() {
        return (String) values.get(Setting.LOG_FORMAT);
    }

    /** Where each setting came from: default, the file and its line, or the command line. */
    public String source(Setting s) {
        return sources.getOrDefault(s, "unset");
    }

    @SuppressWarnings("unchecked")
    public MetricsConfig metricsConfig() {
        MetricsConfig d = MetricsConfig.defaults();
        return new MetricsConfig(
                minGroupSize(),
                decimal(Setting.DOMINANCE_P_PERCENT),
                decimal(Setting.OVERHEAD_RATE),
                decimal(Setting.HOURS_PER_YEAR),
                decimal(Setting.REPLACEMENT_COST_RATIO),
                (List<Double>) values.get(Setting.REPLACEMENT_COST_GRID),
                d.roiHorizonMonths(),
                (Integer) values.get(Setting.ROI_WINDOW_MONTHS),
                d.retentionHorizonsMonths(),
                d.promotionHorizonsMonths());
    }

    public QualityConfig qualityConfig() {
        return new QualityConfig(
                decimal(Setting.MAX_ERROR_FAILURE_RATE),
                decimal(Setting.MAX_WARNING_FAILURE_RATE),
                decimal(Setting.MAX_DUPLICATE_KEY_RATE),
                EnumSet.of(Level.ERROR),
                Level.WARNING,
                decimal(Setting.MAX_SIZE_DECREASE),
                decimal(Setting.MAX_QUARANTINE_RATE_INCREASE),
                (Integer) values.get(Setting.ANOMALY_HISTORY_NIGHTS),
                minGroupSize());
    }

    private double decimal(Setting s) {
        return (Double) values.get(s);
    }

    /** {"settings": {key: value}, "sources": {key: where}}: what ops.pipeline_runs records. */
    public String toJson() {
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            if (values.containsKey(s)) {
                settings.put(s.key(), values.get(s));
                from.put(s.key(), sources.get(s));
            }
        }
        try {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("settings", settings);
            out.put("sources", from);
            return JSON.writeValueAsString(out);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A bad setting: the message names the setting and where it was read (file, line, column, or flag). */
    public static final class ConfigException extends IllegalArgumentException {
        public ConfigException(String message) {
            super("bad configuration: " + message);
        }
    }
}
