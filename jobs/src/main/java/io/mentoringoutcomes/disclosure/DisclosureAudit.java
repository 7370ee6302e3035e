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
        for (String t : stagingTables) {
            release.put(DisclosureControl.noun(t), DisclosureControl.maps(wh.read(t)));
        }
        List<Violation> found = violations(release, ReleaseRules.standard(), k);
        List<CheckOutcome> out = new ArrayList<>();
        for (String t : stagingTables) {
            String noun = DisclosureControl.noun(t);
            List<Violation> mine = found.stream().filter(v -> v.table().equals(noun)).toList();
            if (mine.isEmpty()) {
                out.add(new CheckOutcome(t, "disclosure", "schemas/release.yaml rules, k = " + k, Level.ERROR, true,
                        0.0, "0 rows", null));
            }
            for (Violation v : mine) {
                String named = v.rows().stream().limit(ROWS_NAMED).collect(Collectors.joining("; "))
                        + (v.rows().size() > ROWS_NAMED ? "; ... " + (v.rows().size() - ROWS_NAMED) + " more" : "");
                out.add(new CheckOutcome(t, v.rule(), "schemas/release.yaml rules, k = " + k, Level.ERROR, false,
                        (double) v.rows().size(), "0 rows", "rows " + named));
            }
        }
        return out;
    }

    /** Every broken rule of a release (tables by noun, rows as column → value). */
    public static List<Violation> violations(Map<String, List<Map<String, Object>>> release, ReleaseRules rules, int k) {
        List<Violation> out = new ArrayList<>();
        Map<String, List<Map<String, Object>>> declared = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : release.entrySet()) {
            Optional<Table> decl = rules.table(e.getKey());
            if (decl.isEmpty() || decl.get().audience() != ReleaseRules.Audience.gold) {
                out.add(new Violation(e.getKey(), "disclosure:declared", List.of(decl.isEmpty()
                        ? "table not declared in schemas/release.yaml" : "audience is " + decl.get().audience() + ", not gold")));
                continue;
            }
            declared.put(e.getKey(), e.getValue());
            Table t = decl.get();
            List<String> monthly = t.curveColumn().isPresent() ? t.people().subList(1, t.people().size()) : List.of();
            for (String c : t.people()) {
                if (monthly.contains(c)) {
                    add(out, e.getKey(), "disclosure:curve_monthly_counts", rows(e.getValue(), t,
                            r -> r.get(c) != null));
                } else {
                    add(out, e.getKey(), "disclosure:primary:" + c, rows(e.getValue(), t, r -> {
                        Double v = CellSuppression.number(r.get(c));
                        return v != null && CellSuppression.sensitive(v, k);
                    }));
                }
            }
            for (List<String> pair : t.within()) {
                add(out, e.getKey(), "disclosure:within:" + pair.get(0) + "-" + pair.get(1), rows(e.getValue(), t, r -> {
                    Double w = CellSuppression.number(r.get(pair.get(0)));
                    Double p = CellSuppression.number(r.get(pair.get(1)));
                    return w != null && p != null && CellSuppression.sensitive(Math.abs(w - p), k);
                }));
            }
            add(out, e.getKey(), "disclosure:suppressed_row_blank", rows(e.getValue(), t,
                    r -> Boolean.TRUE.equals(r.get("suppressed")) && r.entrySet().stream().anyMatch(v -> v.getValue() != null
                            && !t.keys().contains(v.getKey()) && !t.keep().contains(v.getKey())
                            && !v.getKey().equals("as_of") && !v.getKey().equals("suppressed"))));
        }
        Map<String, Decision> again = CellSuppression.protect(declared, rules, k);
        for (Map.Entry<String, Decision> e : again.entrySet()) {
            List<Map<String, Object>> rows = declared.get(e.getKey());
            Table t = rules.table(e.getKey()).orElseThrow();
            List<String> named = new ArrayList<>();
            e.getValue().rows().forEach((i, h) -> {
                if (!Boolean.TRUE.equals(rows.get(i).get("suppressed")) && !h.rule().startsWith("primary")) {
                    named.add(keys(rows.get(i), t) + ": " + h.describe());
                }
            });
            add(out, e.getKey(), "disclosure:complementary", named);
        }
        return out;
    }

    private static void add(List<Violation> out, String table, String rule, List<String> rows) {
        if (!rows.isEmpty()) {
            out.add(new Violation(table, rule, rows));
        }
    }

    private static List<String> rows(List<Map<String, Object>> rows, Table t, java.util.function.Predicate<Map<String, Object>> bad) {
        return rows.stream().filter(bad).map(r -> keys(r, t)).toList();
    }

    static String keys(Map<String, Object> row, Table t) {
        return t.keys().stream().map(c -> c + "=" + row.get(c)).collect(Collectors.joining(", ", "(", ")"));
    }
}
