package io.mentoringoutcomes.disclosure;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The release declarations of {@code schemas/release.yaml}: per output table, which columns count
 * people, which stay in a suppressed row, and which rows add up to which. Read once, strictly (an
 * unknown key or a column that is not snake_case fails the load), the same way as the input contract.
 * {@link DisclosureControl} applies them and {@code OutputAudit} checks them.
 */
public record ReleaseRules(
        @JsonProperty("tables") Map<String, Table> tables,
        @JsonProperty("across") List<Across> across) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
    private static final String NAME = "[a-z][a-z0-9_]*";
    /** The cross-table space people groups live in. */
    public static final List<String> LINK_DIMENSIONS = List.of("program_id", "cohort", "method", "horizon_months");

    private static volatile ReleaseRules standard;

    public ReleaseRules {
        if (tables == null || tables.isEmpty()) {
            throw new IllegalArgumentException("release.yaml declares no tables");
        }
        tables.keySet().forEach(t -> name(t, "table"));
        tables = Map.copyOf(new LinkedHashMap<>(tables));
        across = across == null ? List.of() : List.copyOf(across);
        for (Across a : across) {
            for (Side side : List.of(a.whole(), a.part())) {
                Table t = tables.get(side.table());
                if (t == null || !t.people().contains(side.column())) {
                    throw new IllegalArgumentException("across: " + side.table() + "." + side.column()
                            + " must be a people column of a declared table");
                }
                if (!t.keys().containsAll(a.on())
                        || !t.keys().containsAll(side.where().keySet())) {
                    throw new IllegalArgumentException("across: on and where name key columns of " + side.table() + ": "
                            + a.on() + ", " + side.where().keySet());
                }
            }
        }
        for (Map.Entry<String, Table> t : tables.entrySet()) {
            AtRisk a = t.getValue().coarsening().flatMap(Coarsen::sizedOnAtRisk).orElse(null);
            if (a != null) {
                Table curve = tables.get(a.table());
                if (curve == null
                        || curve.curveColumn().isEmpty()
                        || !curve.people().contains(a.column())
                        || curve.atRiskLink(a.column()).isEmpty()) {
                    throw new IllegalArgumentException(t.getKey() + ": coarsen.at_risk names " + a.table() + "."
                            + a.column() + ", which must be a people column of a declared curve with a link"
                            + " naming its group without horizon_months");
                }
            }
        }
    }

    /** Declarations of tables only, no cross-table pairs. */
    public ReleaseRules(Map<String, Table> tables) {
        this(tables, List.of());
    }

    /**
     * One group counted in two tables, the part's people among the whole's (every matched mentee of a
     * program against those in its matched retention cohort): on rows equal on {@code on} and matching
     * each side's {@code where}, whole − part counts people too, so it is 0 or at least k, else the
     * {@code sacrifice} side's cell is hidden (its facet, or its row). The tables' own relations stop at
     * their edges; a reader subtracting across them does not.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Across(
            @JsonProperty("whole") Side whole,
            @JsonProperty("part") Side part,
            @JsonProperty("on") List<String> on,
            @JsonProperty("sacrifice") String sacrifice) {

        public Across {
            if (whole == null || part == null) {
                throw new IllegalArgumentException("across names a whole and a part");
            }
            on = names(on, "across on");
            if (!"whole".equals(sacrifice) && !"part".equals(sacrifice)) {
                throw new IllegalArgumentException("across sacrifice is whole or part: " + sacrifice);
            }
        }

        /** Whether two rows are a pair: each on its side, and equal on {@code on}. */
        public boolean pairs(Map<String, Object> wholeRow, Map<String, Object> partRow) {
            return whole.matches(wholeRow)
                    && part.matches(partRow)
                    && on.stream()
                            .allMatch(c -> String.valueOf(wholeRow.get(c)).equals(String.valueOf(partRow.get(c))));
        }

        /** The side whose cell goes when the two differ by 1..k−1. */
        public Side sacrificed() {
            return "whole".equals(sacrifice) ? whole : part;
        }

        public String describe() {
            return whole.table() + "." + whole.column() + " − " + part.table() + "." + part.column();
        }
    }

    /** A table's people column on the rows matching {@code where} (key → value). */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Side(
            @JsonProperty("table") String table,
            @JsonProperty("column") String column,
            @JsonProperty("where") Map<String, String> where) {

        public Side {
            name(table, "across table");
            name(column, "across column");
            where = where == null ? Map.of() : Map.copyOf(where);
        }

        /** Whether a row is on this side: every {@code where} key has its value. */
        public boolean matches(Map<String, Object> row) {
            return where.entrySet().stream().allMatch(w -> w.getValue().equals(String.valueOf(row.get(w.getKey()))));
        }
    }

    /** Where a table goes: {@code gold} (BI-facing, disclosure-controlled) or {@code admin} (restricted, never served). */
    public enum Audience {
        gold,
        admin
    }

    /**
     * What a table holds: {@code counts} (figures about groups of people, the default: disclosure
     * control applies) or {@code reference} (no people columns, no relations: program names, the metric
     * catalogue; published as is, and the audit refuses any integer column not a key or {@code not_people}).
     */
    public enum Kind {
        counts,
        reference
    }

    /**
     * One output table.
     *
     * @param audience   gold or admin
     * @param keys       the columns that identify a row (a cell)
     * @param people     columns that count people (sizes and numerators: events, exits, respondents)
     * @param keep       columns a suppressed row still publishes (keys, as_of, suppressed are always kept);
     *                   every other column is nulled, sizes, costs and salaries included
     * @param within     pairs [whole, part] of people columns of one row: whole − part also counts people
     * @param relations  how rows add up to other rows (for complementary suppression)
     * @param links      which people group a column counts or depends on, in the cross-table space
     *                   (program_id, cohort, method, horizon_months); a group hidden in one table is hidden
     *                   in every table linking it
     * @param curve      for a survival curve: its time column (coarsened until every published step holds 0 or ≥ k people)
     * @param sacrifice  values a complementary pass hides first, per key column (lower priority rows)
     * @param coarsen    a numerator that may be under k while its group is not: such a row publishes its size
     *                   and one figure rounded to a step of at least k / size (or k / the fewest people at
     *                   risk by its horizon, with {@code at_risk}), instead of being hidden
     * @param notPeople  integer columns that are not counts of people (days, minutes, meetings): every other
     *                   integer column of a gold table must be a key or a people column
     * @param kind       counts (default) or reference: a table about no one, which declares keys and
     *                   not_people only and skips disclosure control
     * @param facets     people counts of a subgroup of the row's group, with the figures computed from them:
     *                   a facet count (or a within difference in it) under k hides the facet, not the row
     * @param magnitudes figures that add up or average people's own values (salaries, costs made of
     *                   salaries, survey scores): across nights, one that moved while no people count of its
     *                   row moved by k or more holds the row, since the change may be one person's raise or
     *                   one person's answer
     * @param scores     net scores ({@link Score}): a figure that is {@code per} · (plus − minus) / size, which
     *                   with its size bounds two people counts no table shows (promoters and detractors)
     * @param dominance  the key whose groups the p% rule judges the magnitudes on: the metrics stage keeps
     *                   each group's total and two largest contributions in {@code evidence.dominance}, and
     *                   the audit requires every dominated group's rows to be suppressed
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Table(
            @JsonProperty("audience") Audience audience,
            @JsonProperty("keys") List<String> keys,
            @JsonProperty("people") List<String> people,
            @JsonProperty("keep") List<String> keep,
            @JsonProperty("within") List<List<String>> within,
            @JsonProperty("relations") List<Relation> relations,
            @JsonProperty("links") List<Link> links,
            @JsonProperty("curve") String curve,
            @JsonProperty("sacrifice") Map<String, List<String>> sacrifice,
            @JsonProperty("coarsen") Coarsen coarsen,
            @JsonProperty("not_people") List<String> notPeople,
            @JsonProperty("kind") Kind kind,
            @JsonProperty("facets") List<Facet> facets,
            @JsonProperty("magnitudes") List<String> magnitudes,
            @JsonProperty("scores") List<Score> scores,
            @JsonProperty("dominance") String dominance) {

        public Table(
                Audience audience,
                List<String> keys,
                List<String> people,
                List<String> keep,
                List<List<String>> within,
                List<Relation> relations,
                List<Link> links,
                String curve,
                Map<String, List<String>> sacrifice) {
            this(
                    audience, keys, people, keep, within, relations, links, curve, sacrifice, null, null, null, null,
                    null, null, null);
        }

        /**
         * This table with other relations, no curve, no coarsening and no facets (its magnitudes kept): the
         * across-nights rule's view.
         */
        public Table forChanges(List<Relation> changeRelations) {
            return new Table(
                    audience,
                    keys,
                    people,
                    keep,
                    within,
                    changeRelations,
                    links,
                    null,
                    sacrifice,
                    null,
                    notPeople,
                    kind,
                    null,
                    magnitudes,
                    null, // a night's changes are differences of scores, not scores
                    null); // nor totals of anyone's values to judge
        }

        public Table {
            if (audience == null) {
                throw new IllegalArgumentException("audience is required (gold or admin)");
            }
            keys = names(keys, "key");
            people = names(people, "people column");
            keep = names(keep, "kept column");
            within = within == null ? List.of() : List.copyOf(within);
            for (List<String> pair : within) {
                if (pair.size() != 2 || !people.contains(pair.get(0)) || !people.contains(pair.get(1))) {
                    throw new IllegalArgumentException("within pairs are [whole, part] of people columns: " + pair);
                }
            }
            relations = relations == null ? List.of() : List.copyOf(relations);
            for (Relation r : relations) {
                if (!keys.contains(r.column()) || !keys.containsAll(r.where().keySet())) {
                    throw new IllegalArgumentException(
                            "relation over " + r.column() + " " + r.where().keySet() + ": not all keys " + keys);
                }
            }
            links = links == null ? List.of() : List.copyOf(links);
            for (Link link : links) {
                for (Map.Entry<String, String> g : link.dimensions().entrySet()) {
                    if (!g.getValue().startsWith("=") && !keys.contains(g.getValue()) && !keep.contains(g.getValue())) {
                        throw new IllegalArgumentException("link " + g.getKey() + " maps to " + g.getValue()
                                + ", neither a key, a kept column nor a =constant");
                    }
                }
            }
            if (curve != null && !keys.contains(name(curve, "curve column"))) {
                throw new IllegalArgumentException("curve column " + curve + " is not a key");
            }
            sacrifice = sacrifice == null ? Map.of() : Map.copyOf(sacrifice);
            if (coarsen != null
                    && (!people.contains(coarsen.count()) || people.get(0).equals(coarsen.count()))) {
                throw new IllegalArgumentException(
                        "coarsen.count must be a people column other than the size: " + coarsen.count());
            }
            if (coarsen != null
                    && coarsen.atRisk() != null
                    && !keys.contains(coarsen.atRisk().upTo())) {
                throw new IllegalArgumentException("coarsen.at_risk.up_to must be a key: "
                        + coarsen.atRisk().upTo());
            }
            notPeople = names(notPeople, "not-people column");
            for (String c : notPeople) {
                if (people.contains(c) || keys.contains(c)) {
                    throw new IllegalArgumentException(c + " is declared both people (or key) and not_people");
                }
            }
            kind = kind == null ? Kind.counts : kind;
            facets = facets == null ? List.of() : List.copyOf(facets);
            checkFacets(facets, people, keys, keep, within, coarsen, curve);
            magnitudes = names(magnitudes, "magnitude");
            for (String c : magnitudes) {
                if (keys.contains(c) || people.contains(c) || keep.contains(c) || notPeople.contains(c)) {
                    throw new IllegalArgumentException(
                            "a magnitude is a figure, not a key, people, kept or not_people column: " + c);
                }
            }
            scores = scores == null ? List.of() : List.copyOf(scores);
            if (dominance != null && (!keys.contains(name(dominance, "dominance group")) || magnitudes.isEmpty())) {
                throw new IllegalArgumentException(
                        "dominance names the key whose groups' magnitudes the p% rule judges: " + dominance);
            }
            for (Score sc : scores) {
                if (!people.contains(sc.size())
                        || keys.contains(sc.figure())
                        || people.contains(sc.figure())
                        || keep.contains(sc.figure())
                        || notPeople.contains(sc.figure())
                        || !keys.containsAll(sc.where().keySet())) {
                    throw new IllegalArgumentException("a score's size is a people column, its figure a figure and its"
                            + " where keys: " + sc.figure() + " per " + sc.size() + " "
                            + sc.where().keySet());
                }
                for (String c : sc.counts()) {
                    if (keys.contains(c) || people.contains(c) || keep.contains(c) || notPeople.contains(c)) {
                        throw new IllegalArgumentException("a score's counts are shown nowhere; " + c + " is a column");
                    }
                }
                if (curve != null
                        || coarsen != null
                        || facets.stream().anyMatch(f -> f.columns().contains(sc.figure()))) {
                    throw new IllegalArgumentException(
                            "a score is a plain figure of a table without curve or coarsen: " + sc.figure());
                }
            }
            for (Link link : links) {
                if (facets.stream().anyMatch(f -> f.columns().contains(link.column()))) {
                    // Links carry hidden rows across tables; a facet hides cells, which no link carries.
                    throw new IllegalArgumentException("a facet column has no link: " + link.column());
                }
            }
            if (kind == Kind.reference
                    && (audience != Audience.gold
                            || !people.isEmpty()
                            || !keep.isEmpty()
                            || !within.isEmpty()
                            || !relations.isEmpty()
                            || !links.isEmpty()
                            || curve != null
                            || !sacrifice.isEmpty()
                            || coarsen != null
                            || !facets.isEmpty()
                            || !magnitudes.isEmpty()
                            || !scores.isEmpty()
                            || dominance != null)) {
                throw new IllegalArgumentException("a reference table is gold and declares keys and not_people only:"
                        + " it counts no one, so it has no people, keep, within, relations, links, curve,"
                        + " sacrifice, coarsen, facets, magnitudes or scores");
            }
            if (kind == Kind.counts && audience == Audience.gold && people.isEmpty()) {
                // The first people column is the row's group size; a table about no one says so.
                throw new IllegalArgumentException(
                        "a gold table declares its people columns (the first is the group size), or kind: reference");
            }
        }

        /** The people counts the scores bound and no table shows (promoters, detractors), each once. */
        public List<String> latent() {
            return scores.stream()
                    .flatMap(sc -> sc.counts().stream())
                    .distinct()
                    .toList();
        }

        /** The facet a column (a count or a figure) belongs to, if any. */
        public Optional<Facet> facetOf(String column) {
            return facets.stream()
                    .filter(f -> f.counts().contains(column) || f.figures().contains(column))
                    .findFirst();
        }

        private static void checkFacets(
                List<Facet> facets,
                List<String> people,
                List<String> keys,
                List<String> keep,
                List<List<String>> within,
                Coarsen coarsen,
                String curve) {
            if (facets.isEmpty()) {
                return;
            }
            if (curve != null) {
                throw new IllegalArgumentException("a curve has no facets: its months are coarsened instead");
            }
            Set<String> seen = new HashSet<>();
            for (Facet f : facets) {
                for (String c : f.counts()) {
                    if (!people.contains(c)
                            || people.get(0).equals(c)
                            || (coarsen != null && coarsen.count().equals(c))) {
                        throw new IllegalArgumentException("a facet count is a people column other than the size"
                                + " and the coarsened count: " + c);
                    }
                }
                for (String c : f.figures()) {
                    if (people.contains(c) || keys.contains(c) || keep.contains(c)) {
                        throw new IllegalArgumentException(
                                "a facet figure is computed from its counts, not a key, people or kept column: " + c);
                    }
                }
                for (String c : f.columns()) {
                    if (!seen.add(c)) {
                        throw new IllegalArgumentException(c + " is in two facets");
                    }
                }
            }
            for (List<String> pair : within) {
                Facet part = facets.stream()
                        .filter(f -> f.counts().contains(pair.get(1)))
                        .findFirst()
                        .orElse(null);
                Facet whole = facets.stream()
                        .filter(f -> f.counts().contains(pair.get(0)))
                        .findFirst()
                        .orElse(null);
                // A difference under k hides the part's facet; a whole in a facet must be hidden with it.
                if (whole != null && whole != part) {
                    throw new IllegalArgumentException(
                            "within " + pair + ": a whole in a facet needs its part in the same facet");
                }
            }
        }

        /** A table about no one (names, dates, the metric catalogue): published as is, audited for stray counts. */
        public boolean isReference() {
            return kind == Kind.reference;
        }

        public Optional<Coarsen> coarsening() {
            return Optional.ofNullable(coarsen);
        }

        public Optional<String> curveColumn() {
            return Optional.ofNullable(curve);
        }

        /** The link of a curve's people column that names its group (program, cohort, method) without the month. */
        public Optional<Link> atRiskLink(String column) {
            return links.stream()
                    .filter(l -> l.column().equals(column) && l.horizonMonths() == null)
                    .findFirst();
        }
    }

    /**
     * People counts of a subgroup of a row's group and the figures computed from them (stalled matches
     * among those old enough to stall, and the stalled share; goals achieved among those set, and the
     * achieved rate). A facet count in 1..k−1, or a within difference ending in one, hides the facet only:
     * its counts and figures are null and the row's other figures stay (Hundepool et al. 2012, ch. 4:
     * suppression is of cells, not rows). A facet hidden by a complementary pass is hidden the same way.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Facet(
            @JsonProperty("counts") List<String> counts,
            @JsonProperty("figures") List<String> figures) {

        public Facet {
            counts = names(counts, "facet count");
            figures = names(figures, "facet figure");
            if (counts.isEmpty()) {
                throw new IllegalArgumentException("a facet names the people counts it hides");
            }
        }

        /** Its counts, then its figures: what hiding it nulls. */
        public List<String> columns() {
            List<String> all = new ArrayList<>(counts);
            all.addAll(figures);
            return all;
        }
    }

    /**
     * A net score: on rows matching {@code where}, {@code figure} = {@code per} · (plus − minus) / {@code size},
     * where plus and minus ({@code counts}) are disjoint groups among the size's people that no table shows
     * (eNPS: promoters and detractors among respondents, per 100). A shown figure and size give the
     * difference d = plus − minus, a whole number; with plus + minus ≤ size that bounds each group, and
     * the rest (passives), to whole-number ranges ({@link #ranges}): P-ONB's eNPS of −5.56 among 18
     * respondents is d = −1, so 1 to 9 detractors. Declared only where the figure is an unweighted mean
     * of +1/0/−1 scores; a weighted one (ATT-weighted comparators) gives no whole numbers to a reader.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Score(
            @JsonProperty("figure") String figure,
            @JsonProperty("size") String size,
            @JsonProperty("per") Double per,
            @JsonProperty("counts") List<String> counts,
            @JsonProperty("where") Map<String, String> where) {

        public Score {
            name(figure, "score figure");
            name(size, "score size");
            if (per == null || !(per > 0) || per.isInfinite()) {
                throw new IllegalArgumentException("a score's per is a positive number: " + per);
            }
            counts = names(counts, "score count");
            if (counts.size() != 2 || counts.get(0).equals(counts.get(1))) {
                throw new IllegalArgumentException("a score names two counts, [plus, minus]: " + counts);
            }
            where = where == null ? Map.of() : Map.copyOf(where);
        }

        public String plus() {
            return counts.get(0);
        }

        public String minus() {
            return counts.get(1);
        }

        /** Whether a row carries this score: every {@code where} key has its value. */
        public boolean matches(Map<String, Object> row) {
            return where.entrySet().stream().allMatch(w -> w.getValue().equals(String.valueOf(row.get(w.getKey()))));
        }

        /**
         * plus − minus on a row showing {@code figure} of {@code size} people; empty when the figure is not
         * a whole number of people (then the declaration is wrong for this row, and the caller fails closed).
         */
        public java.util.OptionalLong difference(double figure, double size) {
            double d = figure * size / per;
            long r = Math.round(d);
            return Math.abs(d - r) <= 1e-6 * Math.max(1, Math.abs(d))
                    ? java.util.OptionalLong.of(r)
                    : java.util.OptionalLong.empty();
        }

        /**
         * What a reader knows of plus, minus and the rest from n people and d = plus − minus alone, in whole
         * people: plus ∈ [max(0, d), ⌊(n + d)/2⌋], minus ∈ [max(0, −d), ⌊(n − d)/2⌋], and the rest
         * n − plus − minus ∈ [(n − d) mod 2, n − |d|] (plus + minus has d's parity).
         */
        public List<Bound> ranges(long n, long d) {
            return List.of(
                    new Bound(plus(), Math.max(0, d), Math.floorDiv(n + d, 2)),
                    new Bound(minus(), Math.max(0, -d), Math.floorDiv(n - d, 2)),
                    new Bound(size + " − " + plus() + " − " + minus(), Math.floorMod(n - d, 2), n - Math.abs(d)));
        }

        /** A count a reader bounds to [lo, hi] whole people. */
        public record Bound(String quantity, long lo, long hi) {
            /**
             * The protection-interval rule for a count whose true value the bound alone must protect: a
             * range that excludes 0, starts under k and is under k wide says how many of fewer than k.
             */
            public boolean exposed(int k) {
                return lo >= 1 && lo <= k - 1 && hi - lo < k;
            }

            public String describe() {
                return quantity + " in [" + lo + ", " + hi + "]";
            }
        }
    }

    /**
     * Rates of a large group with few events, published rounded rather than hidden (rounding, as
     * rounding counts to base k: Hundepool et al. 2012, ch. 5.4): {@code count} (the numerator, e.g.
     * n_events) is not shown, and of the row's figures only {@code rounded} is, to the nearest multiple of
     * a step s with s · size ≥ k, so the count behind it is known only to within k. One figure only: an
     * interval's two bounds, or two rounded figures, would be intersected to narrow the count down.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Coarsen(
            @JsonProperty("count") String count,
            @JsonProperty("rounded") String rounded,
            @JsonProperty("at_risk") AtRisk atRisk) {

        public Coarsen(String count, String rounded) {
            this(count, rounded, null);
        }

        public Coarsen {
            name(count, "coarsened count");
            name(rounded, "rounded column");
        }

        public Optional<AtRisk> sizedOnAtRisk() {
            return Optional.ofNullable(atRisk);
        }
    }

    /**
     * Where the people a rounded figure rests on are counted: a figure at a horizon of m months is a
     * function of those still at risk near m, not of everyone at month 0. The step of a rounded row is
     * sized on the fewest {@code column} of {@code table} (a curve of the release, before disclosure
     * control) at its time ≤ the row's {@code up_to}, over every group the figure rests on (the row's
     * own, and those its {@code rounded} column links to: both arms of a difference). Where that is
     * unknown or under k, the figure is withheld (the row shows its size only).
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record AtRisk(
            @JsonProperty("table") String table,
            @JsonProperty("column") String column,
            @JsonProperty("up_to") String upTo) {

        public AtRisk {
            name(table, "at-risk table");
            name(column, "at-risk column");
            name(upTo, "at-risk horizon column");
        }
    }

    /**
     * A column's people group: each dimension is a key column of the table, a {@code =constant}, or
     * omitted (every value). A link on a people column hides the group everywhere when that column
     * hides the row; a link on any column hides the row when the group is hidden elsewhere.
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Link(
            @JsonProperty("column") String column,
            @JsonProperty("program_id") String programId,
            @JsonProperty("cohort") String cohort,
            @JsonProperty("method") String method,
            @JsonProperty("horizon_months") String horizonMonths) {

        public Link {
            name(column, "link column");
        }

        /** Dimension → key column or =constant, in {@link #LINK_DIMENSIONS} order, omitted dimensions left out. */
        public Map<String, String> dimensions() {
            Map<String, String> d = new LinkedHashMap<>();
            String[] v = {programId, cohort, method, horizonMonths};
            for (int i = 0; i < v.length; i++) {
                if (v[i] != null) {
                    d.put(LINK_DIMENSIONS.get(i), v[i]);
                }
            }
            return d;
        }
    }

    /**
     * Rows that add up: within the rows equal on every other key (and matching {@code where}),
     * {@code kind: contains} — the row with {@code column = whole} holds the row with {@code column = part}
     * (naive ⊇ matched mentees); {@code kind: sum} — the row with {@code column = whole} is the union of the
     * rows with every other value of {@code column} (ALL = ∪ programs), taken as a sum, which is what a reader
     * subtracting would assume. A {@code nested} contains relation holds people, not only counts: the part's
     * people without the event ({@code within} differences) are among the whole's too, so two groups of
     * the same size have the same events (a horizon relation is not nested: more exits by 24 months leave
     * fewer without one).
     */
    @JsonIgnoreProperties(ignoreUnknown = false)
    public record Relation(
            @JsonProperty("kind") String kind,
            @JsonProperty("column") String column,
            @JsonProperty("whole") String whole,
            @JsonProperty("part") String part,
            @JsonProperty("where") Map<String, String> where,
            @JsonProperty("nested") Boolean nested) {

        public Relation {
            if (!"contains".equals(kind) && !"sum".equals(kind)) {
                throw new IllegalArgumentException("relation kind is contains or sum: " + kind);
            }
            name(column, "relation column");
            if (whole == null || ("contains".equals(kind) == (part == null))) {
                throw new IllegalArgumentException("a contains relation names whole and part; a sum names whole only");
            }
            where = where == null ? Map.of() : Map.copyOf(where);
            nested = Boolean.TRUE.equals(nested);
            if (nested && !"contains".equals(kind)) {
                throw new IllegalArgumentException("only a contains relation is nested: " + column);
            }
        }
    }

    /** The declarations shipped in {@code schemas/release.yaml}. */
    public static ReleaseRules standard() {
        if (standard == null) {
            synchronized (ReleaseRules.class) {
                if (standard == null) {
                    standard = load("schemas/release.yaml");
                }
            }
        }
        return standard;
    }

    static ReleaseRules load(String resource) {
        try (InputStream in = ReleaseRules.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("release declarations missing from the classpath: " + resource);
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Parses declarations; fails on any unknown key, bad name or inconsistent declaration. */
    public static ReleaseRules parse(InputStream yaml) throws IOException {
        try {
            return YAML.readValue(yaml, ReleaseRules.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            throw new IllegalArgumentException(
                    "release declarations: " + e.getCause().getMessage(), e);
        }
    }

    /** The declaration of a table by noun ({@code retention_summary}); empty when undeclared. */
    public Optional<Table> table(String noun) {
        return Optional.ofNullable(tables.get(noun));
    }

    private static String name(String n, String what) {
        if (n == null || !n.matches(NAME)) {
            throw new IllegalArgumentException(what + " names are snake_case: " + n);
        }
        return n;
    }

    private static List<String> names(List<String> list, String what) {
        List<String> out = new ArrayList<>();
        for (String n : list == null ? List.<String>of() : list) {
            out.add(name(n, what));
        }
        return List.copyOf(out);
    }
}
