package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.config.Level;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.contract.ColumnSpec;
import io.mentoringoutcomes.contract.DatasetContract;
import io.mentoringoutcomes.contract.RowRule;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Derives every quality check of a dataset from its contract declaration: nothing here names a
 * dataset or a column. Row rules become {@link RowCheck}s (quarantine flags and Deequ compliance
 * predicates from the same SQL); dataset rules become {@link DeequAdapter.Constraint}s.
 */
public final class ContractChecks {

    /** Rule name of surplus copies of a key within one batch. */
    public static final String DUPLICATE_KEY = "duplicate_key";
    /** Rule name of the dataset-level key distinctness check. */
    public static final String KEY_UNIQUE = "key_unique";
    /** Rule name of the "a required dataset must deliver rows" check. */
    public static final String NOT_EMPTY = "not_empty";

    public static final String SIZE_ANOMALY = "anomaly:row_count";
    public static final String QUARANTINE_RATE_ANOMALY = "anomaly:quarantine_rate";

    private ContractChecks() {}

    /** A {@code references: dataset.column} of the contract. */
    public record Reference(String column, String targetDataset, String targetColumn) {
        /** The boolean column the gate adds: true when the value exists in the target. */
        public String flagColumn() {
            return "_ref_" + column;
        }
    }

    public static List<Reference> references(DatasetContract d) {
        List<Reference> out = new ArrayList<>();
        for (ColumnSpec c : d.columns()) {
            String[] t = c.referenceTarget();
            if (t.length == 2) {
                out.add(new Reference(c.name(), t[0], t[1]));
            }
        }
        return out;
    }

    /** The row rules of a dataset, in declaration order; {@code duplicate_key} first. */
    public static List<RowCheck> rowChecks(DatasetContract d, LocalDate asOf) {
        List<RowCheck> out = new ArrayList<>();
        out.add(new RowCheck(
                DUPLICATE_KEY,
                RowCheck.Kind.DUPLICATE_KEY,
                d.key(),
                "_dup_rank = 1",
                List.of(),
                Level.ERROR,
                "key delivered more than once in the batch; the last copy (by source file, line) is kept"));
        String asOfLiteral = "DATE'" + asOf + "'";
        for (ColumnSpec c : d.columns()) {
            String n = c.name();
            if (c.required()) {
                out.add(new RowCheck(
                        "complete:" + n,
                        RowCheck.Kind.COMPLETE,
                        List.of(n),
                        n + " IS NOT NULL",
                        List.of(),
                        Level.ERROR,
                        n + " is required"));
            }
            if (c.requiredWhen() != null) {
                out.add(new RowCheck(
                        "required_when:" + n,
                        RowCheck.Kind.REQUIRED_WHEN,
                        columnsOf(d, n, c.requiredWhen()),
                        "NOT coalesce((" + c.requiredWhen() + "), false) OR " + n + " IS NOT NULL",
                        List.of(),
                        Level.ERROR,
                        n + " is required when " + c.requiredWhen()));
            }
            if (!c.allowed().isEmpty()) {
                String list =
                        c.allowed().stream().map(ContractChecks::sqlString).collect(Collectors.joining(","));
                // the same predicate Deequ's isContainedIn measures: null passes (completeness is separate)
                out.add(new RowCheck(
                        "allowed:" + n,
                        RowCheck.Kind.ALLOWED,
                        List.of(n),
                        "`" + n + "` IS NULL OR `" + n + "` IN (" + list + ")",
                        c.allowed(),
                        Level.ERROR,
                        n + " must be one of " + c.allowed()));
            }
            if (c.min() != null || c.max() != null) {
                List<String> bounds = new ArrayList<>();
                if (c.min() != null) {
                    bounds.add(n + " >= " + number(c.min()));
                }
                if (c.max() != null) {
                    bounds.add(n + " <= " + number(c.max()));
                }
                out.add(new RowCheck(
                        "range:" + n,
                        RowCheck.Kind.RANGE,
                        List.of(n),
                        n + " IS NULL OR (" + String.join(" AND ", bounds) + ")",
                        List.of(),
                        Level.ERROR,
                        n + " must be " + rangeText(c)));
            }
            if (c.notAfterAsOf()) {
                String value = c.type().equals("date") ? n : "CAST(" + n + " AS DATE)";
                out.add(new RowCheck(
                        "not_after_as_of:" + n,
                        RowCheck.Kind.NOT_AFTER_AS_OF,
                        List.of(n),
                        n + " IS NULL OR " + value + " <= " + asOfLiteral,
                        List.of(),
                        Level.ERROR,
                        n + " must not be after the as-of date " + asOf));
            }
        }
        for (Reference r : references(d)) {
            out.add(new RowCheck(
                    "references:" + r.column(),
                    RowCheck.Kind.REFERENCES,
                    List.of(r.column()),
                    r.column() + " IS NULL OR " + r.flagColumn(),
                    List.of(),
                    Level.ERROR,
                    r.column() + " must exist in " + r.targetDataset() + "." + r.targetColumn()
                            + " (silver or tonight's batch)"));
        }
        for (RowRule rule : d.rules()) {
            out.add(new RowCheck(
                    rule.name(),
                    RowCheck.Kind.RULE,
                    columnsOf(d, null, rule.condition()),
                    rule.condition(),
                    List.of(),
                    Level.parse(rule.level()),
                    rule.description() == null ? rule.condition() : rule.description()));
        }
        return out;
    }

