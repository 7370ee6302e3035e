package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.ReleaseRules.Link;
import io.mentoringoutcomes.disclosure.ReleaseRules.Relation;
import io.mentoringoutcomes.disclosure.ReleaseRules.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which cells of a release to hide, decided on the release's rows (aggregates: hundreds of rows,
 * so plain Java on the driver). The method is the one of τ-ARGUS and sdcTable (Hundepool et al.,
 * <i>Statistical Disclosure Control</i>, 2012, ch. 4): primary suppression of sensitive cells,
 * then complementary suppression until no hidden cell is the only unknown of a declared additive
 * relation, repeated to a fixed point, across tables through the declared links.
 *
 * <ol>
 *   <li><b>Curves</b> ({@code curve}): a month is shown only when the events and the censorings
 *       since the last shown month are each 0 or at least k and at least k are at risk; its own
 *       month's event and censoring counts are shown only when each is 0 or at least k.</li>
 *   <li><b>Primary</b>: a row with a people count in 1..k−1 (sizes and numerators alike), or
 *       whose {@code within} difference is in 1..k−1, or suppressed upstream, is hidden.</li>
 *   <li><b>Links</b>: a row hidden by a linked column hides that people group in every table; a row
 *       whose linked group is hidden elsewhere is hidden.</li>
 *   <li><b>Complementary</b>: in each instance of a relation, a single hidden cell would be
 *       recovered by subtraction, so the smallest visible part (declared sacrifices first) is hidden
 *       too; with nothing hidden, a difference in 1..k−1 between a whole and its parts is itself a
 *       count of fewer than k people, so the smaller side is hidden. Single relations are cheap and
 *       decide most cells; what is left is found jointly.</li>
 *   <li><b>Joint ranges</b> ({@link JointRanges}): at the fixed point, every relation of a table is
 *       intersected at once by linear programming; while a hidden or rounded count under k is narrowed
 *       below k people, one more cell is withheld ({@link #protection}) and the fixed point is run again.</li>
 *   <li><b>Rounding steps</b> are sized on the fewest people at risk by the row's horizon in every
 *       group the figure rests on ({@link #minAtRisk}); unknown or under k, the figure is withheld.</li>
 * </ol>
 * A hidden row publishes only its keys and the declared {@code keep} columns.
 */
public final class CellSuppression {

    private CellSuppression() {}

    /** Why a row is hidden: the rule and the people column that triggered it. */
    public record Hidden(String rule, String column) {
        public String describe() {
            return rule + (column == null ? "" : " (" + column + ")");
        }
    }

    /**
     * The decision for one table: hidden rows by index, hidden columns of shown rows, and coarsened
     * rows (the declared count hidden, one figure shown rounded; see {@link ReleaseRules.Coarsen}).
     */
    public record Decision(
            Map<Integer, Hidden> rows,
            Map<Integer, Set<String>> columns,
            Map<Integer, Hidden> coarsened,
            Map<Integer, Double> steps) {
        Decision() {
            this(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        }

        public Decision(Map<Integer, Hidden> rows, Map<Integer, Set<String>> columns, Map<Integer, Hidden> coarsened) {
            this(rows, columns, coarsened, new LinkedHashMap<>());
        }

        /** Hides a whole row (a coarsened row that must go altogether stops being coarsened). */
        void hide(int row, Hidden why) {
            coarsened.remove(row);
            rows.put(row, why);
        }
    }

    /**
     * Decides every table of a release at once (so links and relations across tables are honoured).
     *
     * @param tables rows by table noun; each row maps column name → value (numbers as {@link Number})
     */
    public static Map<String, Decision> protect(
            Map<String, List<Map<String, Object>>> tables, ReleaseRules rules, int k) {
        return protect(tables, tables, rules, k);
    }

    /**
     * Decides a release whose rows may already be protected (a second pass, the audit's re-check),
     * reading what only the unprotected release knows from {@code source}, rows matched by keys: the
     * people at risk a rounding step is sized on, and the true figures behind rounded rows, which fix
     * where each rounding window lies around the truth (the joint range check).
     */
    public static Map<String, Decision> protect(
            Map<String, List<Map<String, Object>>> tables,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k) {
        return protection(tables, source, rules, k, true).decisions();
    }

    /**
     * The decisions of a release, and what the joint range check cost: linear programs solved, time
     * taken, and cells it withheld beyond the per-relation rules.
     */
    record Protection(Map<String, Decision> decisions, int linearPrograms, long jointNanos, int jointSteps) {}

    /**
     * {@link #protect}, with the joint range check ({@link JointRanges}) as the complementary pass's
     * stopping rule when {@code joint}: after the per-relation fixed point, while some table has a
     * hidden or rounded count a reader intersecting all its relations narrows below k, one more cell
     * of the constraints that narrowed it is withheld (a rounded figure first, the smallest; else the
     * smallest shown cell) and the fixed point is run again.
     */
    static Protection protection(
            Map<String, List<Map<String, Object>>> tables,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k,
            boolean joint) {
        Map<String, Decision> out = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> truths = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
            Table decl = declaration(rules, t.getKey());
            Decision d = new Decision();
            List<Map<String, Object>> truth = aligned(t.getValue(), source.get(t.getKey()), decl);
            truths.put(t.getKey(), truth);
            d.steps().putAll(steps(t.getValue(), truth, decl, source, rules, k));
            decl.curveColumn()
                    .ifPresent(time -> curve(t.getValue(), truth, decl, time, anchors(tables, rules, decl), k, d));
            primary(t.getValue(), decl, k, d);
            out.put(t.getKey(), d);
        }
        int[] programs = {0};
        long[] nanos = {0};
        int steps = 0;
        boolean changed = true;
        while (changed) {
            changed = links(tables, rules, out, k) | across(tables, truths, rules, out, k, false);
            for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
                changed |= complementary(t.getValue(), declaration(rules, t.getKey()), k, out.get(t.getKey()));
            }
            // Bounds on hidden wholes are read off the settled release: while cells still go, a bound shown
            // now (P-ONB's 24 naive mentees) may be hidden later, and a part hidden for it would stay hidden.
            changed = changed || across(tables, truths, rules, out, k, true);
            if (changed || !joint) {
                continue;
            }
            Map<Map<String, String>, Set<Double>> sized = shownGroups(
                    tables, rules, (noun, i, c) -> hiddenCell(out.get(noun), declaration(rules, noun), i, c));
            for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
                Table decl = declaration(rules, t.getKey());
                Decision d = out.get(t.getKey());
                List<Map<String, Object>> rows = t.getValue();
                List<Map<String, Object>> truth = truths.get(t.getKey());
                List<JointRanges.Exposure> found =
                        JointRanges.exposed(decl, rows, (i, c) -> known(rows, truth, decl, i, c, d, sized), k, w -> {
                            programs[0] += w.linearPrograms();
                            nanos[0] += w.nanos();
                        });
                if (!found.isEmpty() && withholdOneMore(rows, truth, decl, found.get(0), k, d)) {
                    changed = true;
                    steps++;
                }
            }
        }
        return new Protection(out, programs[0], nanos[0], steps);
    }

    /**
     * What a reader knows of cell (i, c) on its own, in people: exact when shown, or when its group's
     * size is shown elsewhere ({@link #shownGroups}); its rounding window within [0, n] when rounded
     * ({@link #window}); anything from 0 when hidden.
     */
    static JointRanges.Known known(
            List<Map<String, Object>> rows,
            List<Map<String, Object>> truth,
            Table decl,
            int i,
            String c,
            Decision d,
            Map<Map<String, String>, Set<Double>> sized) {
        Map<String, Object> t = truth.get(i) == null ? rows.get(i) : truth.get(i);
        Double e = number(t.get(c));
        double count = e == null ? Double.NaN : e;
        if (!hiddenCell(d, decl, i, c)) {
            Double shown = number(rows.get(i).get(c));
            return shown == null ? JointRanges.Known.unknown(count) : JointRanges.Known.shown(shown);
        }
        if (e != null && knownElsewhere(decl, t, c, e, sized)) {
            return JointRanges.Known.shown(e);
        }
        double[] w = window(rows, truth, decl, i, c, d);
        Double n = number(t.get(decl.people().get(0)));
        if (w == null || e == null || n == null) {
            return JointRanges.Known.unknown(count);
        }
        return new JointRanges.Known(Math.max(0, e - w[0]), Math.min(n, e + w[1]), e);
    }

    /**
     * The joint check's next step for one exposed count: its own rounded figure is withdrawn (its row
     * keeps its size), else the smallest rounded figure among the constraints that narrowed it, else the
     * smallest shown cell there is hidden (declared sacrifices first). False when nothing is left to withhold.
     */
    private static boolean withholdOneMore(
            List<Map<String, Object>> rows,
            List<Map<String, Object>> truth,
            Table decl,
            JointRanges.Exposure e,
            int k,
            Decision d) {
        String size = decl.people().get(0);
        String count = decl.coarsening().map(ReleaseRules.Coarsen::count).orElse(null);
        String what = "joint: " + e.describe() + " in " + keyWithout(rows.get(e.row()), decl.keys(), null);
        java.util.function.IntPredicate rounded = i -> count != null && window(rows, truth, decl, i, count, d) != null;
        // Declared sacrifices (naive, intention-to-treat and 6-month figures) first: the exposed count's own,
        // then one sharing a constraint with it; then its own figure, another next to it, any sacrifice, the
        // rest; the smallest group's first.
        Set<Integer> candidates = new LinkedHashSet<>();
        candidates.add(e.row());
        candidates.addAll(e.roundedRows());
        java.util.function.ToIntFunction<Integer> rank = i -> {
            boolean near = e.nearRows().contains(i);
            boolean sacrifice = sacrificed(decl, rows.get(i));
            boolean own = i == e.row();
            return sacrifice ? (own ? 0 : near ? 1 : 4) : own ? 2 : near ? 3 : 5;
        };
        Integer withdraw = candidates.stream()
                .filter(rounded::test)
                .min(Comparator.comparingInt(rank)
                        .thenComparingDouble(i -> orMax(number(rows.get(i).get(size)))))
                .orElse(null);
        if (withdraw != null) {
            d.steps().remove(withdraw);
            d.coarsened().put(withdraw, new Hidden(what + ", figure withdrawn", count));
            return true;
        }
        int[] pick = null;
        for (Map.Entry<Integer, Set<String>> cells : e.shownCells().entrySet()) {
            for (String c : cells.getValue()) {
                int i = cells.getKey();
                if (!decl.people().contains(c) || hiddenCell(d, decl, i, c)) {
                    continue;
                }
                Comparator<Integer> order = Comparator.<Integer, Boolean>comparing(x -> !sacrificed(decl, rows.get(x)))
                        .thenComparingDouble(x -> orMax(number(rows.get(x).get(size))));
                if (pick == null || order.compare(i, pick[0]) < 0) {
                    pick = new int[] {i, decl.people().indexOf(c)};
                }
            }
        }
        if (pick == null) {
            return false;
        }
        String column = decl.people().get(pick[1]);
        hideCell(rows, decl, pick[0], column, k, d, new Hidden(what, column));
        return true;
    }

    static Table declaration(ReleaseRules rules, String noun) {
        return rules.table(noun)
                .orElseThrow(
                        () -> new IllegalStateException(
                                "table " + noun
                                        + " has no declaration in schemas/release.yaml: declare its people columns before releasing it"));
    }

    // ------------------------------------------------------------------ rules

    private static void primary(List<Map<String, Object>> rows, Table decl, int k, Decision d) {
        // A curve's per-month counts are handled by the curve rule, column by column.
        List<String> people = decl.curveColumn().isPresent() ? decl.people().subList(0, 1) : decl.people();
        for (int i = 0; i < rows.size(); i++) {
            if (d.rows().containsKey(i)) {
                continue;
            }
            Map<String, Object> row = rows.get(i);
            if (Boolean.TRUE.equals(row.get("suppressed"))) {
                // Upstream suppression of a group too small hides the group everywhere; other
                // reasons (or an already released row, whose counts are null) do not.
                Double size = number(row.get(decl.people().get(0)));
                d.rows()
                        .put(
                                i,
                                new Hidden(
                                        "suppressed upstream",
                                        size != null && sensitive(size, k)
                                                ? decl.people().get(0)
                                                : null));
                continue;
            }
            String count = decl.coarsening().map(ReleaseRules.Coarsen::count).orElse(null);
            boolean coarsenable = coarsenable(row, decl, k);
            Hidden fail = null;
            boolean onlyTheCount = true; // every failure is the coarsened count (alone or in a difference)
            boolean released = false; // a row already published coarsened: its count is null
            for (ReleaseRules.Facet f : decl.facets()) {
                if (facetFails(row, f, decl, k)) {
                    hideFacet(decl, i, f.counts().get(0), d); // the facet goes, not the row
                }
            }
            for (String c : people) {
                Double v = number(row.get(c));
                if (decl.facetOf(c).isPresent()) {
                    continue; // judged with its facet above
                }
                if (v == null && c.equals(count) && coarsenable && row.containsKey(c)) {
                    released = true;
                } else if (v == null || sensitive(v, k)) {
                    fail = fail != null
                            ? fail
                            : new Hidden(v == null ? "primary: count missing" : "primary: count under k", c);
                    onlyTheCount &= c.equals(count);
                }
            }
            for (List<String> pair : decl.within()) {
                Double whole = number(row.get(pair.get(0)));
                Double part = number(row.get(pair.get(1)));
                if (decl.facetOf(pair.get(1)).isPresent()) {
                    continue; // judged with its facet above
                }
                if (whole != null && part != null && sensitive(whole - part, k)) {
                    // Specific to this row: the group itself is not too small, so nothing propagates.
                    fail = fail != null
                            ? fail
                            : new Hidden("primary: " + pair.get(0) + " − " + pair.get(1) + " under k", null);
                    onlyTheCount &= pair.contains(count);
                }
            }
            for (ReleaseRules.Score sc : decl.scores()) {
                Hidden h = scoreExposure(row, sc, k);
                if (h != null) {
                    fail = fail != null ? fail : h; // the row's own figure: nothing propagates
                    onlyTheCount = false;
                }
            }
            if (fail != null && onlyTheCount && coarsenable) {
                // Without a step (the people its figure rests on by the horizon are unknown or under k, so
                // no step hides a count among them) the figure is withheld: the row shows its size only.
                d.coarsened()
                        .put(
                                i,
                                new Hidden(
                                        fail.rule()
                                                + (hasStep(rows, i, decl, d)
                                                        ? ", coarsened"
                                                        : ", coarsened, figure withheld: fewer than k at risk by the horizon"),
                                        fail.column()));
            } else if (fail != null) {
                d.rows().put(i, fail);
            } else if (released) {
                d.coarsened().put(i, new Hidden("coarsened", count));
            }
        }
    }

    /**
     * Why a row's shown net score discloses on its own, or null: its figure and size give plus − minus,
     * which bounds promoters, detractors or the rest into 1..k−1 in a range under k wide
     * ({@link ReleaseRules.Score#ranges}); a figure that is not a whole number of people per its size
     * breaks the declaration, so the row fails closed.
     */
    static Hidden scoreExposure(Map<String, Object> row, ReleaseRules.Score sc, int k) {
        Double figure = number(row.get(sc.figure()));
        Double n = number(row.get(sc.size()));
        if (!sc.matches(row) || figure == null || n == null) {
            return null;
        }
        java.util.OptionalLong d = sc.difference(figure, n);
        if (d.isEmpty()) {
            return new Hidden("primary: " + sc.figure() + " is not a whole number of people per " + sc.size(), null);
        }
        return sc.ranges(Math.round(n), d.getAsLong()).stream()
                .filter(b -> b.exposed(k))
                .findFirst()
                .map(b -> new Hidden("primary: " + sc.figure() + " of " + sc.size() + " puts " + b.describe(), null))
                .orElse(null);
    }

    /**
     * Whether a row may be coarsened rather than hidden: its table declares a coarsened count and its
     * size is shown (at least k), so the rounding step k / size is defined.
     */
    static boolean coarsenable(Map<String, Object> row, Table decl, int k) {
        Double size = number(row.get(decl.people().get(0)));
        return decl.coarsening().isPresent() && size != null && size >= k - 1e-9;
    }

    /** Whether a coarsened row's figure can be shown rounded: it has none, or it has a step. */
    static boolean hasStep(List<Map<String, Object>> rows, int i, Table decl, Decision d) {
        return rows.get(i).get(decl.coarsening().orElseThrow().rounded()) == null
                || d.steps().containsKey(i);
    }

    /**
     * The rounding step of each row of a coarsening table whose step is defined: the smallest of
     * {@link #STEPS} with step · n ≥ k, n the group size or, when the table declares {@code at_risk},
     * the fewest people at risk by the row's horizon over every group its figure rests on. A row
     * without a step (at-risk unknown or under k) may still be coarsened, its figure withheld.
     */
    static Map<Integer, Double> steps(
            List<Map<String, Object>> rows,
            List<Map<String, Object>> truth,
            Table decl,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules,
            int k) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        if (decl.coarsening().isEmpty()) {
            return out;
        }
        ReleaseRules.Coarsen co = decl.coarsening().get();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = truth.get(i) == null ? rows.get(i) : truth.get(i);
            Double size = number(row.get(decl.people().get(0)));
            Double n = co.sizedOnAtRisk().isEmpty() ? size : minAtRisk(row, decl, co.atRisk(), source, rules);
            if (n != null && size != null && Math.min(n, size) >= k - 1e-9) {
                out.put(i, step(Math.min(n, size), k));
            }
        }
        return out;
    }

    /**
     * The fewest people at risk at any time up to a row's horizon, over the row's own group and every
     * group its rounded figure links to (both arms of a difference), read from the declared curve.
     * Null when unknown: the curve is missing, a month up to the horizon has no at-risk figure, or the
     * curve stops before the horizon (nobody was followed that long).
     */
    static Double minAtRisk(
            Map<String, Object> row,
            Table decl,
            ReleaseRules.AtRisk at,
            Map<String, List<Map<String, Object>>> source,
            ReleaseRules rules) {
        List<Map<String, Object>> curve = source.get(at.table());
        Double horizon = number(row.get(at.upTo()));
        if (curve == null || horizon == null) {
            return null;
        }
        Table curveDecl = declaration(rules, at.table());
        Link curveLink = curveDecl.atRiskLink(at.column()).orElseThrow();
        String rounded = decl.coarsening().orElseThrow().rounded();
        Set<List<String>> arms = new java.util.LinkedHashSet<>();
        for (Link link : decl.links()) {
            if (link.column().equals(decl.people().get(0)) || link.column().equals(rounded)) {
                arms.add(withoutHorizon(group(link, row)));
            }
        }
        if (arms.isEmpty()) {
            return null;
        }
        Double min = null;
        for (List<String> arm : arms) {
            boolean atHorizon = false;
            for (Map<String, Object> r : curve) {
                Double t = number(r.get(curveDecl.curve()));
                if (t == null || t > horizon + 1e-9 || !arm.equals(withoutHorizon(group(curveLink, r)))) {
                    continue;
                }
                Double n = number(r.get(at.column()));
                if (n == null) {
                    return null;
                }
                atHorizon |= Math.abs(t - horizon) < 1e-9;
                min = min == null ? n : Math.min(min, n);
            }
            if (!atHorizon) {
                return null;
            }
        }
        return min;
    }

    private static List<String> withoutHorizon(Map<String, String> group) {
        List<String> out = new ArrayList<>();
        group.forEach((dim, v) -> {
            if (!dim.equals("horizon_months")) {
                out.add(v);
            }
        });
        return out;
    }

    /** The source row of each row, matched by keys (null where the source has none). */
    static List<Map<String, Object>> aligned(
            List<Map<String, Object>> rows, List<Map<String, Object>> source, Table decl) {
        if (source == rows) {
            return rows;
        }
        Map<List<Object>, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (Map<String, Object> r : source == null ? List.<Map<String, Object>>of() : source) {
            byKey.put(keyWithout(r, decl.keys(), null), r);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            out.add(byKey.get(keyWithout(r, decl.keys(), null)));
        }
        return out;
    }

    /** The rounding steps a coarsened figure may use; the smallest with step · size ≥ k is taken. */
    static final double[] STEPS = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0};

    /** The rounding step of a coarsened row of {@code size} people: the count behind it is known only to within k. */
    public static double step(double size, int k) {
        for (double s : STEPS) {
            if (s * size >= k - 1e-9) {
                return s;
            }
        }
        return STEPS[STEPS.length - 1];
    }

    /**
     * {@code v} rounded to the nearest multiple of {@code step}, halves up, without binary noise. Halves go
     * the same way on both sides of zero, so every rounded value stands for a half-open window of width
     * step: of step · size ≥ k counts (halves away from zero would leave k − 1 around zero).
     */
    public static double roundToStep(double v, double step) {
        java.math.BigDecimal q = java.math.BigDecimal.valueOf(v)
                .divide(java.math.BigDecimal.valueOf(step), 12, java.math.RoundingMode.HALF_EVEN)
                .add(java.math.BigDecimal.valueOf(0.5))
                .setScale(0, java.math.RoundingMode.FLOOR);
        return q.multiply(java.math.BigDecimal.valueOf(step)).doubleValue();
    }

    /** Whether cell (row, column) is not shown: its row is hidden, or it is the count of a coarsened row. */
    static boolean hiddenCell(Decision d, Table decl, int row, String column) {
        return d.rows().containsKey(row)
                || d.columns().getOrDefault(row, Set.of()).contains(column)
                || d.coarsened().containsKey(row)
                        && decl.coarsening().map(c -> c.count().equals(column)).orElse(false);
    }

    /**
     * Hides cell (row, column) for a complementary pass: its facet when it is a facet count, by coarsening
     * when it is a coarsenable count, else the row.
     */
    private static void hideCell(
            List<Map<String, Object>> rows, Table decl, int row, String column, int k, Decision d, Hidden why) {
        if (decl.facetOf(column).isPresent() && !d.rows().containsKey(row)) {
            hideFacet(decl, row, column, d);
            return;
        }
        boolean isCount = decl.coarsening().map(c -> c.count().equals(column)).orElse(false);
        if (isCount && coarsenable(rows.get(row), decl, k) && !d.rows().containsKey(row)) {
            d.coarsened().put(row, why);
        } else {
            d.hide(row, why);
        }
    }

    /**
     * Whether a facet's own counts hide it on a row: one unknown (not delivered, or hidden in a release
     * already) or in 1..k−1, or a declared within difference ending in one of them in 1..k−1.
     */
    static boolean facetFails(Map<String, Object> row, ReleaseRules.Facet f, Table decl, int k) {
        for (String c : f.counts()) {
            Double v = number(row.get(c));
            if (v == null || sensitive(v, k)) {
                return true;
            }
        }
        for (List<String> pair : decl.within()) {
            Double whole = number(row.get(pair.get(0)));
            Double part = number(row.get(pair.get(1)));
            if (f.counts().contains(pair.get(1)) && whole != null && part != null && sensitive(whole - part, k)) {
                return true;
            }
        }
        return false;
    }

    /** Hides the facet of {@code column} on one row: its counts and the figures computed from them. */
    private static void hideFacet(Table decl, int row, String column, Decision d) {
        d.columns()
                .computeIfAbsent(row, x -> new LinkedHashSet<>())
                .addAll(decl.facetOf(column).orElseThrow().columns());
    }

    /**
     * Coarsens each curve so that every step between two shown months holds 0 or at least k events
     * and 0 or at least k censorings. A month's own event and censoring counts are never shown: the
     * difference of people at risk between two shown months gives their (safe) sum.
     *
     * <p>The monthly counts come from {@code truth} (the curve before control, aligned with {@code rows})
     * where it has the row, else from the row: the audit re-runs this on the published curve, whose
     * monthly counts are blank, and must judge its steps on the real ones.
     *
     * <p>A horizon another table publishes (an anchor) is a point a later month's step is judged from,
     * but so is the last month the curve itself shows: the summary may hide or round that horizon, and
     * then a step of 0 from the anchor is a step of one exit from the last shown month (P-ONB's matched
     * mentees on the sample: month 0 shown, 24 an anchor the summary hid, 25 shown with survival 20/21).
     */
    private static void curve(
            List<Map<String, Object>> rows,
            List<Map<String, Object>> truth,
            Table decl,
            String time,
            Set<Double> anchors,
            int k,
            Decision d) {
        String atRisk = decl.people().get(0);
        String events = decl.people().size() > 1 ? decl.people().get(1) : null;
        String censored = decl.people().size() > 2 ? decl.people().get(2) : null;
        Map<List<Object>, List<Integer>> series = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            series.computeIfAbsent(keyWithout(rows.get(i), decl.keys(), time), x -> new ArrayList<>())
                    .add(i);
        }
        Set<String> monthly =
                new HashSet<>(decl.people().subList(1, decl.people().size()));
        for (List<Integer> s : series.values()) {
            s.sort(Comparator.comparingDouble(i -> number(rows.get(i).get(time))));
            // Events and censorings before each month, and the published points so far: shown months,
            // and the anchors (months whose survival another table publishes, the summary's horizons).
            double[] ce = new double[s.size() + 1];
            double[] cc = new double[s.size() + 1];
            double[] atRiskAt = new double[s.size()];
            // {position in s, 1 if an anchor or the start (never withdrawn), 1 if the curve shows it}
            List<int[]> published = new ArrayList<>();
            for (int j = 0; j < s.size(); j++) {
                int i = s.get(j);
                Map<String, Object> row = rows.get(i);
                Double n = number(row.get(atRisk));
                atRiskAt[j] = n == null ? Double.NaN : n;
                boolean upstream = Boolean.TRUE.equals(row.get("suppressed"));
                boolean first = published.isEmpty();
                boolean usable = !upstream && n != null && n > 0 && !sensitive(n, k);
                boolean anchor = !first && n != null && anchors.contains(number(row.get(time)));
                if (anchor) {
                    // The summary shows survival here whatever the curve does: a shown month before it whose
                    // step to here is under k would give that step away, so it is withdrawn.
                    while (!stepSafe(published.get(published.size() - 1)[0], j, ce, cc, atRiskAt, n, k)
                            && published.get(published.size() - 1)[1] == 0
                            && published.size() > 1) {
                        int back = s.get(published.remove(published.size() - 1)[0]);
                        d.columns().remove(back);
                        d.rows().put(back, new Hidden("curve: step to a published horizon under k", null));
                    }
                }
                // People at risk count people while the month's counts count cohort rows (a comparator
                // can sit in several cells), so the step in people at risk is checked on its own too.
                boolean show = usable
                        && (first
                                || stepSafe(published.get(published.size() - 1)[0], j, ce, cc, atRiskAt, n, k)
                                        && stepSafe(lastShown(published), j, ce, cc, atRiskAt, n, k));
                if (show || anchor) {
                    published.add(new int[] {j, anchor || first ? 1 : 0, show ? 1 : 0});
                }
                if (show) {
                    if (!monthly.isEmpty()) {
                        d.columns().put(i, monthly);
                    }
                } else if (first && !upstream) {
                    // The curve's start is under k: the group itself is too small.
                    d.rows().put(i, new Hidden("primary: count under k", atRisk));
                } else {
                    // A coarsened step or the tail: hides this month only, not the group.
                    d.rows()
                            .put(
                                    i,
                                    new Hidden(
                                            upstream
                                                    ? "suppressed upstream"
                                                    : "curve: step since the last shown month under k",
                                            null));
                }
                Map<String, Object> counts = truth.get(i) != null ? truth.get(i) : row;
                Double be = events == null ? null : number(counts.get(events));
                Double bc = censored == null ? null : number(counts.get(censored));
                ce[j + 1] = ce[j] + (be == null ? 0 : be);
                cc[j + 1] = cc[j] + (bc == null ? 0 : bc);
            }
        }
    }

    /** The position of the last month a curve shows itself (the start at least), not an anchor only. */
    private static int lastShown(List<int[]> published) {
        for (int p = published.size() - 1; p >= 0; p--) {
            if (published.get(p)[2] == 1) {
                return published.get(p)[0];
            }
        }
        return published.get(0)[0];
    }

    /** Whether the step from published position p to position j (n at risk) holds 0 or at least k of each count. */
    private static boolean stepSafe(int p, int j, double[] ce, double[] cc, double[] atRiskAt, double n, int k) {
        return !sensitive(ce[j] - ce[p], k)
                && !sensitive(cc[j] - cc[p], k)
                && (Double.isNaN(atRiskAt[p]) || !sensitive(atRiskAt[p] - n, k));
    }

    /**
     * The months a curve must treat as published: the horizons of every table of the release keyed by
     * {@code horizon_months}, when the curve links its time column to that dimension (the summary shows
     * survival at 6, 12 and 24 months).
     */
    private static Set<Double> anchors(Map<String, List<Map<String, Object>>> tables, ReleaseRules rules, Table curve) {
        Set<Double> out = new HashSet<>();
        boolean linked = curve.links().stream().anyMatch(l -> curve.curve().equals(l.horizonMonths()));
        if (!linked) {
            return out;
        }
        for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
            if (declaration(rules, t.getKey()).keys().contains("horizon_months")) {
                t.getValue().forEach(r -> {
                    Double h = number(r.get("horizon_months"));
                    if (h != null) {
                        out.add(h);
                    }
                });
            }
        }
        return out;
    }

    /** Propagates hidden people groups between tables; true when a row was newly hidden. */
    private static boolean links(
            Map<String, List<Map<String, Object>>> tables, ReleaseRules rules, Map<String, Decision> decisions, int k) {
        // Groups hidden as a whole (their size or a complement of it), and single hidden cells: a
        // figure that depends on a cell (a difference against a comparison row) goes with the cell.
        List<Map<String, String>> hiddenGroups = new ArrayList<>();
        List<Map<String, String>> hiddenCells = new ArrayList<>();
        // Coarsened cells: their exact figures must not come back through a figure elsewhere that
        // depends on them (a difference against them, an ROI, the curve at the same month).
        Map<Map<String, String>, String> coarsenedCells = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
            Table decl = declaration(rules, t.getKey());
            if (ReleaseRules.LINK_DIMENSIONS.containsAll(decl.keys())) {
                for (int i : decisions.get(t.getKey()).coarsened().keySet()) {
                    Map<String, Object> row = t.getValue().get(i);
                    for (Link link : decl.links()) {
                        Map<String, String> cell = group(link, row);
                        if (row.containsKey("horizon_months")) {
                            cell.put("horizon_months", String.valueOf(row.get("horizon_months")));
                        }
                        if (decl.people().contains(link.column()) && !cell.containsValue("*")) {
                            coarsenedCells.put(cell, t.getKey());
                        }
                    }
                }
            }
            for (Map.Entry<Integer, Hidden> h : decisions.get(t.getKey()).rows().entrySet()) {
                Map<String, Object> row = t.getValue().get(h.getKey());
                for (Link link : decl.links()) {
                    if (!decl.people().contains(link.column())) {
                        continue;
                    }
                    Map<String, String> g = group(link, row);
                    if (link.column().equals(h.getValue().column())) {
                        hiddenGroups.add(g);
                    }
                    // Only a row the link space names exactly is a cell others depend on (not a curve's month).
                    if (ReleaseRules.LINK_DIMENSIONS.containsAll(decl.keys())) {
                        Map<String, String> cell = new LinkedHashMap<>(g);
                        if (row.containsKey("horizon_months")) {
                            cell.put("horizon_months", String.valueOf(row.get("horizon_months")));
                        }
                        if (!cell.containsValue("*")) {
                            hiddenCells.add(cell);
                        }
                    }
                }
            }
        }
        boolean changed = false;
        for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
            Table decl = declaration(rules, t.getKey());
            Decision d = decisions.get(t.getKey());
            for (int i = 0; i < t.getValue().size(); i++) {
                if (d.rows().containsKey(i)) {
                    continue;
                }
                for (Link link : decl.links()) {
                    Map<String, String> g = group(link, t.getValue().get(i));
                    boolean dependency = !decl.people().contains(link.column());
                    Map<String, String> byGroup = hiddenGroups.stream()
                            .filter(h -> overlaps(h, g))
                            .findFirst()
                            .orElse(null);
                    if (byGroup != null || dependency && hiddenCells.stream().anyMatch(h -> overlaps(h, g))) {
                        // Hidden as part of that group: the group's size column carries it on, except a
                        // curve's month hidden for one horizon (the rest of the curve is not that group).
                        boolean oneMonth = decl.curveColumn().isPresent()
                                && byGroup != null
                                && !"*".equals(byGroup.get("horizon_months"));
                        String column = decl.people().contains(link.column()) && !oneMonth ? link.column() : null;
                        d.hide(i, new Hidden("linked: group " + g + " is hidden", column));
                        changed = true;
                        break;
                    }
                    String coarsenedIn = coarsenedCells.entrySet().stream()
                            .filter(c -> overlaps(c.getKey(), g))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(null);
                    if (coarsenedIn != null
                            && (dependency || !coarsenedIn.equals(t.getKey()))
                            && !d.coarsened().containsKey(i)) {
                        Hidden why = new Hidden(
                                "linked: " + link.column() + " depends on " + g + ", coarsened in " + coarsenedIn,
                                null);
                        if (dependency && coarsenable(t.getValue().get(i), decl, k)) {
                            d.coarsened().put(i, why);
                        } else {
                            d.hide(i, why);
                        }
                        changed = true;
                        break;
                    }
                }
            }
        }
        return changed;
    }

    private static boolean complementary(List<Map<String, Object>> rows, Table decl, int k, Decision d) {
        boolean changed = false;
        for (Relation r : decl.relations()) {
            for (Instance in : instances(rows, decl, r)) {
                changed |= r.kind().equals("contains")
                        ? containsRule(rows, decl, r, in.whole(), in.parts().get(0), k, d)
                        : sumRule(rows, decl, r, in.whole(), in.parts(), k, d);
            }
        }
        return changed;
    }

    /** whole ⊇ part: both shown with a difference in 1..k−1 discloses that difference. */
    private static boolean containsRule(
            List<Map<String, Object>> rows, Table decl, Relation r, int whole, int part, int k, Decision d) {
        for (String c : relationColumns(decl)) {
            if (hiddenCell(d, decl, whole, c) || hiddenCell(d, decl, part, c)) {
                continue; // one unknown besides the unpublished difference: not recoverable
            }
            Double w = number(rows.get(whole).get(c));
            Double p = number(rows.get(part).get(c));
            if (w != null && p != null && sensitive(Math.abs(w - p), k)) {
                // The smaller side (the part) unless the whole is declared the one to give up.
                int hide = sacrificed(decl, r.column(), r.whole()) ? whole : part;
                hideCell(
                        rows,
                        decl,
                        hide,
                        c,
                        k,
                        d,
                        new Hidden(
                                "complementary: " + r.whole() + " − " + r.part() + " of " + r.column() + " would show "
                                        + c + " under k",
                                c));
                return true;
            }
        }
        return false;
    }

    /**
     * whole = Σ parts, column by column: exactly one hidden cell is recovered by subtraction; a residual
     * in 1..k−1 with nothing hidden is a count of fewer than k people; so is the sum of several hidden
     * parts when the whole is shown (the hidden cells together would be a group under k).
     */
    private static boolean sumRule(
            List<Map<String, Object>> rows, Table decl, Relation r, int whole, List<Integer> parts, int k, Decision d) {
        List<Integer> all = new ArrayList<>(parts);
        all.add(whole);
        String size = decl.people().get(0);
        for (String c : relationColumns(decl)) {
            List<Integer> hidden =
                    all.stream().filter(i -> hiddenCell(d, decl, i, c)).toList();
            String reason = null;
            String column = c;
            if (hidden.size() == 1) {
                Hidden h = d.rows().get(hidden.get(0));
                column = h != null && h.column() != null && decl.people().contains(h.column()) ? h.column() : c;
                reason = "complementary: " + r.whole() + " − Σ " + r.column() + " would recover " + c + " of "
                        + rows.get(hidden.get(0)).get(r.column());
            } else if (!hiddenCell(d, decl, whole, c)) {
                Double w = number(rows.get(whole).get(c));
                double sum = 0;
                boolean known = w != null;
                for (int p : parts) {
                    if (!hiddenCell(d, decl, p, c)) {
                        Double v = number(rows.get(p).get(c));
                        known &= v != null;
                        sum += v == null ? 0 : v;
                    }
                }
                if (known && sensitive(Math.abs(w - sum), k)) {
                    reason = hidden.isEmpty()
                            ? "complementary: " + r.whole() + " − Σ " + r.column() + " differs by under k in " + c
                            : "complementary: the hidden " + r.column() + " cells add up to under k in " + c;
                }
            }
            if (reason == null) {
                continue;
            }
            Integer pick = parts.stream()
                    .filter(p -> !hiddenCell(d, decl, p, c))
                    .min(Comparator.<Integer, Boolean>comparing(p -> !sacrificed(decl, rows.get(p)))
                            .thenComparingDouble(p -> orMax(number(rows.get(p).get(size))))
                            .thenComparing(p -> String.valueOf(rows.get(p).get(r.column()))))
                    .orElse(hiddenCell(d, decl, whole, c) ? null : whole);
            if (pick == null) {
                continue;
            }
            hideCell(rows, decl, pick, c, k, d, new Hidden(reason, column));
            return true;
        }
        return false;
    }

    /**
     * Where a hidden count may lie around its true value, in people: {below, above}. A rounded row's
     * figure stands for a window of step · n people (retention = 1 − exits / n, the worst case: no
     * censoring, the comparison known), placed around the truth by where the true figure x fell in its
     * rounding window [v − s/2, v + s/2): n · (v + s/2 − x) people below the true count and n · (x − v + s/2)
     * above (a higher difference is fewer exits). Null for a cell without a window (shown, hidden, or a
     * rounded row whose figure was withdrawn).
     */
    static double[] window(
            List<Map<String, Object>> rows, List<Map<String, Object>> truth, Table decl, int i, String c, Decision d) {
        if (!hiddenCell(d, decl, i, c)
                || !d.coarsened().containsKey(i)
                || d.rows().containsKey(i)) {
            return null;
        }
        Map<String, Object> t = truth.get(i) == null ? rows.get(i) : truth.get(i);
        String rounded = decl.coarsening().orElseThrow().rounded();
        Double x = number(t.get(rounded));
        Double n = number(t.get(decl.people().get(0)));
        Double step = d.steps().get(i);
        // A figure withdrawn (no step), or not shown in the rows decided on, leaves no window.
        if (x == null || n == null || step == null || rows.get(i).get(rounded) == null) {
            return null;
        }
        // What is published: the figure of the rows decided on, rounded (the truth in a first pass; a
        // released, perhaps held, figure in a second pass or the audit's, as the reader sees it).
        double v = roundToStep(number(rows.get(i).get(rounded)), step);
        return new double[] {n * (v + step / 2 - x), n * (x - v + step / 2)};
    }

    // ------------------------------------------------------------------ helpers

    /** A count that singles out fewer than k people. */
    public static boolean sensitive(double count, int k) {
        return count > 1e-9 && count < k - 1e-9;
    }

    /** The people columns relations add up: a curve's monthly counts are never shown, so only its people at risk. */
    static List<String> relationColumns(Table decl) {
        return decl.curveColumn().isPresent() ? decl.people().subList(0, 1) : decl.people();
    }

    private static boolean sacrificed(Table decl, String column, String value) {
        return decl.sacrifice().getOrDefault(column, List.of()).contains(value);
    }

    private static boolean sacrificed(Table decl, Map<String, Object> row) {
        return decl.sacrifice().entrySet().stream()
                .anyMatch(e -> e.getValue().contains(String.valueOf(row.get(e.getKey()))));
    }

    /** One instance of a relation: the row holding the whole and the rows of its parts. */
    record Instance(int whole, List<Integer> parts) {}

    /**
     * The instances of {@code r} in {@code rows}: rows equal on every key but the relation's column
     * (and matching its {@code where}), with a whole and at least one part present.
     */
    static List<Instance> instances(List<Map<String, Object>> rows, Table decl, Relation r) {
        Map<List<Object>, List<Integer>> byRest = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            boolean matches = r.where().entrySet().stream()
                    .allMatch(w -> w.getValue().equals(String.valueOf(row.get(w.getKey()))));
            if (matches) {
                byRest.computeIfAbsent(keyWithout(row, decl.keys(), r.column()), x -> new ArrayList<>())
                        .add(i);
            }
        }
        List<Instance> out = new ArrayList<>();
        for (List<Integer> group : byRest.values()) {
            Integer whole = null;
            List<Integer> parts = new ArrayList<>();
            for (int i : group) {
                String v = String.valueOf(rows.get(i).get(r.column()));
                if (v.equals(r.whole())) {
                    whole = i;
                } else if (r.kind().equals("sum") || v.equals(r.part())) {
                    parts.add(i);
                }
            }
            if (whole != null && !parts.isEmpty()) {
                out.add(new Instance(whole, parts));
            }
        }
        return out;
    }

    /** A row's key values as strings, without column {@code without} (null: every key): a series or instance. */
    static List<Object> keyWithout(Map<String, Object> row, List<String> keys, String without) {
        List<Object> key = new ArrayList<>();
        for (String c : keys) {
            if (!c.equals(without)) {
                key.add(row.get(c) == null ? null : String.valueOf(row.get(c)));
            }
        }
        return key;
    }

    /** Whether cell (table, row, people column) is withheld from the reader. */
    @FunctionalInterface
    interface Withheld {
        boolean test(String table, int row, String column);
    }

    /**
     * What a reader reads of people groups across the release: for each link on a people column naming
     * its group exactly (a program, a cohort and a method), the values shown in rows the link space names
     * (a curve's months count other things). P-CAR's 168 matched mentees, shown in retention_summary and
     * matching_balance, are known where promotion_summary withholds them, and so are their promotions
     * when all 168 naive mentees were matched.
     */
    static Map<Map<String, String>, Set<Double>> shownGroups(
            Map<String, List<Map<String, Object>>> tables, ReleaseRules rules, Withheld withheld) {
        Map<Map<String, String>, Set<Double>> shown = new HashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> t : tables.entrySet()) {
            Table decl = rules.table(t.getKey()).orElse(null);
            if (decl == null || !ReleaseRules.LINK_DIMENSIONS.containsAll(decl.keys())) {
                continue;
            }
            for (int i = 0; i < t.getValue().size(); i++) {
                for (Link link : decl.links()) {
                    Map<String, String> g = group(link, t.getValue().get(i));
                    Double v = number(t.getValue().get(i).get(link.column()));
                    if (decl.people().contains(link.column())
                            && exact(g)
                            && v != null
                            && !withheld.test(t.getKey(), i, link.column())) {
                        shown.computeIfAbsent(g, x -> new HashSet<>()).add(v);
                    }
                }
            }
        }
        return shown;
    }

    /** Whether a withheld people cell's group is shown elsewhere with its true value. */
    static boolean knownElsewhere(
            Table decl,
            Map<String, Object> row,
            String column,
            double truth,
            Map<Map<String, String>, Set<Double>> sized) {
        for (Link link : decl.links()) {
            Map<String, String> g = group(link, row);
            if (link.column().equals(column)
                    && exact(g)
                    && sized.getOrDefault(g, Set.of()).contains(truth)) {
                return true;
            }
        }
        return false;
    }

    private static boolean exact(Map<String, String> group) {
        return !"*".equals(group.get("program_id"))
                && !"*".equals(group.get("cohort"))
                && !"*".equals(group.get("method"));
    }

    /** The group a link names on a row: dimension → value ("*" for every value). */
    static Map<String, String> group(Link link, Map<String, Object> row) {
        Map<String, String> g = new LinkedHashMap<>();
        for (String dim : ReleaseRules.LINK_DIMENSIONS) {
            String source = link.dimensions().get(dim);
            g.put(
                    dim,
                    source == null
                            ? "*"
                            : source.startsWith("=") ? source.substring(1) : String.valueOf(row.get(source)));
        }
        return g;
    }

    /**
     * The cross-table pairs of {@code release.yaml} ({@link ReleaseRules.Across}): where both cells of a
     * pair are shown and differ by 1..k−1 (ALL's 306 matched mentees against the 302 of its matched
     * cohort: 4 people outside the headline cohort), the sacrificed side's cell is hidden, its facet or
     * its row. A hidden whole is judged on what a reader bounds it by: at least every part shown beside
     * it, at most its row's shown {@code within} partner (P-ONB's mentees: at least its 23 matched ones,
     * at most its 29 matches, so 3 to 9 of them have no match with six rated meetings beside the 20 who
     * do); when that leaves whole − part in 1..k−1, narrower than k, the part goes where it is the
     * declared sacrifice, else the whole's row, and with it the partner bounding it from above
     * ({@code bounded}: only hidden wholes, else only shown ones). True when something was hidden.
     */
    private static boolean across(
            Map<String, List<Map<String, Object>>> tables,
            Map<String, List<Map<String, Object>>> truths,
            ReleaseRules rules,
            Map<String, Decision> decisions,
            int k,
            boolean bounded) {
        boolean changed = false;
        for (ReleaseRules.Across a : rules.across()) {
            List<Map<String, Object>> wholes = tables.get(a.whole().table());
            List<Map<String, Object>> parts = tables.get(a.part().table());
            if (wholes == null || parts == null) {
                continue;
            }
            Table wd = declaration(rules, a.whole().table());
            Table pd = declaration(rules, a.part().table());
            Decision dw = decisions.get(a.whole().table());
            Decision dp = decisions.get(a.part().table());
            for (int i = 0; i < wholes.size(); i++) {
                Map<String, Object> w = wholes.get(i);
                boolean wholeHidden = hiddenCell(dw, wd, i, a.whole().column());
                if (wholeHidden != bounded) {
                    continue;
                }
                Map<String, Object> wt = truths.get(a.whole().table()).get(i);
                Double whole = number(
                        (wholeHidden && wt != null ? wt : w).get(a.whole().column()));
                double[] bounds = wholeHidden ? bounds(tables, rules, decisions, a, i) : null;
                for (int j = 0; j < parts.size(); j++) {
                    Map<String, Object> p = parts.get(j);
                    if (!a.pairs(w, p) || hiddenCell(dp, pd, j, a.part().column())) {
                        continue;
                    }
                    Double part = number(p.get(a.part().column()));
                    if (whole == null || part == null || !sensitive(whole - part, k)) {
                        continue;
                    }
                    if (wholeHidden && (bounds[0] - part <= 1e-9 || bounds[1] - bounds[0] >= k - 1e-9)) {
                        continue; // the reader's range of whole − part admits 0 or is at least k wide
                    }
                    Hidden why =
                            new Hidden("across: " + a.describe() + " under k" + (wholeHidden ? ", bounded" : ""), null);
                    if (a.sacrificed() == a.whole() && wholeHidden) {
                        // The sacrifice is hidden already and still bounded: its row goes, and with it the
                        // within partner that bounds it from above (a program's matches above its mentees).
                        hideCell(wholes, wd, i, wd.people().get(0), k, dw, why);
                    } else if (a.sacrificed() == a.whole()) {
                        hideCell(wholes, wd, i, a.whole().column(), k, dw, why);
                    } else {
                        hideCell(parts, pd, j, a.part().column(), k, dp, why);
                    }
                    changed = true;
                }
            }
        }
        return changed;
    }

    /**
     * What a reader bounds a hidden whole of an {@code across} pair by: [the largest part shown beside it
     * in any pair with the same whole, its row's smallest shown {@code within} partner (∞ if none)].
     */
    private static double[] bounds(
            Map<String, List<Map<String, Object>>> tables,
            ReleaseRules rules,
            Map<String, Decision> decisions,
            ReleaseRules.Across pair,
            int row) {
        String table = pair.whole().table();
        String column = pair.whole().column();
        Table wd = declaration(rules, table);
        Map<String, Object> w = tables.get(table).get(row);
        double lo = 0;
        double hi = Double.POSITIVE_INFINITY;
        for (List<String> within : wd.within()) {
            Double v = number(w.get(within.get(0)));
            if (within.get(1).equals(column)
                    && v != null
                    && !hiddenCell(decisions.get(table), wd, row, within.get(0))) {
                hi = Math.min(hi, v);
            }
        }
        for (ReleaseRules.Across a : rules.across()) {
            List<Map<String, Object>> parts = tables.get(a.part().table());
            if (!a.whole().table().equals(table) || !a.whole().column().equals(column) || parts == null) {
                continue;
            }
            Table pd = declaration(rules, a.part().table());
            for (int j = 0; j < parts.size(); j++) {
                Double v = number(parts.get(j).get(a.part().column()));
                if (a.pairs(w, parts.get(j))
                        && v != null
                        && !hiddenCell(
                                decisions.get(a.part().table()), pd, j, a.part().column())) {
                    lo = Math.max(lo, v);
                }
            }
        }
        return new double[] {lo, hi};
    }

    /**
     * Whether a hidden group covers a row's link: every dimension is the same value or every value
     * ("*") in the hidden group. A hidden horizon does not cover a row counting the whole group.
     */
    private static boolean overlaps(Map<String, String> hidden, Map<String, String> link) {
        for (String dim : ReleaseRules.LINK_DIMENSIONS) {
            String x = hidden.get(dim);
            String y = link.get(dim);
            if (!"*".equals(x) && !Objects.equals(x, y)) {
                return false;
            }
        }
        return true;
    }

    static Double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static double orMax(Double v) {
        return v == null ? Double.MAX_VALUE : v;
    }
}
