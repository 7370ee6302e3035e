package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.config.Level;
import io.mentoringoutcomes.config.QualityConfig;
import io.mentoringoutcomes.disclosure.DisclosureAudit;
import io.mentoringoutcomes.spark.Warehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Write-audit-publish for the gold outputs: Deequ checks on the {@code staging.*} tables the metrics
 * stage wrote. All but the probabilities are derived from column names, so a new staging table is
 * audited without being declared here:
 * <ul>
 *   <li>{@code unit_interval:<c>}: the columns {@link #PROBABILITIES} declares lie in [0, 1];</li>
 *   <li>{@code ci_order:<v>}: {@code ci_low <= v <= ci_high} for {@code <v>_ci_low/<v>_ci_high} pairs, or for bare
 *       {@code ci_low/ci_high} around the table's single other rate column (else just low <= high);</li>
 *   <li>{@code non_negative:<n_*>}: counts are not negative;</li>
 *   <li>{@code privacy:n_employees}: a group below the minimum size is suppressed;</li>
 *   <li>{@code as_of_is_tonight}: every row's {@code as_of} is the run's, so figures an earlier
 *       night left in staging (its metrics stage did not run) are never published as tonight's;</li>
 *   <li>{@code not_empty} (Warning): the table has rows;</li>
 *   <li>{@code disclosure:*}: the release rules of {@code schemas/release.yaml} on every table
 *       ({@link io.mentoringoutcomes.disclosure.DisclosureAudit}).</li>
 * </ul>
 * All but {@code not_empty} are Error: the publish step copies staging to gold only when
 * {@link AuditResult#publishable()}.
 */
public final class OutputAudit {

    /**
     * Columns that are probabilities, per gold table. Declared, not guessed from names: a
     * difference, an ROI, an eNPS or an annual turnover rate (which can pass 100%) are not.
     */
    static final Map<String, List<String>> PROBABILITIES = Map.of(
            "retention_summary", List.of("retention", "retention_ci_low", "retention_ci_high"),
            "retention_curve", List.of("survival", "ci_low", "ci_high"),
            "promotion_summary", List.of("promotion_rate", "ci_low", "ci_high"),
            "matching_balance", List.of("match_rate"),
            "engagement_summary",
                    List.of(
                            "cancellation_rate",
                            "no_show_rate",
                            "stalled_share",
                            "goals_task_achieved_rate",
                            "goals_business_achieved_rate",
                            "goals_talent_achieved_rate"),
            "match_health", List.of("cancellation_rate", "no_show_rate"));

    /** The estimate that a table's bare {@code ci_low}/{@code ci_high} bound. */
    static final Map<String, String> BARE_CI_VALUE = Map.of(
            "retention_curve", "survival",
            "promotion_summary", "promotion_rate",
            "satisfaction_summary", "value");

    private OutputAudit() {}

    /**
     * What the audit found; {@code audited} holds the staging tables' rows it checked (by {@code
     * staging.x}), which are what the publish step copies to gold.
     */
    public record AuditResult(
            String runId, List<CheckOutcome> outcomes, boolean publishable, Map<String, Dataset<Row>> audited) {
        public List<CheckOutcome> failures() {
            return outcomes.stream().filter(o -> !o.passed()).toList();
        }

        /** Whether one staging table ({@code staging.x}) passed its blocking checks. */
        public boolean publishable(String table, QualityConfig cfg) {
            return outcomes.stream().noneMatch(o -> o.dataset().equals(table) && o.blocks(cfg));
        }
    }

    /** Audits every {@code staging.*} table and appends the outcomes to {@code ops.dq_results}. */
    public static AuditResult audit(Warehouse wh, String runId, String batchId, QualityConfig cfg) {
        return audit(wh, wh.tables("staging"), runId, batchId, cfg);
    }

    /** Audits the given staging tables ({@code staging.x}) and appends the outcomes to {@code ops.dq_results}. */
    public static AuditResult audit(
            Warehouse wh, List<String> tables, String runId, String batchId, QualityConfig cfg) {
        LocalDate asOf = LocalDate.parse(batchId); // a run's batch is its as-of date
        // Each table is read once, into the driver (staging holds aggregates): the Deequ checks, the
        // disclosure audit and the publish step then see the same rows, so gold is exactly what
        // passed, and no table is planned as a Delta scan three times.
        Map<String, Dataset<Row>> audited = intoDriver(wh, tables);
        List<CheckOutcome> outcomes = new ArrayList<>();
        audited.forEach((table, data) -> outcomes.addAll(auditTable(table, data, asOf, cfg)));
        // Disclosure control: schemas/release.yaml's rules over the release as a whole.
        outcomes.addAll(disclosureOutcomes(wh, audited, cfg.minGroupSize()));
        QualityGate.writeResults(wh, runId, batchId, outcomes, Timestamp.from(Instant.now()));
        boolean ok = outcomes.stream().noneMatch(o -> o.blocks(cfg));
        return new AuditResult(runId, outcomes, ok, audited);
    }

    private static Map<String, Dataset<Row>> intoDriver(Warehouse wh, List<String> tables) {
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        tables.forEach(t -> out.put(t, wh.readIntoDriver(t)));
        return out;
    }

    /**
     * The disclosure audit's findings as check outcomes: one passing {@code disclosure} row for a table
     * with no violation, else one failing row per broken rule, naming the first offending rows.
     */
    public static List<CheckOutcome> disclosureOutcomes(Warehouse wh, List<String> tables, int k) {
        return disclosureOutcomes(wh, intoDriver(wh, tables), k);
    }

    /** As {@link #disclosureOutcomes(Warehouse, List, int)}, on staging rows already read. */
    static List<CheckOutcome> disclosureOutcomes(Warehouse wh, Map<String, Dataset<Row>> staged, int k) {
        String rules = "schemas/release.yaml rules, k = " + k;
        List<CheckOutcome> out = new ArrayList<>();
        for (DisclosureAudit.TableAudit t : DisclosureAudit.audit(wh, staged, k)) {
            if (t.violations().isEmpty()) {
                out.add(new CheckOutcome(
                        t.stagingTable(),
                        "disclosure",
                        rules,
                        Level.ERROR,
                        true,
                        0.0,
                        "0 rows",
                        t.work().orElse(null)));
            }
            for (DisclosureAudit.Violation v : t.violations()) {
                out.add(new CheckOutcome(
                        t.stagingTable(),
                        v.rule(),
                        rules,
                        Level.ERROR,
                        false,
                        (double) v.rows().size(),
                        "0 rows",
                        "rows " + DisclosureAudit.TableAudit.rowsNamed(v)));
            }
        }
        return out;
    }

    /** The checks of one staging table's rows, evaluated by Deequ; nothing is written. */
    static List<CheckOutcome> auditTable(String table, Dataset<Row> data, LocalDate asOf, QualityConfig cfg) {
        List<DeequAdapter.Constraint> constraints =
                constraints(table.substring(table.indexOf('.') + 1), data, asOf, cfg);
        if (data.isEmpty()) {
            constraints = List.of(DeequAdapter.Constraint.notEmpty("not_empty", Level.WARNING));
        }
        return DeequAdapter.verify(table, data, constraints, List.of(), List.of(), System.currentTimeMillis())
                .outcomes();
    }

    static List<DeequAdapter.Constraint> constraints(
            String noun, Dataset<Row> data, LocalDate asOf, QualityConfig cfg) {
        Set<String> numeric = Arrays.stream(data.schema().fields())
                .filter(f -> f.dataType() instanceof NumericType)
                .map(StructField::name)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        Set<String> all = Set.of(data.columns());
        List<DeequAdapter.Constraint> out = new ArrayList<>();
        out.add(DeequAdapter.Constraint.notEmpty("not_empty", Level.WARNING));
        List<String> rates = PROBABILITIES.getOrDefault(noun, List.of()).stream()
                .filter(numeric::contains)
                .toList();
        for (String c : rates) {
            out.add(DeequAdapter.Constraint.satisfies(
                    "unit_interval:" + c, Level.ERROR, c + " IS NULL OR (" + c + " >= 0 AND " + c + " <= 1)", 1.0));
        }
        for (String low : numeric.stream().filter(c -> c.endsWith("ci_low")).toList()) {
            String prefix = low.substring(0, low.length() - "ci_low".length());
            String high = prefix + "ci_high";
            if (!numeric.contains(high)) {
                continue;
            }
            String value = null;
            if (prefix.endsWith("_") && numeric.contains(prefix.substring(0, prefix.length() - 1))) {
                value = prefix.substring(0, prefix.length() - 1);
            } else if (prefix.isEmpty()) {
                value = BARE_CI_VALUE.get(noun);
            }
            String cond = value == null
                    ? low + " IS NULL OR " + high + " IS NULL OR " + low + " <= " + high
                    : low + " IS NULL OR " + high + " IS NULL OR " + value + " IS NULL OR (" + low + " <= " + value
                            + " AND " + value + " <= " + high + ")";
            out.add(DeequAdapter.Constraint.satisfies(
                    "ci_order:" + (value == null ? prefix + "ci" : value), Level.ERROR, cond, 1.0));
        }
        for (String n : numeric.stream().filter(c -> c.startsWith("n_")).toList()) {
            out.add(DeequAdapter.Constraint.satisfies(
                    "non_negative:" + n, Level.ERROR, n + " IS NULL OR " + n + " >= 0", 1.0));
        }
        if (numeric.contains("n_employees")) {
            String big = "(n_employees IS NOT NULL AND n_employees >= " + cfg.minGroupSize() + ")";
            String cond = all.contains("suppressed") ? "coalesce(suppressed, false) OR " + big : big;
            out.add(DeequAdapter.Constraint.satisfies("privacy:n_employees", Level.ERROR, cond, 1.0));
        }
        if (all.contains("as_of")) {
            out.add(DeequAdapter.Constraint.satisfies(
                    "as_of_is_tonight", Level.ERROR, "as_of = DATE'" + asOf + "'", 1.0));
        }
        return out;
    }
}
