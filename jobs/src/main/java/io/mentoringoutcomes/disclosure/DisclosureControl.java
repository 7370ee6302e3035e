package io.mentoringoutcomes.disclosure;

import io.mentoringoutcomes.disclosure.CellSuppression.Decision;
import io.mentoringoutcomes.disclosure.CellSuppression.Hidden;
import io.mentoringoutcomes.disclosure.ReleaseRules.Table;
import io.mentoringoutcomes.spark.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The disclosure-control step over the whole release: staging tables in, staging tables out, before
 * the output audit. It applies {@code schemas/release.yaml} through {@link CellSuppression}:
 * curve coarsening, primary and complementary suppression across tables, then the across-nights
 * rule ({@link #holdSmallChanges}). Admin-audience tables leave staging for the restricted
 * {@code admin} layer (only when {@link #ADMIN_OUTPUT_ENV} enables it), so they never reach gold.
 *
 * <p>The release is aggregates (hundreds of rows), so the decision is taken on collected rows on the
 * driver; the frames are rebuilt with their schema and column comments.
 */
public final class DisclosureControl {

    /** Set to {@code on} to write admin-audience tables (per-match health) to {@code admin.*}. */
    public static final String ADMIN_OUTPUT_ENV = "MENTORING_ADMIN_OUTPUT";

    private DisclosureControl() {}

    /** Delta's session setting for a commit's userMetadata. */
    static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

    /** The userMetadata of a controlled staging commit: this prefix and the version it protected. */
    public static final String CONTROLLED_FROM = "disclosure control of version ";

    /** What the step did, for the stage log. */
    public record Outcome(Map<String, Integer> hiddenRows, Map<String, Integer> heldRows, List<String> admin) {}

    /**
     * Last night's release as readers saw it: a gold table ({@code gold.x}) at the version the latest
     * publication names, empty when it was never published. The across-nights rule compares tonight
     * with this, not with the gold folders' latest commits, which an interrupted publish may have
     * moved to figures no reader was shown.
     */
    @FunctionalInterface
    public interface LastRelease {
        Optional<Dataset<Row>> read(String goldTable);

        /** The gold tables' latest commits: right only where no publish was ever interrupted (tests). */
        static LastRelease latestCommits(Warehouse wh) {
            return wh::readIfExists;
        }
    }

    /**
     * Applies the release rules to the given staging tables ({@code staging.x}) and rewrites them;
     * returns the staging tables that remain for the audit and gold.
     */
    public static List<String> apply(
            Warehouse wh, List<String> staging, int k, LastRelease lastRelease, Consumer<String> log) {
        ReleaseRules rules = ReleaseRules.standard();
        boolean adminEnabled = "on".equalsIgnoreCase(System.getenv(ADMIN_OUTPUT_ENV));
        Map<String, Dataset<Row>> tonight = new LinkedHashMap<>();
        Map<String, Dataset<Row>> lastNight = new LinkedHashMap<>();
        List<String> remaining = new ArrayList<>();
        for (String table : staging) {
            String noun = noun(table);
            Table decl = CellSuppression.declaration(rules, noun);
            if (decl.audience() == ReleaseRules.Audience.admin) {
                if (adminEnabled) {
                    wh.overwrite("admin." + noun, wh.read(table));
                    log.accept(table + " -> admin." + noun + " (restricted, never served)");
                } else {
                    log.accept(table + " withheld: admin output is off (" + ADMIN_OUTPUT_ENV + "=on enables it)");
                }
                delete(wh, table); // per-match rows do not linger in staging, where the audit and publish look
                continue;
            }
            if (decl.isReference()) {
                log.accept(table + " published as is: a reference table counts no one (schemas/release.yaml)");
                remaining.add(table);
                continue;
            }
            tonight.put(noun, wh.read(table));
            lastRelease.read("gold." + noun).ifPresent(g -> lastNight.put(noun, g));
            remaining.add(table);
        }
        // Per-match tables left in gold by releases before they moved to the admin layer.
        for (String gold : wh.tables("gold")) {
            if (isAdmin(noun(gold))) {
                delete(wh, gold);
                log.accept(gold + " removed: its audience is admin (schemas/release.yaml)");
            }
        }
        Map<String, Dataset<Row>> out = protect(tonight, lastNight, rules, k, log);
        org.apache.spark.sql.RuntimeConfig conf = wh.spark().conf();
        for (Map.Entry<String, Dataset<Row>> e : out.entrySet()) {
            // Materialize before overwriting the table the frame was read from.
            Dataset<Row> data = Warehouse.intoDriver(e.getValue());
            String table = "staging." + e.getKey();
            // The commit names the version it protected, so the audit can read what only the unprotected
            // release knows (people at risk, the truth behind a rounded figure) from Delta's history.
            conf.set(USER_METADATA, CONTROLLED_FROM + wh.version(table));
            try {
                wh.overwrite(table, data);
            } finally {
                conf.unset(USER_METADATA);
            }
        }
        return remaining;
    }

    /**
     * The release after disclosure control: each table's rows with hidden cells nulled and
     * {@code suppressed} set, and rows whose people counts moved by 1..k−1 since last night's
     * release holding last night's figures. Pure: frames in, frames out.
     */
    public static Map<String, Dataset<Row>> protect(
            Map<String, Dataset<Row>> tonight,
            Map<String, Dataset<Row>> lastNight,
            ReleaseRules rules,
            int k,
            Consumer<String> log) {
        // Reference tables count no one: they pass through as they are, and no rule below sees them.
        Map<String, Dataset<Row>> asIs = new LinkedHashMap<>();
        Map<String, Dataset<Row>> counted = new LinkedHashMap<>();
        tonight.forEach(
                (noun, df) -> (CellSuppression.declaration(rules, noun).isReference() ? asIs : counted).put(noun, df));
        Map<String, Dataset<Row>> out = protectCounts(counted, lastNight, rules, k, log);
        out.putAll(asIs);
        return out;
    }

    private static Map<String, Dataset<Row>> protectCounts(
            Map<String, Dataset<Row>> tonight,
            Map<String, Dataset<Row>> lastNight,
            ReleaseRules rules,
            int k,
            Consumer<String> log) {
        Map<String, List<Map<String, Object>>> rows = new LinkedHashMap<>();
        Map<String, StructType> schemas = new LinkedHashMap<>();
        for (Map.Entry<String, Dataset<Row>> e : tonight.entrySet()) {
            rows.put(e.getKey(), maps(e.getValue()));
            schemas.put(e.getKey(), e.getValue().schema());
        }
        CellSuppression.Protection first = CellSuppression.protection(rows, rows, rules, k, true);
        Map<String, Decision> decisions = first.decisions();
        log.accept(String.format(
                "joint ranges: %d linear programs in %d ms, %d cells withheld beyond the per-relation rules",
                first.linearPrograms(), first.jointNanos() / 1_000_000, first.jointSteps()));
        Map<String, List<Map<String, Object>>> released = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : rows.entrySet()) {
            released.put(
                    e.getKey(),
                    hide(e.getValue(), CellSuppression.declaration(rules, e.getKey()), decisions.get(e.getKey()), k));
        }
        Map<String, List<Map<String, Object>>> previous = new LinkedHashMap<>();
        lastNight.forEach((noun, df) -> {
            if (released.containsKey(noun)) {
                previous.put(noun, maps(df));
            }
        });
        Map<String, Integer> held = holdSmallChanges(released, previous, rules, k);
        if (held.values().stream().anyMatch(n -> n > 0)) {
            // Held rows mix two nights' figures: decide again on what will actually be shown.
            Map<String, Decision> again = CellSuppression.protect(released, rows, rules, k);
            for (Map.Entry<String, Decision> e : again.entrySet()) {
                withdrawOffStep(released.get(e.getKey()), CellSuppression.declaration(rules, e.getKey()), e.getValue());
                released.put(
                        e.getKey(),
                        hide(
                                released.get(e.getKey()),
                                CellSuppression.declaration(rules, e.getKey()),
                                e.getValue(),
                                k));
                decisions
                        .get(e.getKey())
                        .coarsened()
                        .keySet()
                        .removeAll(e.getValue().rows().keySet());
                decisions.get(e.getKey()).rows().putAll(e.getValue().rows());
                decisions.get(e.getKey()).coarsened().putAll(e.getValue().coarsened());
                e.getValue()
                        .columns()
                        .forEach((i, c) -> decisions
                                .get(e.getKey())
                                .columns()
                                .computeIfAbsent(i, x -> new java.util.LinkedHashSet<>())
                                .addAll(c));
            }
        }
        Map<String, Dataset<Row>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : released.entrySet()) {
            Dataset<Row> source = tonight.get(e.getKey());
            Table decl = CellSuppression.declaration(rules, e.getKey());
            Decision d = decisions.get(e.getKey());
            long facets = d.columns().entrySet().stream()
                    .filter(c -> !d.rows().containsKey(c.getKey()))
                    .mapToLong(c -> decl.facets().stream()
                            .filter(f -> c.getValue().containsAll(f.counts()))
                            .count())
                    .sum();
            log.accept(String.format(
                    "%-22s %4d rows, %4d hidden, %4d coarsened, %4d holding last night's figures%s",
                    e.getKey(),
                    e.getValue().size(),
                    d.rows().size(),
                    d.coarsened().size(),
                    held.getOrDefault(e.getKey(), 0),
                    decl.facets().isEmpty()
                            ? ""
                            : String.format(
                                    ", %d of %d facets withheld",
                                    facets,
                                    (long) decl.facets().size() * e.getValue().size())));
            out.put(e.getKey(), frame(source, e.getValue(), schemas.get(e.getKey())));
        }
        return out;
    }

    /**
     * The across-nights rule. A reader subtracting two consecutive releases must not learn that
     * fewer than k people joined, left or changed state. So the change of every people count since
     * the last release is treated as a table of its own and protected like one: a row whose count
     * moved by 1..k−1 keeps last night's published figures ("held"), and the same complementary
     * pass holds further rows until no held change is the only unknown of a relation (ALL − Σ
     * programs, naive − matched). A held row catches up once its accumulated change reaches k. A declared
     * magnitude (salary, cost, mean score) that moved while no count moved by k holds its row the same way:
     * the move may be one person's raise or answer. So does an {@code across} pair whose two changes differ
     * by 1..k−1 ({@link #holdAcross}).
     *
     * @return held rows per table
     */
    static Map<String, Integer> holdSmallChanges(
            Map<String, List<Map<String, Object>>> released,
            Map<String, List<Map<String, Object>>> previous,
            ReleaseRules rules,
            int k) {
        Map<String, List<Map<String, Object>>> deltas = new LinkedHashMap<>();
        Map<String, List<Integer>> rowOf = new LinkedHashMap<>();
        Map<String, List<Map<String, Object>>> before = new LinkedHashMap<>();
        for (Map.Entry<String, List<Map<String, Object>>> e : released.entrySet()) {
            Table decl = CellSuppression.declaration(rules, e.getKey());
            Map<List<Object>, Map<String, Object>> last = new LinkedHashMap<>();
            for (Map<String, Object> r : previous.getOrDefault(e.getKey(), List.of())) {
                last.put(key(r, decl), r);
            }
            List<Map<String, Object>> d = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            List<Map<String, Object>> old = new ArrayList<>();
            for (int i = 0; i < e.getValue().size(); i++) {
                Map<String, Object> now = e.getValue().get(i);
                Map<String, Object> then = last.get(key(now, decl));
                if (then == null
                        || Boolean.TRUE.equals(now.get("suppressed"))
                        || Boolean.TRUE.equals(then.get("suppressed"))) {
                    continue; // a change is only visible between two shown rows
                }
                Map<String, Object> delta = new LinkedHashMap<>();
                for (String c : decl.keys()) {
                    delta.put(c, now.get(c));
                }
                for (String c : decl.people()) {
                    Double a = CellSuppression.number(now.get(c));
                    Double b = CellSuppression.number(then.get(c));
                    // A count shown one night and hidden the other shows no change.
                    delta.put(c, a == null || b == null ? 0.0 : Math.abs(a - b));
                }
                decl.coarsening().ifPresent(co -> {
                    // Coarsened both nights: the count is unknown, but a moved figure shows it moved, by
                    // perhaps one person, unless the group itself moved by at least k.
                    boolean unknown =
                            now.containsKey(co.count()) && now.get(co.count()) == null && then.get(co.count()) == null;
                    boolean moved = !java.util.Objects.equals(
                            CellSuppression.number(now.get(co.rounded())),
                            CellSuppression.number(then.get(co.rounded())));
                    double sizeMoved = (Double) delta.get(decl.people().get(0));
                    if (unknown && moved && sizeMoved < k) {
                        delta.put(co.count(), 1.0);
                    }
                });
                if (magnitudeMovedAlone(now, then, delta, decl, k)) {
                    // A salary, cost or mean score moved while no count moved by k: the change may be one
                    // person's own (a raise, a new answer), so the row holds as if a count moved by one.
                    String size = decl.people().get(0);
                    delta.put(size, Math.max((Double) delta.get(size), 1.0));
                }
                d.add(delta);
                idx.add(i);
                old.add(then);
            }
            deltas.put(e.getKey(), d);
            rowOf.put(e.getKey(), idx);
            before.put(e.getKey(), old);
        }
        holdAcross(released, rowOf, before, deltas, rules, k);
        // Curves: the deltas of a month are not additive across months, so no curve rule here;
        // a curve whose count moved by under k anywhere holds as a whole (see below).
        ReleaseRules deltaRules = new ReleaseRules(changeRules(rules));
        // Changes are absolute (|tonight − last night|), not additive, so no joint linear ranges here.
        Map<String, Decision> held =
                CellSuppression.protection(deltas, deltas, deltaRules, k, false).decisions();
        Map<String, Integer> count = new LinkedHashMap<>();
        for (Map.Entry<String, Decision> e : held.entrySet()) {
            Table decl = CellSuppression.declaration(rules, e.getKey());
            Set<Integer> heldRows = new java.util.HashSet<>(e.getValue().rows().keySet());
            if (decl.curveColumn().isPresent() && !heldRows.isEmpty()) {
                // Hold whole series: a curve mixing two nights would not be a curve.
                Set<List<Object>> series = new java.util.HashSet<>();
                for (int h : heldRows) {
                    series.add(seriesKey(deltas.get(e.getKey()).get(h), decl));
                }
                for (int j = 0; j < deltas.get(e.getKey()).size(); j++) {
                    if (series.contains(seriesKey(deltas.get(e.getKey()).get(j), decl))) {
                        heldRows.add(j);
                    }
                }
            }
            List<Map<String, Object>> target = released.get(e.getKey());
            for (int h : heldRows) {
                Map<String, Object> now = target.get(rowOf.get(e.getKey()).get(h));
                Map<String, Object> then = before.get(e.getKey()).get(h);
                for (String c : now.keySet()) {
                    if (!c.equals("as_of") && then.containsKey(c)) {
                        now.put(c, then.get(c));
                    }
                }
            }
            count.put(e.getKey(), heldRows.size());
        }
        return count;
    }

    /**
     * The {@code across} pairs between two nights: the same group counted in two tables, so the change
     * of whole − part counts people too. Both sides moving by k or more while their difference moves by
     * 1..k−1 says that so few joined or left the whole outside the part (ALL's matched mentees gaining 12
     * while its headline cohort gains 11: one mentee outside it). The declared side's change is set to that
     * difference, so the pass over the changes holds its row. Signed changes: the absolute ones the
     * changes table keeps do not subtract.
     */
    private static void holdAcross(
            Map<String, List<Map<String, Object>>> released,
            Map<String, List<Integer>> rowOf,
            Map<String, List<Map<String, Object>>> before,
            Map<String, List<Map<String, Object>>> deltas,
            ReleaseRules rules,
            int k) {
        for (ReleaseRules.Across a : rules.across()) {
            String wt = a.whole().table();
            String pt = a.part().table();
            if (!deltas.containsKey(wt) || !deltas.containsKey(pt)) {
                continue;
            }
            for (int h = 0; h < deltas.get(wt).size(); h++) {
                Map<String, Object> whole = released.get(wt).get(rowOf.get(wt).get(h));
                Double dw = change(whole, before.get(wt).get(h), a.whole().column());
                for (int g = 0; g < deltas.get(pt).size(); g++) {
                    Map<String, Object> part =
                            released.get(pt).get(rowOf.get(pt).get(g));
                    Double dp = dw == null || !a.pairs(whole, part)
                            ? null
                            : change(part, before.get(pt).get(g), a.part().column());
                    if (dp == null || !CellSuppression.sensitive(Math.abs(dw - dp), k)) {
                        continue;
                    }
                    boolean onWhole = a.sacrificed() == a.whole();
                    Map<String, Object> delta = deltas.get(onWhole ? wt : pt).get(onWhole ? h : g);
                    delta.put(a.sacrificed().column(), Math.abs(dw - dp));
                }
            }
        }
    }

    /** Tonight's count less last night's, when both are shown. */
    private static Double change(Map<String, Object> now, Map<String, Object> then, String column) {
        Double a = CellSuppression.number(now.get(column));
        Double b = CellSuppression.number(then.get(column));
        return a == null || b == null ? null : a - b;
    }

    /**
     * Whether a declared magnitude of a row shown both nights moved while every people count moved by
     * under k. A figure shown one night and null the other shows no change; a relative difference under
     * 1e-9 is the same figure recomputed, not a move.
     */
    static boolean magnitudeMovedAlone(
            Map<String, Object> now, Map<String, Object> then, Map<String, Object> peopleDeltas, Table decl, int k) {
        if (decl.people().stream().anyMatch(c -> (Double) peopleDeltas.get(c) >= k)) {
            return false;
        }
        return decl.magnitudes().stream().anyMatch(c -> {
            Double a = CellSuppression.number(now.get(c));
            Double b = CellSuppression.number(then.get(c));
            return a != null && b != null && Math.abs(a - b) > 1e-9 * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
        });
    }

    private static Map<String, Table> changeRules(ReleaseRules rules) {
        Map<String, Table> out = new LinkedHashMap<>();
        // A change is held, never coarsened: coarsening is for tonight's figures, not for their change.
        // A facet's change holds the whole row too: a hold copies last night's row, not single cells.
        // A curve keeps no relations: its monthly deltas are not additive across months (see above).
        rules.tables()
                .forEach((noun, t) -> out.put(
                        noun,
                        t.isReference() ? t : t.forChanges(t.curveColumn().isEmpty() ? t.relations() : List.of())));
        return out;
    }

    // ------------------------------------------------------------------ rows

    /**
     * A coarsened row (see {@link ReleaseRules.Coarsen}): keys, kept columns, as_of, suppressed and the
     * group size stay; the declared figure is rounded to the nearest multiple of a step s with s · size ≥ k;
     * every other figure, the count, the other estimates and every interval, is nulled. Idempotent.
     */
    static void coarsen(Map<String, Object> row, Table decl, Double step) {
        ReleaseRules.Coarsen c = decl.coarsening().orElseThrow();
        String size = decl.people().get(0);
        for (String col : row.keySet()) {
            boolean stays = decl.keys().contains(col)
                    || decl.keep().contains(col)
                    || col.equals("as_of")
                    || col.equals("suppressed")
                    || col.equals(size)
                    || col.equals(c.rounded());
            if (!stays) {
                row.put(col, null);
            }
        }
        Double v = CellSuppression.number(row.get(c.rounded()));
        if (v != null) {
            // No step (the decision found no safe one): the figure goes too.
            row.put(c.rounded(), step == null ? null : CellSuppression.roundToStep(v, step));
        }
    }

    /**
     * A held rounded figure is last night's, on last night's step. Re-rounded on tonight's step it would
     * show a third value, neither night's (0.05 on a step of 0.1 is 0.1): it is withdrawn instead (the row
     * keeps its size; a figure shown one night and withdrawn the next shows no change). A figure already on
     * tonight's step is left as it is, so control applied to its own output changes nothing.
     */
    static void withdrawOffStep(List<Map<String, Object>> rows, Table decl, Decision d) {
        decl.coarsening()
                .ifPresent(co -> d.coarsened().keySet().forEach(i -> {
                    Double v = CellSuppression.number(rows.get(i).get(co.rounded()));
                    Double step = d.steps().get(i);
                    if (v != null && step != null && CellSuppression.roundToStep(v, step) != v.doubleValue()) {
                        d.steps().remove(i);
                    }
                }));
    }

    /** Nulls every column of a hidden row but its keys, as_of, suppressed and kept columns; sets suppressed. */
    static List<Map<String, Object>> hide(List<Map<String, Object>> rows, Table decl, Decision d, int k) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>(rows.get(i));
            Hidden h = d.rows().get(i);
            if (h != null) {
                for (String c : row.keySet()) {
                    if (!decl.keys().contains(c)
                            && !decl.keep().contains(c)
                            && !c.equals("as_of")
                            && !c.equals("suppressed")) {
                        row.put(c, null);
                    }
                }
                if (row.containsKey("suppressed")) {
                    row.put("suppressed", true);
                }
            } else if (d.coarsened().containsKey(i)) {
                coarsen(row, decl, d.steps().get(i));
            } else {
                for (String c : d.columns().getOrDefault(i, Set.of())) {
                    row.put(c, null);
                }
            }
            out.add(row);
        }
        return out;
    }

    /** Every row of a (small) frame as column → value, in column order: the form the rules read. */
    public static List<Map<String, Object>> maps(Dataset<Row> df) {
        String[] names = df.columns();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row r : df.collectAsList()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                m.put(names[i], r.get(i));
            }
            out.add(m);
        }
        return out;
    }

    private static Dataset<Row> frame(Dataset<Row> like, List<Map<String, Object>> rows, StructType schema) {
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> m : rows) {
            Object[] values = new Object[schema.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = m.get(schema.fields()[i].name());
            }
            out.add(RowFactory.create(values));
        }
        return like.sparkSession().createDataFrame(out, schema);
    }

    private static List<Object> key(Map<String, Object> row, Table decl) {
        List<Object> k = new ArrayList<>();
        for (String c : decl.keys()) {
            k.add(row.get(c) == null ? null : String.valueOf(row.get(c)));
        }
        return k;
    }

    private static List<Object> seriesKey(Map<String, Object> row, Table decl) {
        List<Object> k = new ArrayList<>();
        for (String c : decl.keys()) {
            if (!c.equals(decl.curve())) {
                k.add(String.valueOf(row.get(c)));
            }
        }
        return k;
    }

    /** Removes a table's folder: admin-audience tables never stay in staging or gold. */
    public static void delete(Warehouse wh, String table) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(wh.path(table));
            path.getFileSystem(wh.hadoopConf()).delete(path, true);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot remove " + table, e);
        }
    }

    /** Whether a table's declared audience is admin (never published to gold). */
    public static boolean isAdmin(String noun) {
        return ReleaseRules.standard()
                .table(noun)
                .map(t -> t.audience() == ReleaseRules.Audience.admin)
                .orElse(false);
    }

    static String noun(String table) {
        return table.substring(table.indexOf('.') + 1);
    }

    static Optional<String> describe(Hidden h) {
        return Optional.ofNullable(h).map(Hidden::describe);
    }
}
