package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.CellSuppression.Decision;
import io.mentoringoutcomes.disclosure.ReleaseRules.Table;
import io.mentoringoutcomes.quality.CheckOutcome;
import io.mentoringoutcomes.quality.Level;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The output audit's disclosure checks: the rules of {@code schemas/release.yaml} checked on the
 * release as it would be published, independently of whether {@link DisclosureControl} ran. Every
 * check is Error (blocks publication) and names the table, the rows and the rule:
 * <ul>
 *   <li>{@code disclosure:declared}: the table is declared, for gold;</li>
 *   <li>{@code disclosure:primary:<c>}: a shown people count is 0 or at least k;</li>
 *   <li>{@code disclosure:within:<w>-<p>}: a shown difference of two counts of a row is 0 or at least k;</li>
 *   <li>{@code disclosure:curve_monthly_counts}: a curve shows no month's own event or censoring count;</li>
 *   <li>{@code disclosure:suppressed_row_blank}: a suppressed row shows only keys and kept columns;</li>
 *   <li>{@code disclosure:coarsened}: a row published without its coarsened count shows only its keys, kept
 *       columns, size and declared rounded figure, a multiple of a step ≥ k / size;</li>
 *   <li>{@code disclosure:undeclared_count}: every integer column is a key, a people column, a kept column
 *       or declared {@code not_people}: an undeclared count of people would escape every other rule;</li>
 *   <li>{@code disclosure:complementary}: no shown row would be hidden by a complementary (or
 *       cross-table) pass over the release: a correctly protected release is a fixed point of it.</li>
 * </ul>
 */
public final class DisclosureAudit {

    private static final int ROWS_NAMED = 5;

    private DisclosureAudit() {}

    /** One broken rule on one table, with the keys of the offending rows. */
    public record Violation(String table, String rule, List<String> rows) {}

    /** Audits staging tables ({@code staging.x}) as one release. */
    public static List<CheckOutcome> audit(Warehouse wh, List<String> stagingTables, int k) {
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        List<Violation> found = new ArrayList<>();
        for (String t : stagingTables) {
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = wh.read(t);
            String noun = DisclosureControl.noun(t);
            release.put(noun, DisclosureControl.maps(df));
            ReleaseRules.standard()
                    .table(noun)
                    .ifPresent(decl ->
                            add(found, noun, "disclosure:undeclared_count", undeclaredCounts(df.schema(), decl)));
        }
        found.addAll(violations(release, ReleaseRules.standard(), k));
        List<CheckOutcome> out = new ArrayList<>();
        for (String t : stagingTables) {
            String noun = DisclosureControl.noun(t);
            List<Violation> mine =
                    found.stream().filter(v -> v.table().equals(noun)).toList();
            if (mine.isEmpty()) {
                out.add(new CheckOutcome(
                        t,
                        "disclosure",
                        "schemas/release.yaml rules, k = " + k,
                        Level.ERROR,
                        true,
                        0.0,
                        "0 rows",
                        null));
            }
            for (Violation v : mine) {
                String named = v.rows().stream().limit(ROWS_NAMED).collect(Collectors.joining("; "))
                        + (v.rows().size() > ROWS_NAMED ? "; ... " + (v.rows().size() - ROWS_NAMED) + " more" : "");
                out.add(new CheckOutcome(
                        t,
                        v.rule(),
                        "schemas/release.yaml rules, k = " + k,
                        Level.ERROR,
                        false,
                        (double) v.rows().size(),
                        "0 rows",
                        "rows " + named));
            }
        }
        return out;
    }

    /**
     * The integer columns of a table's schema that release.yaml neither declares as keys, people columns
     * nor {@code not_people}: a count of people nobody declared would escape suppression and the audit.
     */
    public static List<String> undeclaredCounts(org.apache.spark.sql.types.StructType schema, Table decl) {
        List<String> out = new ArrayList<>();
        for (org.apache.spark.sql.types.StructField f : schema.fields()) {
            boolean integral = f.dataType() instanceof org.apache.spark.sql.types.IntegralType;
            // A kept column is shown on a suppressed row, so it is declared as not counting anyone.
            if (integral
                    && !decl.keys().contains(f.name())
                    && !decl.people().contains(f.name())
                    && !decl.keep().contains(f.name())
                    && !decl.notPeople().contains(f.name())) {
                out.add("column " + f.name() + " (" + f.dataType().simpleString()
                        + ") is neither people nor not_people");
            }
        }
        return out;
    }

