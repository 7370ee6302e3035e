package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.ReleaseRules.Relation;
import io.mentoringoutcomes.disclosure.ReleaseRules.Table;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * What a reader learns of every withheld or rounded people count of one table by intersecting all its
 * declared relations at once, as τ-ARGUS's audit does (Hundepool et al. 2012, ch. 4.2: the feasible
 * range of a hidden cell by linear programming). One relation at a time misses what two relations
 * sharing a cell give away together: P1's exits at 12 months are a part of ALL's and at most its exits
 * at 24 months, which are themselves a part of ALL's.
 *
 * <p>Every people count of the table is a variable: a shown count is fixed, a rounded one lies in its
 * rounding window (in people), a withheld one in [0, ∞). Each declared relation adds a linear
 * constraint: {@code sum} whole = Σ parts, {@code contains} whole ≥ part (a {@code nested} one on the
 * row's {@code within} differences too), {@code within} whole ≥ part in a row, and on a curve people
 * at risk never grow from one month to the next (a chain through every month, hidden or shown). A
 * withheld count whose group is shown in another row or table is known exactly (the caller's
 * {@code known}). A net score's two counts no table shows (promoters and detractors, {@link
 * ReleaseRules.Score}) are variables of the rows carrying it: among the row's size, their difference
 * fixed where the score and its size are shown. No truth is kept for them, so each, and the rest of the
 * size, is judged on its range alone: exposed when it excludes 0, starts under k and is under k wide.
 * What a reader knows
 * of a hidden cell is its range only: the rule is public but which rule hid a cell is not (a hidden
 * count is primary, 1..k−1, or complementary, any size), so no hidden count is assumed to be in
 * 1..k−1. The declared relations are the reader's model even where the true figures break one (a
 * mentee in two programs: ALL is a union, not a sum), since a reader who believes it may still narrow
 * a count correctly; only when they contradict each other (no feasible point) are the relations the
 * truth breaks left out and the ranges found from the rest.
 *
 * <p>For every hidden or rounded count in 1..k−1 (and every row's {@code within} difference in 1..k−1)
 * the minimum and maximum over the constraints are found with ojAlgo's simplex. It is exposed
 * when its range is narrower than k people and does not admit 0 (protection-interval rule: a rounded
 * row alone admits 0, nobody left). A set of withheld parts of a sum, together in 1..k−1, is exposed
 * when its count follows exactly (a range under one person wide). The tables are aggregates, so this runs on the driver, one
 * connected component of unknown cells at a time. A feasible point where a count is 0 settles it
 * without its own programs, so each component first minimises the sum of its counts, repeatedly
 * (sample night: 200 programs instead of 1,400; chained curves make one component of hundreds of
 * variables, each program a few milliseconds).
 */
final class JointRanges {

    private JointRanges() {}

    private static final double EPS = 1e-6;

    /** What a reader knows of one cell on its own, in people: [lo, hi] (lo = hi: shown), and the true count. */
    record Known(double lo, double hi, double truth) {
        static Known shown(double v) {
            return new Known(v, v, v);
        }

        static Known unknown(double truth) {
            return new Known(0, Double.POSITIVE_INFINITY, truth);
        }

        boolean exact() {
            return hi - lo <= EPS;
        }
    }

    /**
     * A count narrowed below k: its row, what it counts (a column, or {@code whole − part}), the range a
     * reader finds, and the rows of the constraints that narrowed it: their rounded cells (figures that
     * could be withdrawn) and shown cells (that could be hidden), for the control's next step; the rows
     * sharing a constraint with the count itself ({@code nearRows}) narrow it most directly.
     */
    record Exposure(
            int row,
            String quantity,
            double min,
            double max,
            Set<Integer> roundedRows,
            Map<Integer, Set<String>> shownCells,
            Set<Integer> nearRows) {
        String describe() {
            return quantity + " narrowed to [" + String.format(java.util.Locale.ROOT, "%.1f, %.1f", min, max)
                    + "] by the table's relations jointly";
        }
    }

    /** How much work the last calls did, for the stage log. */
    record Work(int linearPrograms, long nanos) {}

    /**
     * A count to protect: Σ terms (coefficient by cell), named on a row, with its true value; exposed when
     * its range is narrower than {@code narrowest} people and does not admit 0.
     */
    private record Quantity(int row, String name, Map<Long, Double> terms, double truth, double narrowest) {}

    /** Σ coef · x + constant (= or ≥) 0 over the table's unknown cells. */
    private record Con(Map<Integer, Double> coef, double constant, boolean equality, Set<Long> cells) {}

    /**
     * The exposed counts of one table.
     *
     * @param rows  the table's rows (keys for relations and curve series)
     * @param known what a reader knows of cell (row, people column) on its own
     * @param work  receives the number of linear programs solved and the time taken
     */
    static List<Exposure> exposed(
            Table decl,
            List<Map<String, Object>> rows,
            BiFunction<Integer, String, Known> known,
            int k,
            java.util.function.Consumer<Work> work) {
        long start = System.nanoTime();
        List<String> cols = new ArrayList<>(CellSuppression.relationColumns(decl));
        // A score's promoters and detractors are people counts no table shows: variables on the rows that
        // carry the score, 0 elsewhere, summed and contained by the relations like any other count.
        List<String> latent = decl.latent();
        cols.addAll(latent);
        // Cells: row · |cols| + column index. Unknown cells get a variable.
        Map<Long, Known> cells = new HashMap<>();
        Map<Long, Integer> var = new LinkedHashMap<>();
        List<Long> cellOf = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                long cell = cell(i, j, cols.size());
                String c = cols.get(j);
                Map<String, Object> row = rows.get(i);
                Known kn = !latent.contains(c)
                        ? known.apply(i, c)
                        : decl.scores().stream().anyMatch(sc -> sc.counts().contains(c) && sc.matches(row))
                                ? Known.unknown(Double.NaN)
                                : Known.shown(0);
                cells.put(cell, kn);
                if (!kn.exact()) {
                    var.put(cell, cellOf.size());
                    cellOf.add(cell);
                }
            }
        }
        List<Con> cons = new ArrayList<>();
        java.util.function.Function<double[][], Con> build = terms -> {
            // terms: {row, column index, coefficient}
            Map<Integer, Double> coef = new TreeMap<>();
            Set<Long> used = new LinkedHashSet<>();
            double constant = 0;
            for (double[] t : terms) {
                long cell = cell((int) t[0], (int) t[1], cols.size());
                used.add(cell);
                Integer v = var.get(cell);
                if (v == null) {
                    constant += t[2] * cells.get(cell).lo();
                } else {
                    coef.merge(v, t[2], Double::sum);
                }
            }
            return new Con(coef, constant, false, used);
        };
        for (Relation r : decl.relations()) {
            for (CellSuppression.Instance in : CellSuppression.instances(rows, decl, r)) {
                int whole = in.whole();
                List<Integer> parts = in.parts();
                for (int j = 0; j < cols.size(); j++) {
                    List<double[]> terms = new ArrayList<>();
                    terms.add(new double[] {whole, j, 1});
                    for (int p : parts) {
                        terms.add(new double[] {p, j, -1});
                    }
                    Con c = build.apply(terms.toArray(double[][]::new));
                    cons.add(new Con(c.coef(), c.constant(), r.kind().equals("sum"), c.cells()));
                }
                // Nested: the part's people without the event are among the whole's too.
                for (List<String> pair : r.nested() ? decl.within() : List.<List<String>>of()) {
                    int w = cols.indexOf(pair.get(0));
                    int p = cols.indexOf(pair.get(1));
                    cons.add(build.apply(
                            new double[][] {{whole, w, 1}, {whole, p, -1}, {parts.get(0), w, -1}, {parts.get(0), p, 1}
                            }));
                }
            }
        }
        // A net score: its promoters and detractors are among its size, and a shown figure of a shown size
        // fixes their difference (the row's size is the shown cell that would go to undo it).
        List<Quantity> scored = new ArrayList<>();
        for (ReleaseRules.Score sc : decl.scores()) {
            int n = cols.indexOf(sc.size());
            int plus = cols.indexOf(sc.plus());
            int minus = cols.indexOf(sc.minus());
            for (int i = 0; i < rows.size(); i++) {
                if (!sc.matches(rows.get(i))) {
                    continue;
                }
                cons.add(build.apply(new double[][] {{i, n, 1}, {i, plus, -1}, {i, minus, -1}}));
                Known figure = known.apply(i, sc.figure());
                Known size = cells.get(cell(i, n, cols.size()));
                java.util.OptionalLong d = figure.exact() && size.exact() && Double.isFinite(figure.lo())
                        ? sc.difference(figure.lo(), size.lo())
                        : java.util.OptionalLong.empty();
                if (d.isPresent()) {
                    Con c = build.apply(new double[][] {{i, plus, 1}, {i, minus, -1}});
                    Set<Long> used = new LinkedHashSet<>(c.cells());
                    used.add(cell(i, n, cols.size()));
                    cons.add(new Con(c.coef(), c.constant() - d.getAsLong(), true, used));
                }
                long p = cell(i, plus, cols.size());
                long m = cell(i, minus, cols.size());
                // What no truth is kept for: a range narrower than k above 0 and starting under k is exposed.
                scored.add(new Quantity(i, sc.plus(), Map.of(p, 1.0), Double.NaN, k));
                scored.add(new Quantity(i, sc.minus(), Map.of(m, 1.0), Double.NaN, k));
                scored.add(new Quantity(
                        i,
                        sc.size() + " − " + sc.plus() + " − " + sc.minus(),
                        Map.of(cell(i, n, cols.size()), 1.0, p, -1.0, m, -1.0),
                        Double.NaN,
                        k));
            }
        }
        if (decl.curveColumn().isEmpty()) {
            for (List<String> pair : decl.within()) {
                int w = cols.indexOf(pair.get(0));
                int p = cols.indexOf(pair.get(1));
                for (int i = 0; i < rows.size(); i++) {
                    cons.add(build.apply(new double[][] {{i, w, 1}, {i, p, -1}}));
                }
            }
        } else {
            String time = decl.curve();
            Map<List<Object>, List<Integer>> series = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                series.computeIfAbsent(
                                CellSuppression.keyWithout(rows.get(i), decl.keys(), time), x -> new ArrayList<>())
                        .add(i);
            }
            // People at risk never grow along a curve: each month holds the next. The chain joins a group's
            // hidden months with each other and, through the month's sums and containments, with other groups'
            // hidden months, so one component can hold every hidden month of every curve: a sparse linear
            // program of hundreds of variables, which the solver below takes in milliseconds.
            for (List<Integer> s : series.values()) {
                s.sort(Comparator.comparingDouble(i -> orNaN(rows.get(i).get(time))));
                for (int x = 0; x + 1 < s.size(); x++) {
                    cons.add(build.apply(new double[][] {{s.get(x), 0, 1}, {s.get(x + 1), 0, -1}}));
                }
            }
        }
        // Bounds of rounded cells (every variable is ≥ 0 already).
        for (Map.Entry<Long, Integer> v : var.entrySet()) {
            Known kn = cells.get(v.getKey());
            if (kn.lo() > EPS) {
                cons.add(new Con(Map.of(v.getValue(), 1.0), -kn.lo(), false, Set.of(v.getKey())));
            }
            if (Double.isFinite(kn.hi())) {
                cons.add(new Con(Map.of(v.getValue(), -1.0), kn.hi(), false, Set.of(v.getKey())));
            }
        }
        cons.removeIf(c -> c.coef().isEmpty()); // only what involves an unknown cell
        // Connected components of the unknown cells.
        int[] parent = new int[cellOf.size()];
        for (int v = 0; v < parent.length; v++) {
            parent[v] = v;
        }
        for (Con c : cons) {
            Integer first = null;
            for (int v : c.coef().keySet()) {
                if (first == null) {
                    first = v;
                } else {
                    parent[find(parent, v)] = find(parent, first);
                }
            }
        }
        // The quantities to protect: hidden or rounded counts, and within differences, in 1..k−1.
        List<Quantity> quantities = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                long cell = cell(i, j, cols.size());
                Known kn = cells.get(cell);
                if (var.containsKey(cell) && CellSuppression.sensitive(kn.truth(), k)) {
                    quantities.add(new Quantity(i, cols.get(j), Map.of(cell, 1.0), kn.truth(), k));
                }
            }
            if (decl.curveColumn().isEmpty()) {
                for (List<String> pair : decl.within()) {
                    long w = cell(i, cols.indexOf(pair.get(0)), cols.size());
                    long p = cell(i, cols.indexOf(pair.get(1)), cols.size());
                    double truth = cells.get(w).truth() - cells.get(p).truth();
                    if ((var.containsKey(w) || var.containsKey(p)) && CellSuppression.sensitive(truth, k)) {
                        quantities.add(
                                new Quantity(i, pair.get(0) + " − " + pair.get(1), Map.of(w, 1.0, p, -1.0), truth, k));
                    }
                }
            }
        }
        quantities.addAll(scored);
        // Withheld parts of a sum, together: the whole minus the shown parts, and minus the parts the other
        // relations pin, is a group of people too (P-LDR's and P-ONB's matched mentees: 7 promotions between
        // them once P-CAR's withheld ones follow from its naive row). No table shows that group, so it is
        // held to the cell-size rule, not to a protection interval: its count must not follow exactly (a
        // range under one person wide). Every set of two or more withheld parts, or with more than
        // SUBSETS_UP_TO of them, all of them and all but one.
        for (Relation r : decl.relations()) {
            if (!r.kind().equals("sum")) {
                continue;
            }
            for (CellSuppression.Instance in : CellSuppression.instances(rows, decl, r)) {
                for (int j = 0; j < cols.size(); j++) {
                    List<Long> withheld = new ArrayList<>();
                    for (int p : in.parts()) {
                        if (var.containsKey(cell(p, j, cols.size()))) {
                            withheld.add(cell(p, j, cols.size()));
                        }
                    }
                    for (List<Integer> set : partSets(withheld.size())) {
                        Map<Long, Double> together = new TreeMap<>();
                        double truth = 0;
                        for (int b : set) {
                            together.put(withheld.get(b), 1.0);
                            truth += cells.get(withheld.get(b)).truth();
                        }
                        if (CellSuppression.sensitive(truth, k)) {
                            List<Object> which = new ArrayList<>();
                            together.keySet()
                                    .forEach(c -> which.add(
                                            rows.get((int) (c / cols.size())).get(r.column())));
                            quantities.add(new Quantity(
                                    in.whole(), cols.get(j) + " of " + which + " together", together, truth, 1));
                        }
                    }
                }
            }
        }
        // Quantities by the components they span: each group is one linear program's constraints.
        Map<Set<Integer>, List<Integer>> groups = new LinkedHashMap<>();
        double[] constants = new double[quantities.size()];
        for (int qi = 0; qi < quantities.size(); qi++) {
            Set<Integer> roots = new TreeSet<>();
            for (Map.Entry<Long, Double> t : quantities.get(qi).terms().entrySet()) {
                Integer v = var.get(t.getKey());
                if (v == null) {
                    constants[qi] += t.getValue() * cells.get(t.getKey()).lo();
                } else {
                    roots.add(find(parent, v));
                }
            }
            groups.computeIfAbsent(roots, x -> new ArrayList<>()).add(qi);
        }
        Map<Integer, Exposure> exposures = new TreeMap<>();
        int programs = 0;
        for (Map.Entry<Set<Integer>, List<Integer>> g : groups.entrySet()) {
            Set<Integer> roots = g.getKey();
            List<Con> mine = cons.stream()
                    .filter(c -> roots.contains(
                            find(parent, c.coef().keySet().iterator().next())))
                    .toList();
            // Local variable numbers for these components.
            Map<Integer, Integer> local = new LinkedHashMap<>();
            for (int v = 0; v < parent.length; v++) {
                if (roots.contains(find(parent, v))) {
                    local.put(v, local.size());
                }
            }
            List<Map<Integer, Double>> objectives = new ArrayList<>();
            for (int qi : g.getValue()) {
                Map<Integer, Double> objective = new TreeMap<>();
                for (Map.Entry<Long, Double> t : quantities.get(qi).terms().entrySet()) {
                    Integer v = var.get(t.getKey());
                    if (v != null) {
                        objective.merge(local.get(v), t.getValue(), Double::sum);
                    }
                }
                objectives.add(objective);
            }
            List<Con> localCons = new ArrayList<>();
            List<Con> holding = new ArrayList<>();
            for (Con c : mine) {
                Map<Integer, Double> a = new TreeMap<>();
                c.coef().forEach((v, x) -> a.merge(local.get(v), x, Double::sum));
                Con lc = new Con(a, c.constant(), c.equality(), c.cells());
                localCons.add(lc);
                if (holds(c, cellOf, cells)) {
                    holding.add(lc);
                }
            }
            // Screening: a feasible point where a quantity is 0 or less proves its range admits 0, so it
            // needs no program of its own. Minimising the sum of the quantities left finds such points for
            // most of them at once; what stays above 0 at the sum's minimum is solved one by one.
            // Infeasibility is the constraints' alone: then only those the true figures satisfy are kept.
            List<Con> feasible = localCons;
            List<Integer> left = new ArrayList<>(g.getValue().size());
            for (int x = 0; x < g.getValue().size(); x++) {
                left.add(x);
            }
            boolean first = true;
            while (!left.isEmpty()) {
                Map<Integer, Double> sum = new TreeMap<>();
                for (int x : left) {
                    objectives.get(x).forEach((v, w) -> sum.merge(v, w, Double::sum));
                }
                Solution at = solve(local.size(), sum, feasible, false);
                programs++;
                if (at.infeasible() && first && holding.size() < localCons.size()) {
                    feasible = holding;
                    at = solve(local.size(), sum, feasible, false);
                    programs++;
                }
                first = false;
                if (at.infeasible()) {
                    left.clear(); // no feasible point: the reader's constraints contradict each other, nothing follows
                } else if (at.point() == null) {
                    break; // unbounded below: no point to read, each is solved on its own
                } else {
                    int before = left.size();
                    Solution point = at;
                    left.removeIf(x -> point.valueOf(
                                    objectives.get(x), constants[g.getValue().get(x)])
                            <= EPS);
                    if (left.size() == before) {
                        break;
                    }
                }
            }
            for (int x : left) {
                int qi = g.getValue().get(x);
                Map<Integer, Double> objective = objectives.get(x);
                double min = solve(local.size(), objective, feasible, false).value(constants[qi]);
                programs++;
                if (Double.isNaN(min) || min <= EPS || min > k - 1 + EPS) {
                    // No feasible point (nothing follows), the range admits 0, or it starts at k or more (a
                    // count whose truth is kept is under k, so only a score's never starts there).
                    continue;
                }
                double max = solve(local.size(), objective, feasible, true).value(constants[qi]);
                programs++;
                if (max - min < quantities.get(qi).narrowest() - 1e-6) {
                    Set<Integer> rounded = new LinkedHashSet<>();
                    Map<Integer, Set<String>> shown = new LinkedHashMap<>();
                    Set<Integer> near = new LinkedHashSet<>();
                    for (Con c : mine) {
                        if (c.cells().stream().anyMatch(quantities.get(qi).terms()::containsKey)) {
                            c.cells().forEach(cell -> near.add((int) (cell / cols.size())));
                        }
                        for (long cell : c.cells()) {
                            int row = (int) (cell / cols.size());
                            String col = cols.get((int) (cell % cols.size()));
                            if (!var.containsKey(cell)) {
                                shown.computeIfAbsent(row, y -> new LinkedHashSet<>())
                                        .add(col);
                            } else if (Double.isFinite(cells.get(cell).hi())
                                    || cells.get(cell).lo() > EPS) {
                                rounded.add(row);
                            }
                        }
                    }
                    Quantity q = quantities.get(qi);
                    exposures.put(qi, new Exposure(q.row(), q.name(), min, max, rounded, shown, near));
                }
            }
        }
        List<Exposure> out = new ArrayList<>(exposures.values());
        work.accept(new Work(programs, System.nanoTime() - start));
        return out;
    }

    /** A linear program's optimum: its value (NaN when infeasible, ±∞ when unbounded) and where it is reached. */
    private record Solution(double optimum, double[] point) {
        boolean infeasible() {
            return Double.isNaN(optimum);
        }

        double value(double constant) {
            return optimum + constant;
        }

        /** objective · point + constant. */
        double valueOf(Map<Integer, Double> objective, double constant) {
            double v = constant;
            for (Map.Entry<Integer, Double> t : objective.entrySet()) {
                v += t.getValue() * point[t.getKey()];
            }
            return v;
        }
    }

    /**
     * The optimum of objective · x over x ≥ 0 and the constraints (Σ coef · x + constant, = or ≥ 0).
     * ojAlgo's simplex: a chained curve's component has hundreds of variables, each constraint two or
     * three, which commons-math's dense tableau took 87 ms a program over (121 s for a sample night's 1,392).
     */
    private static Solution solve(int variables, Map<Integer, Double> objective, List<Con> cons, boolean maximise) {
        ExpressionsBasedModel model = new ExpressionsBasedModel();
        Variable[] x = new Variable[variables];
        for (int v = 0; v < variables; v++) {
            x[v] = model.addVariable().lower(0);
        }
        objective.forEach((v, w) -> x[v].weight(w));
        for (Con c : cons) {
            Expression e = model.addExpression();
            c.coef().forEach((v, w) -> e.set(x[v], w));
            if (c.equality()) {
                e.level(-c.constant());
            } else {
                e.lower(-c.constant());
            }
        }
        Optimisation.Result r = maximise ? model.maximise() : model.minimise();
        Optimisation.State state = r.getState();
        if (state == Optimisation.State.UNBOUNDED) {
            return new Solution(maximise ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY, null);
        }
        if (state == Optimisation.State.INFEASIBLE) {
            return new Solution(Double.NaN, null);
        }
        if (!state.isFeasible()) {
            // Neither a range nor a proof that there is none: fail closed rather than pass the cell.
            throw new IllegalStateException("disclosure control: a joint-range linear program ended " + state + " ("
                    + variables + " variables, " + cons.size() + " constraints)");
        }
        double[] point = new double[variables];
        for (int v = 0; v < variables; v++) {
            point[v] = r.doubleValue(v); // the result lists the model's variables in order
        }
        return new Solution(r.getValue(), point);
    }

    /** Whether a constraint holds of the true figures (unknown truths: assumed to). */
    private static boolean holds(Con c, List<Long> cellOf, Map<Long, Known> cells) {
        double v = c.constant();
        for (Map.Entry<Integer, Double> t : c.coef().entrySet()) {
            double truth = cells.get(cellOf.get(t.getKey())).truth();
            if (Double.isNaN(truth)) {
                return true;
            }
            v += t.getValue() * truth;
        }
        return c.equality() ? Math.abs(v) <= EPS : v >= -EPS;
    }

    /** Sets of withheld parts judged together (see {@link #exposed}): every set of at least two up to this many. */
    static final int SUBSETS_UP_TO = 6;

    /** The sets of n withheld parts judged together, as indices: all of 2 or more, or all and all but one. */
    static List<List<Integer>> partSets(int n) {
        List<List<Integer>> out = new ArrayList<>();
        if (n < 2) {
            return out;
        }
        if (n <= SUBSETS_UP_TO) {
            for (int mask = 1; mask < 1 << n; mask++) {
                if (Integer.bitCount(mask) >= 2) {
                    List<Integer> set = new ArrayList<>();
                    for (int b = 0; b < n; b++) {
                        if ((mask >> b & 1) == 1) {
                            set.add(b);
                        }
                    }
                    out.add(set);
                }
            }
            return out;
        }
        List<Integer> all = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            all.add(b);
        }
        out.add(all);
        for (int b = 0; b < n; b++) {
            List<Integer> rest = new ArrayList<>(all);
            rest.remove(b);
            out.add(rest);
        }
        return out;
    }

    private static long cell(int row, int column, int columns) {
        return (long) row * columns + column;
    }

    private static int find(int[] parent, int v) {
        while (parent[v] != v) {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    private static double orNaN(Object v) {
        Double d = CellSuppression.number(v);
        return d == null ? Double.NaN : d;
    }
}
