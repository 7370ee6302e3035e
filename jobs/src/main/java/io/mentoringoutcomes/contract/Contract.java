package io.mentoringoutcomes.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The whole input contract: every dataset of {@code schemas/}, in dependency order. It is
 * read from the classpath, where the build copies {@code schemas/}, so the jar carries it.
 */
public final class Contract {

    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    private static volatile Contract standard;

    private final Map<String, DatasetContract> datasets;

    Contract(List<DatasetContract> datasets) {
        Map<String, DatasetContract> byName = new LinkedHashMap<>();
        for (DatasetContract d : datasets) {
            byName.put(d.dataset(), d);
        }
        this.datasets = byName;
        validateReferences();
    }

    /** The contract shipped in {@code schemas/}. */
    public static Contract standard() {
        if (standard == null) {
            synchronized (Contract.class) {
                if (standard == null) {
                    standard = load();
                }
            }
        }
        return standard;
    }

    private record Index(@JsonProperty("datasets") List<String> datasets) {}

    private static Contract load() {
        Index index = readYaml("schemas/datasets.yaml", Index.class);
        List<DatasetContract> list = new ArrayList<>();
        for (String name : index.datasets()) {
            DatasetContract d = readYaml("schemas/" + name + ".yaml", DatasetContract.class);
            if (!d.dataset().equals(name)) {
                throw new IllegalStateException("schemas/" + name + ".yaml declares dataset " + d.dataset());
            }
            list.add(d);
        }
        return new Contract(list);
    }

    private static <T> T readYaml(String resource, Class<T> type) {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("contract file missing from the classpath: " + resource);
            }
            return YAML.readValue(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read contract " + resource + ": " + e.getMessage(), e);
        }
    }

    private void validateReferences() {
        for (DatasetContract d : datasets.values()) {
            for (ColumnSpec c : d.columns()) {
                String[] target = c.referenceTarget();
                if (target.length == 2) {
                    DatasetContract ref = datasets.get(target[0]);
                    if (ref == null || ref.column(target[1]).isEmpty()) {
                        throw new IllegalStateException(
                                d.dataset() + "." + c.name() + " references unknown " + c.references());
                    }
                }
            }
        }
    }

    /** The contract restricted to {@code names} (which must include what they reference), in contract order. */
    public Contract only(List<String> names) {
        return new Contract(datasets.values().stream()
                .filter(d -> names.contains(d.dataset()))
                .toList());
    }

    public List<DatasetContract> datasets() {
        return List.copyOf(datasets.values());
    }

    public DatasetContract dataset(String name) {
        DatasetContract d = datasets.get(name);
        if (d == null) {
            throw new NoSuchElementException("no dataset " + name + " in the contract; known: " + datasets.keySet());
        }
        return d;
    }
}