    /**
     * The dataset-level constraints Deequ evaluates on tonight's batch: a required dataset is not
     * empty; surplus key copies stay under the threshold; each row rule's failure share stays
     * under its level's threshold.
     */
    public static List<DeequAdapter.Constraint> datasetConstraints(
            DatasetContract d, List<RowCheck> rows, QualityConfig cfg) {
        List<DeequAdapter.Constraint> out = new ArrayList<>();
        if (d.required()) {
            out.add(DeequAdapter.Constraint.notEmpty(NOT_EMPTY, Level.ERROR));
        }
        // Key distinctness, measured in Deequ's one scan instead of its grouping passes (two more jobs
        // and a shuffle): among rows with at least one key column set, the share that is the first
        // copy of its key (_dup_rank = 1) is exactly Deequ's Distinctness(key), i.e. distinct key
        // values / rows, with the same null filter Deequ's frequency analyzers apply.
        String anyKeySet = d.key().stream().map(k -> "`" + k + "` IS NOT NULL").collect(Collectors.joining(" OR "));
        out.add(DeequAdapter.Constraint.satisfies(
                KEY_UNIQUE, Level.ERROR, "_dup_rank = 1", anyKeySet, 1.0 - cfg.maxDuplicateKeyRate()));
        for (RowCheck r : rows) {
            double min = 1.0 - cfg.maxFailureRate(r.level());
            switch (r.kind()) {
                case DUPLICATE_KEY -> {} // measured by key_unique
                case COMPLETE ->
                    out.add(DeequAdapter.Constraint.complete(
                            r.name(), r.level(), r.columns().get(0), min));
                case ALLOWED ->
                    out.add(DeequAdapter.Constraint.allowed(
                            r.name(), r.level(), r.columns().get(0), r.allowed(), min));
                default -> out.add(DeequAdapter.Constraint.satisfies(r.name(), r.level(), r.okCondition(), min));
            }
        }
        return out;
    }

    /** The contract columns a SQL condition mentions, plus {@code first} when given. */
    static List<String> columnsOf(DatasetContract d, String first, String condition) {
        List<String> cols = new ArrayList<>();
        if (first != null) {
            cols.add(first);
        }
        String lower = condition.toLowerCase(Locale.ROOT);
        for (String name : d.columnNames()) {
            if (!cols.contains(name) && lower.matches("(?s).*\\b" + name + "\\b.*")) {
                cols.add(name);
            }
        }
        return cols;
    }

    static String sqlString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String rangeText(ColumnSpec c) {
        if (c.min() != null && c.max() != null) {
            return "between " + number(c.min()) + " and " + number(c.max());
        }
        return c.min() != null ? ">= " + number(c.min()) : "<= " + number(c.max());
    }
}
