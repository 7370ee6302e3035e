package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.CellSuppression.Decision;
import io.mentoringoutcomes.disclosure.ReleaseRules.Table;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The output audit's disclosure checks: the rules of {@code schemas/release.yaml} checked on the
 * release as it would be published, independently of whether {@link DisclosureControl} ran. Every
 * check is Error (blocks publication) and names the table, the rows and the rule:
 * <ul>
 *   <li>{@code disclosure:declared}: the table is declared, for gold;</li>
 *   <li>{@code disclosure:primary:<c>}: a shown people count is 0 or at least k;</li>
 *   <li>{@code disclosure:within:<w>-<p>}: a shown difference of two counts of a row is 0 or at least k;</li>
 *   <li>{@code disclosure:score:<f>}: a shown net score f and its size do not bound the people counts behind it
 *       (promoters, detractors, the rest) into 1..k−1 within a range under k wide;</li>
 *   <li>{@code disclosure:curve_monthly_counts}: a curve shows no month's own event or censoring count;</li>
 *   <li>{@code disclosure:suppressed_row_blank}: a suppressed row shows only keys and kept columns;</li>
 *   <li>{@code disclosure:facet_blank}: a facet with a count not shown shows none of its counts and figures
 *       (a rate beside its hidden numerator's denominator gives the numerator back);</li>
 *   <li>{@code disclosure:coarsened}: a row published without its coarsened count shows only its keys, kept
 *       columns, size and declared rounded figure, a multiple of a step s with s · n ≥ k, n the size or,
 *       where {@code at_risk} is declared, the fewest people at risk by the row's horizon in every group
 *       the figure rests on;</li>
 *   <li>{@code disclosure:coarsened_at_risk}: a rounded figure whose people at risk by the horizon are
 *       unknown or under k (no step hides a count among them);</li>
 *   <li>{@code disclosure:joint_range}: what a reader intersecting every declared relation of a table at
 *       once learns of each hidden or rounded count under k (its feasible range, by linear programming,
 *       {@link JointRanges}) is at least k people wide or admits 0;</li>
 *   <li>{@code disclosure:undeclared_count}: every integer column is a key, a people column, a kept column
 *       or declared {@code not_people}: an undeclared count of people would escape every other rule;</li>
 *   <li>{@code disclosure:complementary}: no shown row would be hidden by a complementary (or
 *       cross-table) pass over the release: a correctly protected release is a fixed point of it;</li>
 *   <li>{@code disclosure:dominance}: on a table declaring {@code dominance}, every group whose total of
 *       people's own values is dominated (the p% rule, judged here on {@link #DOMINANCE_EVIDENCE}, the
 *       totals and two largest contributions the metrics stage kept) shows only suppressed rows, and every
 *       shown magnitude was judged: evidence of tonight's as_of for its group and figure, with p &gt; 0.</li>
 * </ul>
 */
public final class DisclosureAudit {

    private static final int ROWS_NAMED = 5;

    /**
     * The restricted table (never gold, never served) where the metrics stage keeps what the p% rule
     * judges: per table, group and figure, n_contributors, total_value, largest_value,
     * second_largest_value, p_percent and as_of.
     */
    public static final String DOMINANCE_EVIDENCE = "evidence.dominance";

    private DisclosureAudit() {}

    /** One broken rule on one table, with the keys of the offending rows. */
    public record Violation(String table, String rule, List<String> rows) {}

    /**
     * What the audit found on one staging table: its violations (none when it passes) and the joint
     * range work done on it, if any. The quality stage turns these into its check outcomes, so this
     * package does not depend on quality's.
     */
    public record TableAudit(String stagingTable, List<Violation> violations, Optional<String> work) {

        /** The offending rows of a violation, the first few by key, for a one-line message. */
        public static String rowsNamed(Violation v) {
            return v.rows().stream().limit(ROWS_NAMED).collect(Collectors.joining("; "))
                    + (v.rows().size() > ROWS_NAMED ? "; ... " + (v.rows().size() - ROWS_NAMED) + " more" : "");
        }
    }

