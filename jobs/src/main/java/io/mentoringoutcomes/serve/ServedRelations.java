package io.mentoringoutcomes.serve;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;

/**
 * The published night's gold tables held on the driver as Spark {@code LocalRelation}s, so a query
 * of a served view needs neither a Delta snapshot nor, for most dashboard queries, a Spark job:
 * the optimiser folds projections and filters over a local relation into the result itself.
 *
 * <p>Keyed by the view's SQL text ({@code SELECT * FROM delta.`path` VERSION AS OF n}): when Spark
 * expands a gold view it parses that text with {@link GuardedParser#parseQuery}, which answers with
 * the rows of exactly that table version instead. Both nights' texts are held while
 * {@link ServedNight} repoints the views, so each view reads the version its own definition names
 * and {@link NightConsistency} still sees which night every view came from. Only the server's own
 * code fills this map, with rows it read itself.
 */
final class ServedRelations {

    /** Above this many rows a table stays in Spark's cache instead: the driver's heap is not a warehouse. */
    static final long MAX_ROWS = 200_000;

    private static final AtomicReference<Map<String, LocalRelation>> BY_VIEW_TEXT = new AtomicReference<>(Map.of());

    private ServedRelations() {}

    /** The rows of {@code table}, read by the server as the view's query says, or null when it has too many. */
    static LocalRelation collect(Dataset<Row> table) {
        List<Row> rows = table.limit((int) MAX_ROWS + 1).collectAsList();
        if (rows.size() > MAX_ROWS) {
            return null;
        }
        return LocalRelation.fromExternalRows(
                table.queryExecution().analyzed().output(),
                scala.collection.JavaConverters.asScalaBuffer(rows).toSeq());
    }

    /** Adds relations for these view texts, keeping those already held. */
    static synchronized void add(Map<String, LocalRelation> byViewText) {
        Map<String, LocalRelation> next = new HashMap<>(BY_VIEW_TEXT.get());
        byViewText.forEach((text, relation) -> next.put(key(text), relation));
        BY_VIEW_TEXT.set(Map.copyOf(next));
    }

    /** Keeps only these view texts' relations (the night now served), dropping the rest from memory. */
    static synchronized void retain(Set<String> viewTexts) {
        Map<String, LocalRelation> next = new HashMap<>();
        for (String text : viewTexts) {
            LocalRelation r = BY_VIEW_TEXT.get().get(key(text));
            if (r != null) {
                next.put(key(text), r);
            }
        }
        BY_VIEW_TEXT.set(Map.copyOf(next));
    }

    /** A fresh instance (new attribute ids, as every relation in a plan needs) for this view text, or null. */
    static LogicalPlan lookup(String viewText) {
        LocalRelation r = BY_VIEW_TEXT.get().get(key(viewText));
        return r == null ? null : r.newInstance();
    }

    private static String key(String viewText) {
        return viewText.strip();
    }
}
