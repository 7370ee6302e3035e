package io.mentoringoutcomes.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.mentoringoutcomes.spark.Warehouse;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.publications}: the publication pointer. A night is published when one Delta commit
 * appends its rows here, one per gold table with the Delta version that night wrote. Gold tables
 * are committed one at a time before it; until this commit lands, every reader that resolves gold
 * through it ({@link GoldSource}: query, report, export, serve) still sees the previous night whole,
 * whatever happened to the process in between.
 */
public final class Publications {

    public static final String TABLE = "ops.publications";

    public static final StructType SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("as_of", DataTypes.DateType, false)
            .add("published_at", DataTypes.TimestampType, false)
            .add("table_name", DataTypes.StringType, false)
            .add("table_path", DataTypes.StringType, false)
            .add("delta_version", DataTypes.LongType, false);

    private Publications() {}

    /** Publishes the night: one commit naming every gold table's version. */
    public static PublishedNights.PublishedNight record(
            Warehouse wh, String runId, LocalDate asOf, Map<String, Long> goldVersions) {
        if (goldVersions.isEmpty()) {
            throw new IllegalArgumentException("a publication names at least one gold table");
        }
        Timestamp at = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        goldVersions.forEach((table, version) -> {
            if (!table.startsWith("gold.") || version == null || version < 0) {
                throw new IllegalArgumentException("not a published gold table version: " + table + " " + version);
            }
            // Relative to the warehouse root, so a reader of a copied or remounted warehouse follows it.
            String relative = wh.path(table).substring(wh.root().length() + 1);
            rows.add(RowFactory.create(runId, Date.valueOf(asOf), at, table, relative, version));
        });
        wh.append(TABLE, wh.spark().createDataFrame(rows, SCHEMA));
        return new PublishedNights.PublishedNight(runId, asOf, at, goldVersions);
    }

    /** The latest publication with as_of on or before {@code date} (a re-run of a night wins), if any. */
    public static Optional<PublishedNights.PublishedNight> find(Warehouse wh, LocalDate date) {
        if (!wh.exists(TABLE)) {
            return Optional.empty();
        }
        List<Row> last = wh.read(TABLE)
                .filter(col("as_of").leq(lit(Date.valueOf(date))))
                .orderBy(col("as_of").desc(), col("published_at").desc())
                .select("run_id", "as_of", "published_at")
                .limit(1)
                .collectAsList();
        if (last.isEmpty()) {
            return Optional.empty();
        }
        Row p = last.get(0);
        Map<String, Long> versions = new LinkedHashMap<>();
        wh.read(TABLE)
                .filter(col("run_id")
                        .equalTo(p.getString(0))
                        .and(col("published_at").equalTo(lit(p.getTimestamp(2)))))
                .orderBy("table_name")
                .select("table_name", "delta_version")
                .collectAsList()
                .forEach(r -> versions.put(r.getString(0), r.getLong(1)));
        return Optional.of(new PublishedNights.PublishedNight(
                p.getString(0), p.getDate(1).toLocalDate(), p.getTimestamp(2), versions));
    }
}
