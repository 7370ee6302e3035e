package io.mentoringoutcomes.publish;

import io.mentoringoutcomes.spark.Warehouse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where the readers of gold (query, report, export, serve) get it from: the versions the latest
 * publication names, or those of the night reported on a date ({@code --as-reported-on}), read by
 * Delta time travel. Resolving through {@link Publications ops.publications} is what makes a night
 * atomic: a gold table committed by a publish that has not (yet, or ever) written its pointer row is
 * not read. Only a warehouse with no publication at all is read as its tables are now.
 */
public final class GoldSource {

    private final Warehouse wh;
    /** Table → version; empty when reading the current tables. */
    private final Map<String, Long> pinned;

    private final Optional<PublishedNights.PublishedNight> night;

    private GoldSource(Warehouse wh, Map<String, Long> pinned, Optional<PublishedNights.PublishedNight> night) {
        this.wh = wh;
        this.pinned = pinned;
        this.night = night;
    }

    /** The gold tables as they are now: their latest commits, published or not. */
    public static GoldSource current(Warehouse wh) {
        return new GoldSource(wh, Map.of(), Optional.empty());
    }

    /** The gold tables exactly as published for the night reported on {@code date}. */
    public static GoldSource asReportedOn(Warehouse wh, LocalDate date) {
        PublishedNights.PublishedNight n = PublishedNights.asReportedOn(wh, date);
        return new GoldSource(wh, new LinkedHashMap<>(n.goldVersions()), Optional.of(n));
    }

    /** The versions of the latest successful publish; the current tables when none is recorded. */
    public static GoldSource latestPublished(Warehouse wh) {
        return PublishedNights.latest(wh)
                .map(n -> new GoldSource(wh, new LinkedHashMap<>(n.goldVersions()), Optional.of(n)))
                .orElseGet(() -> current(wh));
    }

    /** {@link #asReportedOn} when a date is given, else {@link #latestPublished}. */
    public static GoldSource of(Warehouse wh, String asReportedOn) {
        return asReportedOn == null || asReportedOn.isBlank()
                ? latestPublished(wh)
                : asReportedOn(wh, LocalDate.parse(asReportedOn));
    }

    public Warehouse warehouse() {
        return wh;
    }

    public boolean isPinned() {
        return night.isPresent();
    }

    public Optional<PublishedNights.PublishedNight> night() {
        return night;
    }

    /** The gold tables there are to read: the pinned night's, or every gold table now. */
    public List<String> tables() {
        return isPinned() ? new ArrayList<>(pinned.keySet()) : wh.tables("gold");
    }

    public boolean has(String table) {
        return isPinned() ? pinned.containsKey(table) : wh.exists(table);
    }

    /** The Delta version read: the pinned one, else the latest. */
    public long version(String table) {
        return isPinned() ? pinned.get(table) : wh.version(table);
    }

    public Dataset<Row> read(String table) {
        if (!isPinned()) {
            return wh.read(table);
        }
        Long v = pinned.get(table);
        if (v == null) {
            throw new IllegalArgumentException(
                    table + " was not published " + night.get().describe());
        }
        return wh.readVersion(table, v);
    }

    public String describe() {
        return night.map(PublishedNights.PublishedNight::describe).orElse("current tables");
    }

    /**
     * Makes every warehouse table nameable in SQL ({@code gold.program_roi}, {@code ops.dq_results}):
     * the other layers as they are, gold as this source reads it. Pinned gold tables become
     * session-catalog views {@code gold.x AS SELECT * FROM delta.`path` VERSION AS OF n}, so the
     * user keeps writing {@code gold.x}.
     */
    public void register() {
        for (String layer : Warehouse.LAYERS) {
            if (isPinned() && layer.equals("gold")) {
                continue;
            }
            for (String table : wh.tables(layer)) {
                wh.register(table);
            }
        }
        if (!isPinned()) {
            return;
        }
        wh.spark().sql("CREATE DATABASE IF NOT EXISTS gold");
        for (String table : pinned.keySet()) {
            wh.unregister(table);
            wh.spark().sql("CREATE VIEW " + table + " AS " + viewQuery(table));
        }
    }

    /**
     * The SQL that reads {@code table} as this source does: by path, so a view over it follows
     * the table's new versions, or pinned with VERSION AS OF.
     */
    public String viewQuery(String table) {
        String query = "SELECT * FROM " + wh.pathIdentifier(table);
        return isPinned() ? query + " VERSION AS OF " + version(table) : query;
    }
}