    /**
     * Audits staging tables (their rows by {@code staging.x}) as one release. What only the unprotected release knows
     * (people at risk, the true figure behind a rounded one) is read from the version a controlled commit
     * names ({@link DisclosureControl#CONTROLLED_FROM}); a table not controlled is its own source.
     */
    public static List<TableAudit> audit(
            Warehouse wh, Map<String, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> staged, int k) {
        List<String> stagingTables = List.copyOf(staged.keySet());
        Map<String, List<Map<String, Object>>> release = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> source = new LinkedHashMap<>();
        List<Violation> found = new ArrayList<>();
        for (String t : stagingTables) {
            org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df = staged.get(t);
            String noun = DisclosureControl.noun(t);
            release.put(noun, DisclosureControl.maps(df));
            source.put(noun, unprotected(wh, t).map(DisclosureControl::maps).orElse(release.get(noun)));
            ReleaseRules.standard()
                    .table(noun)
                    .ifPresent(decl ->
                            add(found, noun, "disclosure:undeclared_count", undeclaredCounts(df.schema(), decl)));
        }
        Map<String, JointRanges.Work> work = new LinkedHashMap<>();
        found.addAll(violations(release, source, ReleaseRules.standard(), k, work));
        Optional<List<Map<String, Object>>> evidence = Optional.empty();
        for (String noun : release.keySet()) {
            Optional<Table> decl = ReleaseRules.standard().table(noun).filter(d -> d.dominance() != null);
            if (decl.isPresent()) {
                if (evidence.isEmpty()) {
                    evidence = wh.readIfExists(DOMINANCE_EVIDENCE).map(DisclosureControl::maps);
                }
                found.addAll(dominance(noun, decl.get(), release.get(noun), evidence));
            }
        }
        List<TableAudit> out = new ArrayList<>();
        for (String t : stagingTables) {
            String noun = DisclosureControl.noun(t);
            out.add(new TableAudit(
                    t,
                    found.stream().filter(v -> v.table().equals(noun)).toList(),
                    Optional.ofNullable(work.get(noun))
                            .map(w -> "joint ranges: " + w.linearPrograms() + " linear programs in "
                                    + w.nanos() / 1_000_000 + " ms")));
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

    /** The staging table as the metrics stage wrote it, when its latest commit is a controlled one. */
    static Optional<org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> unprotected(Warehouse wh, String table) {
        org.apache.spark.sql.Row last =
                wh.deltaTable(table).history(1).select("userMetadata").head();
        String meta = last.isNullAt(0) ? "" : last.getString(0);
        if (!meta.startsWith(DisclosureControl.CONTROLLED_FROM)) {
            return Optional.empty();
        }
        long version = Long.parseLong(meta.substring(DisclosureControl.CONTROLLED_FROM.length()));
        return version < 0 ? Optional.empty() : Optional.of(wh.readVersion(table, version));
    }

    /** Every broken rule of a release that is its own source (tables by noun, rows as column → value). */
    public static List<Violation> violations(
            Map<String, List<Map<String, Object>>> release, ReleaseRules rules, int k) {
        return violations(release, release, rules, k);
    }

    /**
     * Every broken rule of a release; {@code source} is the release before disclosure control (rows
     * matched by keys), for the people at risk and the true figures behind rounded ones.
     */
    public static List<Violation> violations(
            Map<String, List<Map<String, Object>>> release,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k) {
        return violations(release, source, rules, k, new LinkedHashMap<>());
    }

    /** {@link #violations}, recording per table what the joint range check cost. */
    static List<Violation> violations(
            Map<String, List<Map<String, Object>>> release,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k,
            Map<String, JointRanges.Work> work) {
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
            if (decl.get().isReference()) {
                continue; // counts no one: only its integer columns are checked (undeclared_count)
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
            for (ReleaseRules.Score sc : t.scores()) {
                add(
                        out,
                        e.getKey(),
                        "disclosure:score:" + sc.figure(),
                        rows(e.getValue(), t, r -> CellSuppression.scoreExposure(r, sc, k) != null));
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
            for (ReleaseRules.Facet f : t.facets()) {
                add(
                        out,
                        e.getKey(),
                        "disclosure:facet_blank:" + f.counts().get(0),
                        rows(
                                e.getValue(),
                                t,
                                r -> f.counts().stream().anyMatch(c -> r.get(c) == null)
                                        && f.columns().stream().anyMatch(c -> r.get(c) != null)));
            }
        }
        for (Map.Entry<String, List<Map<String, Object>>> e : declared.entrySet()) {
            Table t = rules.table(e.getKey()).orElseThrow();
            t.coarsening()
                    .ifPresent(co -> add(out, e.getKey(), "disclosure:coarsened_at_risk", rows(e.getValue(), t, r -> {
                        Double x = CellSuppression.number(r.get(co.rounded()));
                        return rounded(r, co) && x != null && peopleBehind(r, t, source, rules, k) < k - 1e-9;
                    })));
            t.coarsening()
                    .ifPresent(co -> add(out, e.getKey(), "disclosure:coarsened", rows(e.getValue(), t, r -> {
                        if (!rounded(r, co)) {
                            return false; // not a coarsened row
                        }
                        Double size = CellSuppression.number(r.get(t.people().get(0)));
                        if (size == null || CellSuppression.sensitive(size, k)) {
                            return true;
                        }
                        double behind = peopleBehind(r, t, source, rules, k);
                        for (Map.Entry<String, Object> v : r.entrySet()) {
                            String c = v.getKey();
                            if (co.rounded().equals(c)) {
                                Double x = CellSuppression.number(v.getValue());
                                if (x != null && behind >= k - 1e-9 && !onAStep(x, behind, k)) {
                                    return true; // a figure finer than every safe step narrows the count
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
        // Group sizes as published anywhere in the release (a reader reads one table beside another).
        Map<Map<String, String>, Set<Double>> sized = CellSuppression.shownGroups(declared, rules, (noun, i, c) -> {
            Map<String, Object> r = declared.get(noun).get(i);
            return Boolean.TRUE.equals(r.get("suppressed")) || r.get(c) == null;
        });
        for (Map.Entry<String, List<Map<String, Object>>> e : declared.entrySet()) {
            Table t = rules.table(e.getKey()).orElseThrow();
            add(
                    out,
                    e.getKey(),
                    "disclosure:joint_range",
                    jointRanges(
                            e.getValue(),
                            source.get(e.getKey()),
                            t,
                            source,
                            rules,
                            k,
                            sized,
                            w -> work.put(e.getKey(), w)));
        }
        Map<String, Decision> again = CellSuppression.protect(declared, source, rules, k);
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
            // A facet another pass would hide for a complementary reason (its own counts pass) still shows.
            e.getValue().columns().forEach((i, cols) -> {
                Map<String, Object> r = rows.get(i);
                for (ReleaseRules.Facet f : t.facets()) {
                    if (!Boolean.TRUE.equals(r.get("suppressed"))
                            && cols.containsAll(f.counts())
                            && !CellSuppression.facetFails(r, f, t, k)) {
                        named.add(keys(r, t) + ": " + String.join(", ", f.counts())
                                + " would be recovered by the table's relations");
                    }
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

    /** A row published rounded: shown (not suppressed) without its coarsened count. */
    private static boolean rounded(Map<String, Object> r, ReleaseRules.Coarsen co) {
        return !Boolean.TRUE.equals(r.get("suppressed")) && r.containsKey(co.count()) && r.get(co.count()) == null;
    }

    /** Whether x is a multiple of a step s of {@link CellSuppression#STEPS} with s · n ≥ k. */
    static boolean onAStep(double x, double n, int k) {
        for (double s : CellSuppression.STEPS) {
            if (s * n >= k - 1e-9 && Math.abs(x / s - Math.rint(x / s)) <= 1e-6) {
                return true;
            }
        }
        return false;
    }

    /**
     * The people a rounded row's figure rests on, recomputed here from the declarations: its size, or,
     * with {@code at_risk}, the fewest at risk in the source curve at any time up to the row's horizon
     * over its own group and the groups its rounded column links to; 0 when anything is missing.
     */
    static double peopleBehind(
            Map<String, Object> r, Table t, Map<String, List<Map<String, Object>>> source, ReleaseRules rules, int k) {
        ReleaseRules.Coarsen co = t.coarsening().orElseThrow();
        Double size = CellSuppression.number(r.get(t.people().get(0)));
        if (size == null) {
            return 0;
        }
        if (co.sizedOnAtRisk().isEmpty()) {
            return size;
        }
        ReleaseRules.AtRisk at = co.atRisk();
        Table curve = rules.table(at.table()).orElse(null);
        List<Map<String, Object>> curveRows = source.get(at.table());
        Double horizon = CellSuppression.number(r.get(at.upTo()));
        if (curve == null || curveRows == null || horizon == null) {
            return 0;
        }
        ReleaseRules.Link curveGroup = curve.atRiskLink(at.column()).orElseThrow();
        double fewest = size;
        int arms = 0;
        for (ReleaseRules.Link link : t.links()) {
            if (!link.column().equals(t.people().get(0)) && !link.column().equals(co.rounded())) {
                continue;
            }
            Map<String, String> arm = CellSuppression.group(link, r);
            arms++;
            // Every month 0..horizon of the arm's curve must be there with its people at risk.
            java.util.Set<Long> months = new java.util.HashSet<>();
            for (Map<String, Object> c : curveRows) {
                Map<String, String> g = CellSuppression.group(curveGroup, c);
                boolean same = true;
                for (String dim : List.of("program_id", "cohort", "method")) {
                    same &= java.util.Objects.equals(g.get(dim), arm.get(dim));
                }
                Double m = CellSuppression.number(c.get(curve.curve()));
                if (!same || m == null || m > horizon) {
                    continue;
                }
                Double n = CellSuppression.number(c.get(at.column()));
                if (n == null) {
                    return 0;
                }
                months.add(Math.round(m));
                fewest = Math.min(fewest, n);
            }
            for (long m = 0; m <= Math.round(horizon); m++) {
                if (!months.contains(m)) {
                    return 0;
                }
            }
        }
        return arms == 0 ? 0 : fewest;
    }

    /**
     * The reader's arithmetic over every relation of a table at once ({@link JointRanges}), in counts of
     * people, from the release as published: a shown count is exact; a rounded row's count lies in
     * [e − n · (v + s/2 − x), e + n · (x − v + s/2)] within [0, n] (e its true count, x its true figure, v the
     * shown one, s the smallest safe step: a window of s · n people); a suppressed or withheld one anywhere
     * from 0. A hidden or rounded count (or a row's within difference) in 1..k−1 must keep a feasible range
     * at least k people wide, or one that admits 0.
     */
    static List<String> jointRanges(
            List<Map<String, Object>> rows,
            List<Map<String, Object>> truthRows,
            Table t,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k,
            Map<Map<String, String>, Set<Double>> sized,
            java.util.function.Consumer<JointRanges.Work> work) {
        Map<String, Map<String, Object>> truth = new LinkedHashMap<>();
        for (Map<String, Object> r : truthRows == null ? rows : truthRows) {
            truth.put(keys(r, t), r);
        }
        ReleaseRules.Coarsen co = t.coarsening().orElse(null);
        List<JointRanges.Exposure> found = JointRanges.exposed(
                t,
                rows,
                (i, c) -> {
                    Map<String, Object> r = rows.get(i);
                    Map<String, Object> tr = truth.getOrDefault(keys(r, t), r);
                    Double e = CellSuppression.number(tr.get(c));
                    double count = e == null ? Double.NaN : e;
                    Double shown = CellSuppression.number(r.get(c));
                    boolean suppressed = Boolean.TRUE.equals(r.get("suppressed"));
                    if (shown != null && !suppressed) {
                        return JointRanges.Known.shown(shown);
                    }
                    if (e != null && CellSuppression.knownElsewhere(t, r, c, e, sized)) {
                        return JointRanges.Known.shown(e);
                    }
                    if (suppressed) {
                        return JointRanges.Known.unknown(count);
                    }
                    Double n = CellSuppression.number(tr.get(t.people().get(0)));
                    Double v = co == null ? null : CellSuppression.number(r.get(co.rounded()));
                    Double x = co == null ? null : CellSuppression.number(tr.get(co.rounded()));
                    if (!c.equals(co == null ? null : co.count())
                            || !rounded(r, co)
                            || e == null
                            || n == null
                            || v == null
                            || x == null) {
                        return JointRanges.Known.unknown(count);
                    }
                    double behind = peopleBehind(r, t, source, rules, k);
                    double s = behind >= k - 1e-9 ? CellSuppression.step(behind, k) : 1.0;
                    return new JointRanges.Known(
                            Math.max(0, e - n * (v + s / 2 - x)), Math.min(n, e + n * (x - v + s / 2)), e);
                },
                k,
                work);
        return found.stream()
                .map(x -> keys(rows.get(x.row()), t) + ": " + x.describe())
                .toList();
    }

    /**
     * The p% rule on a table declaring {@code dominance}: rows of a dominated group shown unsuppressed, and
     * shown magnitudes no evidence judged (none recorded, another night's, p not positive, or no row for the
     * group and figure). A magnitude of 0 has no contributor to protect.
     *
     * @param evidence the rows of {@link #DOMINANCE_EVIDENCE}, empty when the table does not exist
     */
    static List<Violation> dominance(
            String noun, Table t, List<Map<String, Object>> rows, Optional<List<Map<String, Object>>> evidence) {
        String group = t.dominance();
        String rule = "disclosure:dominance";
        List<Violation> out = new ArrayList<>();
        Map<String, Map<String, Object>> judged = new LinkedHashMap<>(); // group + figure -> evidence row
        for (Map<String, Object> e : evidence.orElse(List.of())) {
            if (noun.equals(e.get("table"))) {
                judged.put(e.get(group) + "\u0000" + e.get("figure"), e);
            }
        }
        add(
                out,
                noun,
                rule,
                rows.stream()
                        .filter(r -> !Boolean.TRUE.equals(r.get("suppressed")))
                        .flatMap(r -> {
                            if (evidence.isEmpty()) {
                                return java.util.stream.Stream.of(keys(r, t) + ": no " + DOMINANCE_EVIDENCE
                                        + " to judge the p% rule on (run metrics again)");
                            }
                            List<String> why = new ArrayList<>();
                            for (String figure : t.magnitudes()) {
                                Double value = CellSuppression.number(r.get(figure));
                                if (value == null || value == 0.0) {
                                    continue;
                                }
                                Map<String, Object> e = judged.get(r.get(group) + "\u0000" + figure);
                                Double p = e == null ? null : CellSuppression.number(e.get("p_percent"));
                                if (e == null || e.get("total_value") == null || e.get("largest_value") == null) {
                                    why.add(figure + " not judged (no evidence for " + group + "=" + r.get(group)
                                            + ")");
                                } else if (!java.util.Objects.equals(
                                        String.valueOf(e.get("as_of")), String.valueOf(r.get("as_of")))) {
                                    why.add(figure + " judged as of " + e.get("as_of") + ", the row is as of "
                                            + r.get("as_of"));
                                } else if (p == null || p <= 0) {
                                    why.add(figure + " judged with p = " + p);
                                } else if (dominated(
                                        CellSuppression.number(e.get("total_value")),
                                        CellSuppression.number(e.get("largest_value")),
                                        CellSuppression.number(e.get("second_largest_value")),
                                        p)) {
                                    why.add(figure + " dominated: one contribution is within p = " + p
                                            + "% of the total less the second largest");
                                }
                            }
                            return why.stream().map(w -> keys(r, t) + ": " + w);
                        })
                        .toList());
        return out;
    }

    /**
     * The p% rule (Hundepool et al. 2012, §4.2.2): the second largest contributor, subtracting their own
     * value from the total, learns the largest to within p% of it: total − x1 − x2 &lt; p/100 · x1.
     */
    static boolean dominated(double total, double x1, Double x2, double pPercent) {
        return total - x1 - (x2 == null ? 0.0 : x2) < pPercent / 100.0 * x1;
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