    /** Every broken rule of a release (tables by noun, rows as column → value). */
    public static List<Violation> violations(
            Map<String, List<Map<String, Object>>> release, ReleaseRules rules, int k) {
        List<Violation> out = new ArrayList<>();
        Map<String, List<Map<String, Object>>> declared = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : release.entrySet()) {
            Optional<Table> decl = rules.table(e.getKey());
            if (decl.isEmpty() || decl.get().audience() != ReleaseRules.Audience.gold) {
                out.add(new Violation(
                        e.getKey(),
                        "disclosure:declared",
                        List.of(
                                decl.isEmpty()
                                        ? "table not declared in schemas/release.yaml"
                                        : "audience is " + decl.get().audience() + ", not gold")));
                continue;
            }
            declared.put(e.getKey(), e.getValue());
            Table t = decl.get();
            List<String> monthly = t.curveColumn().isPresent()
                    ? t.people().subList(1, t.people().size())
                    : List.of();
            for (String c : t.people()) {
                if (monthly.contains(c)) {
                    add(
                            out,
                            e.getKey(),
                            "disclosure:curve_monthly_counts",
                            rows(e.getValue(), t, r -> r.get(c) != null));
                } else {
                    add(out, e.getKey(), "disclosure:primary:" + c, rows(e.getValue(), t, r -> {
                        Double v = CellSuppression.number(r.get(c));
                        return v != null && CellSuppression.sensitive(v, k);
                    }));
                }
            }
            for (List<String> pair : t.within()) {
                add(
                        out,
                        e.getKey(),
                        "disclosure:within:" + pair.get(0) + "-" + pair.get(1),
                        rows(e.getValue(), t, r -> {
                            Double w = CellSuppression.number(r.get(pair.get(0)));
                            Double p = CellSuppression.number(r.get(pair.get(1)));
                            return w != null && p != null && CellSuppression.sensitive(Math.abs(w - p), k);
                        }));
            }
            add(
                    out,
                    e.getKey(),
                    "disclosure:suppressed_row_blank",
                    rows(
                            e.getValue(),
                            t,
                            r -> Boolean.TRUE.equals(r.get("suppressed"))
                                    && r.entrySet().stream()
                                            .anyMatch(v -> v.getValue() != null
                                                    && !t.keys().contains(v.getKey())
                                                    && !t.keep().contains(v.getKey())
                                                    && !v.getKey().equals("as_of")
                                                    && !v.getKey().equals("suppressed"))));
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : declared.entrySet()) {
            Table t = rules.table(e.getKey()).orElseThrow();
            t.coarsening()
                    .ifPresent(co -> add(out, e.getKey(), "disclosure:coarsened", rows(e.getValue(), t, r -> {
                        if (Boolean.TRUE.equals(r.get("suppressed"))
                                || !r.containsKey(co.count())
                                || r.get(co.count()) != null) {
                            return false; // not a coarsened row
                        }
                        Double size = CellSuppression.number(r.get(t.people().get(0)));
                        if (size == null || CellSuppression.sensitive(size, k)) {
                            return true;
                        }
                        double step = CellSuppression.step(size, k);
                        for (Map.Entry<String, Object> v : r.entrySet()) {
                            String c = v.getKey();
                            if (co.rounded().equals(c)) {
                                Double x = CellSuppression.number(v.getValue());
                                if (x != null && Math.abs(x / step - Math.rint(x / step)) > 1e-6) {
                                    return true; // a figure finer than the step gives the count back
                                }
                            } else if (v.getValue() != null
                                    && !t.keys().contains(c)
                                    && !t.keep().contains(c)
                                    && !c.equals("as_of")
                                    && !c.equals("suppressed")
                                    && !c.equals(t.people().get(0))) {
                                return true;
                            }
                        }
                        return false;
                    })));
        }
        Map<String, Decision> again = CellSuppression.protect(declared, rules, k);
        for (Map.Entry<String, Decision> e : again.entrySet()) {
            List<Map<String, Object>> rows = declared.get(e.getKey());
            Table t = rules.table(e.getKey()).orElseThrow();
            List<String> named = new ArrayList<>();
            e.getValue().rows().forEach((i, h) -> {
                if (!Boolean.TRUE.equals(rows.get(i).get("suppressed"))
                        && !h.rule().startsWith("primary")) {
                    named.add(keys(rows.get(i), t) + ": " + h.describe());
                }
            });
            // A row another pass would coarsen still shows its count.
            t.coarsening()
                    .ifPresent(co -> e.getValue().coarsened().forEach((i, h) -> {
                        if (rows.get(i).get(co.count()) != null && !h.rule().startsWith("primary")) {
                            named.add(keys(rows.get(i), t) + ": " + h.describe());
                        }
                    }));
            add(out, e.getKey(), "disclosure:complementary", named);
        }
        return out;
    }

    private static void add(List<Violation> out, String table, String rule, List<String> rows) {
        if (!rows.isEmpty()) {
            out.add(new Violation(table, rule, rows));
        }
    }

    private static List<String> rows(
            List<Map<String, Object>> rows, Table t, java.util.function.Predicate<Map<String, Object>> bad) {
        return rows.stream().filter(bad).map(r -> keys(r, t)).toList();
    }

    static String keys(Map<String, Object> row, Table t) {
        return t.keys().stream().map(c -> c + "=" + row.get(c)).collect(Collectors.joining(", ", "(", ")"));
    }
}
