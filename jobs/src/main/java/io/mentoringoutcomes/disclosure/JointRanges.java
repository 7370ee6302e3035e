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
import java.util.function.BiFunction;
import org.apache.commons.math3.exception.TooManyIterationsException;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * What a reader learns of every withheld or rounded people count of one table by intersecting all its
 * declared relations at once, as τ-ARGUS's audit does (Hundepool et al. 2012, ch. 4.2: the feasible
 * range of a hidden cell by linear programming). One relation at a time misses what two relations
 * sharing a cell give away together: P1's exits at 12 months are a part of ALL's and at most its exits
 * at 24 months, which are themselves a part of ALL's.
 *
 * <p>Every people count of the table is a variable: a shown count is fixed, a rounded one lies in its
 * rounding window (in people), a withheld one in [0, ∞). Each declared relation adds a linear
 * constraint: {@code sum} whole = Σ parts, {@code contains} whole ≥ part, {@code within} whole ≥ part
 * in a row, and on a curve people at risk never grow from one month to the next (as bounds from the
 * nearest shown months, see below). What a reader knows
 * of a hidden cell is its range only: the rule is public but which rule hid a cell is not (a hidden
 * count is primary, 1..k−1, or complementary, any size), so no hidden count is assumed to be in
 * 1..k−1. The declared relations are the reader's model even where the true figures break one (a
 * mentee in two programs: ALL is a union, not a sum), since a reader who believes it may still narrow
 * a count correctly; only when they contradict each other (no feasible point) are the relations the
 * truth breaks left out and the ranges found from the rest.
 *
 * <p>For every hidden or rounded count in 1..k−1 (and every row's {@code within} difference in 1..k−1)
 * the minimum and maximum over the constraints are found with commons-math's simplex. It is exposed
 * when its range is narrower than k people and does not admit 0 (protection-interval rule: a rounded
 * row alone admits 0, nobody left). The tables are aggregates, so this runs on the driver, one
 * connected component of unknown cells at a time.
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
     * could be withdrawn) and shown cells (that could be hidden), for the control's next step.
     */
    record Exposure(
            int row,
            String quantity,
            double min,
            double max,
            Set<Integer> roundedRows,
            Map<Integer, Set<String>> shownCells) {
        String describe() {
            return quantity + " narrowed to [" + String.format(java.util.Locale.ROOT, "%.1f, %.1f", min, max)
                    + "] by the table's relations jointly";
        }
    }

    /** How much work the last calls did, for the stage log. */
    record Work(int linearPrograms, long nanos) {}

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
        List<String> cols = CellSuppression.relationColumns(decl);
        // Cells: row · |cols| + column index. Unknown cells get a variable.
        Map<Long, Known> cells = new HashMap<>();
        Map<Long, Integer> var = new LinkedHashMap<>();
        List<Long> cellOf = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                long cell = cell(i, j, cols.size());
                Known kn = known.apply(i, cols.get(j));
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
            // People at risk never grow along a curve: month m holds month m + 1.
            String time = decl.curve();
            Map<List<Object>, List<Integer>> series = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                List<Object> key = new ArrayList<>();
                for (String c : decl.keys()) {
                    if (!c.equals(time)) {
                        key.add(String.valueOf(rows.get(i).get(c)));
                    }
                }
                series.computeIfAbsent(key, x -> new ArrayList<>()).add(i);
            }
            // The chain of a month to the next would join every hidden month of every curve into one linear
            // program of hundreds of variables (commons-math's dense simplex takes minutes); a hidden month is
            // bounded instead by the nearest shown months before (above) and after (below) it, which the chain
            // implies. A relaxation: what hidden months of different groups give away through each other
            // across months is not found; everything within a month (sums, naive ⊇ matched) is.
            for (List<Integer> s : series.values()) {
                s.sort(Comparator.comparingDouble(i -> orNaN(rows.get(i).get(time))));
                Integer above = null;
                for (int i : s) {
                    long c = cell(i, 0, cols.size());
                    Integer v = var.get(c);
                    if (v == null) {
                        above = i;
                    } else if (above != null) {
                        long a = cell(above, 0, cols.size());
                        cons.add(new Con(Map.of(v, -1.0), cells.get(a).lo(), false, Set.of(c, a)));
                    }
                }
                Integer below = null;
                for (int x = s.size() - 1; x >= 0; x--) {
                    int i = s.get(x);
                    long c = cell(i, 0, cols.size());
                    Integer v = var.get(c);
                    if (v == null) {
                        below = i;
                    } else if (below != null) {
                        long b = cell(below, 0, cols.size());
                        cons.add(new Con(Map.of(v, 1.0), -cells.get(b).lo(), false, Set.of(c, b)));
                    }
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
        List<Object[]> quantities = new ArrayList<>(); // {row, name, coefficients by cell, truth}
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols.size(); j++) {
                long cell = cell(i, j, cols.size());
                Known kn = cells.get(cell);
                if (var.containsKey(cell) && CellSuppression.sensitive(kn.truth(), k)) {
                    quantities.add(new Object[] {i, cols.get(j), Map.of(cell, 1.0), kn.truth()});
                }
            }
            if (decl.curveColumn().isEmpty()) {
                for (List<String> pair : decl.within()) {
                    long w = cell(i, cols.indexOf(pair.get(0)), cols.size());
                    long p = cell(i, cols.indexOf(pair.get(1)), cols.size());
                    double truth = cells.get(w).truth() - cells.get(p).truth();
                    if ((var.containsKey(w) || var.containsKey(p)) && CellSuppression.sensitive(truth, k)) {
                        quantities.add(
                                new Object[] {i, pair.get(0) + " − " + pair.get(1), Map.of(w, 1.0, p, -1.0), truth});
                    }
                }
            }
        }
        List<Exposure> out = new ArrayList<>();
        int programs = 0;
        for (Object[] q : quantities) {
            @SuppressWarnings("unchecked")
            Map<Long, Double> terms = (Map<Long, Double>) q[2];
            Set<Integer> roots = new LinkedHashSet<>();
            double constant = 0;
            for (Map.Entry<Long, Double> t : terms.entrySet()) {
                Integer v = var.get(t.getKey());
                if (v == null) {
                    constant += t.getValue() * cells.get(t.getKey()).lo();
                } else {
                    roots.add(find(parent, v));
                }
            }
            List<Con> mine = cons.stream()
                    .filter(c -> roots.contains(
                            find(parent, c.coef().keySet().iterator().next())))
                    .toList();
            // Local variable numbers for this component.
            Map<Integer, Integer> local = new LinkedHashMap<>();
            for (int v = 0; v < parent.length; v++) {
                if (roots.contains(find(parent, v))) {
                    local.put(v, local.size());
                }
            }
            double[] objective = new double[local.size()];
            for (Map.Entry<Long, Double> t : terms.entrySet()) {
                Integer v = var.get(t.getKey());
                if (v != null) {
                    objective[local.get(v)] += t.getValue();
                }
            }
            List<LinearConstraint> lcs = new ArrayList<>();
            List<LinearConstraint> holding = new ArrayList<>();
            for (Con c : mine) {
                double[] a = new double[local.size()];
                c.coef().forEach((v, x) -> a[local.get(v)] += x);
                LinearConstraint lc =
                        new LinearConstraint(a, c.equality() ? Relationship.EQ : Relationship.GEQ, -c.constant());
                lcs.add(lc);
                if (holds(c, cellOf, cells)) {
                    holding.add(lc);
                }
            }
            double min = solve(objective, constant, lcs, GoalType.MINIMIZE);
            double max = solve(objective, constant, lcs, GoalType.MAXIMIZE);
            programs += 2;
            if ((Double.isNaN(min) || Double.isNaN(max)) && holding.size() < lcs.size()) {
                min = solve(objective, constant, holding, GoalType.MINIMIZE);
                max = solve(objective, constant, holding, GoalType.MAXIMIZE);
                programs += 2;
            }
            if (Double.isNaN(min) || Double.isNaN(max)) {
                continue; // no feasible point: the reader's constraints contradict each other, nothing follows
            }
            if (max - min < k - 1e-6 && min > 1e-6) {
                Set<Integer> rounded = new LinkedHashSet<>();
                Map<Integer, Set<String>> shown = new LinkedHashMap<>();
                for (Con c : mine) {
                    for (long cell : c.cells()) {
                        int row = (int) (cell / cols.size());
                        String col = cols.get((int) (cell % cols.size()));
                        if (!var.containsKey(cell)) {
                            shown.computeIfAbsent(row, x -> new LinkedHashSet<>())
                                    .add(col);
                        } else if (Double.isFinite(cells.get(cell).hi())
                                || cells.get(cell).lo() > EPS) {
                            rounded.add(row);
                        }
                    }
                }
                out.add(new Exposure((int) q[0], (String) q[1], min, max, rounded, shown));
            }
        }
        work.accept(new Work(programs, System.nanoTime() - start));
        return out;
    }

    /** The optimum of objective · x + constant, NaN when infeasible, ±∞ when unbounded. */
    private static double solve(double[] objective, double constant, List<LinearConstraint> cons, GoalType goal) {
        try {
            PointValuePair p = new SimplexSolver()
                    .optimize(
                            new MaxIter(100_000),
                            new LinearObjectiveFunction(objective, constant),
                            new LinearConstraintSet(cons),
                            goal,
                            new NonNegativeConstraint(true));
            return p.getValue();
        } catch (UnboundedSolutionException e) {
            return goal == GoalType.MAXIMIZE ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        } catch (NoFeasibleSolutionException | TooManyIterationsException e) {
            return Double.NaN;
        }
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
