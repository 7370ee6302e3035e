package io.mentoringoutcomes.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.CurrentTimestampLike;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.logical.CTERelationRef;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.OneRowRelation;
import org.apache.spark.sql.catalyst.plans.logical.Range;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SQLExecution;
import scala.Option;
import scala.runtime.BoxedUnit;

/**
 * Answers of statements a dashboard repeats, for the night being served: gold changes once a night
 * and a dashboard fires the same dozen statements at every open.
 *
 * <p>Consulted only from {@link GuardedParser#parsePlan} after the statement passed both allow-list
 * checks (parsed and analysed) in this very call: a remembered answer never lets a statement skip
 * the guard, and a refused statement never reaches here, so it is never remembered. The key is
 * the statement's text, every setting of the session, its current database and the gold table
 * versions its analysed plan read; entries are dropped when a new night is served. Only plans that
 * read nothing but the served night's rows held on the driver (and literals) and compute
 * deterministically are remembered: no commands, no unpinned tables, no current time or user.
 */
public final class ResultCache {

    /** Answers larger than this are not kept: they are not what a dashboard repeats. */
    static final int MAX_ROWS_PER_ANSWER = 10_000;
    /** Bound of the whole cache, in bytes of rows; least recently used answers go first. */
    static final long MAX_BYTES = 64L << 20;

    private record Entry(LocalRelation rows, long bytes) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(64, 0.75f, true);
    private static long bytes;
    /** Bumped when a new night is served: an answer computed before that is not stored after it. */
    private static final AtomicLong GENERATION = new AtomicLong();

    private static final AtomicLong HITS = new AtomicLong();
    private static final AtomicLong MISSES = new AtomicLong();

    /** Expressions that are deterministic to Spark but whose value depends on when or who asks. */
    private static final Set<String> CONTEXT_DEPENDENT = Set.of(
            "CurrentDate",
            "CurrentTimestamp",
            "Now",
            "LocalTimestamp",
            "CurrentTimeZone",
            "CurrentUser",
            "CurrentDatabase",
            "CurrentCatalog",
            "CurrentBatchTimestamp");

    private static volatile boolean enabled = true;

    private ResultCache() {}

    /** Whether answers are remembered ({@code serve --no-result-cache} turns it off). */
    static boolean enabled() {
        return enabled;
    }

    public static void enable(boolean on) {
        enabled = on;
        clear();
    }

    /**
     * The answer to an admitted (checked, analysed) client statement: its remembered rows when the
     * same statement ran in the same settings on the same night, else runs it and remembers the rows
     * when it may. Returns the plan Spark runs next: the rows as a local relation, or {@code analysed}
     * itself when it is not cacheable.
     */
    static LogicalPlan answer(SparkSession session, String sqlText, LogicalPlan analysed) {
        if (!cacheable(analysed)) {
            return analysed;
        }
        long generation = GENERATION.get();
        Map<String, Long> night = new TreeMap<>();
        NightConsistency.collect(analysed, night);
        String key = key(session, sqlText, night);
        synchronized (ResultCache.class) {
            Entry hit = ENTRIES.get(key);
            if (hit != null) {
                HITS.incrementAndGet();
                return new LocalRelation(analysed.output(), hit.rows().data(), false);
            }
        }
        MISSES.incrementAndGet();
        // Runs the checked plan exactly as Spark would for the client's collect, in its job group.
        QueryExecution qe =
                session.sessionState().executePlan(analysed, org.apache.spark.sql.execution.CommandExecutionMode.ALL());
        // At most one row more than an answer may hold: a larger result (range(1e10), a cross join) is
        // not remembered and runs as Spark would run it, never collected twice on the driver.
        InternalRow[] rows = SQLExecution.withNewExecutionId(
                qe, Option.apply("collect"), () -> qe.executedPlan().executeTake(MAX_ROWS_PER_ANSWER + 1));
        if (rows.length > MAX_ROWS_PER_ANSWER) {
            return analysed;
        }
        for (int i = 0; i < rows.length; i++) {
            rows[i] = rows[i].copy(); // kept beyond this query: no row may share a buffer
        }
        LocalRelation answer = new LocalRelation(
                analysed.output(),
                scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(rows))
                        .toList(),
                false);
        long size = key.length() * 2L + 64;
        for (InternalRow r : rows) {
            size += r instanceof UnsafeRow u ? u.getSizeInBytes() : 64;
        }
        put(key, new Entry(answer, size), generation);
        return answer;
    }

    private static synchronized void put(String key, Entry entry, long generation) {
        if (generation != GENERATION.get() || entry.bytes() > MAX_BYTES) {
            return;
        }
        Entry old = ENTRIES.put(key, entry);
        bytes += entry.bytes() - (old == null ? 0 : old.bytes());
        var oldest = ENTRIES.entrySet().iterator();
        while (bytes > MAX_BYTES && oldest.hasNext()) {
            bytes -= oldest.next().getValue().bytes();
            oldest.remove();
        }
    }

    /** Forgets every answer: a new night is served. */
    static synchronized void clear() {
        GENERATION.incrementAndGet();
        ENTRIES.clear();
        bytes = 0;
    }

    static long hits() {
        return HITS.get();
    }

    static long misses() {
        return MISSES.get();
    }

    private static String key(SparkSession session, String sqlText, Map<String, Long> night) {
        Map<String, String> settings = new TreeMap<>(
                scala.collection.JavaConverters.mapAsJavaMap(session.conf().getAll()));
        return sqlText + "\u0000" + session.sessionState().catalog().getCurrentDatabase() + "\u0000" + settings
                + "\u0000" + night;
    }

    /**
     * Whether the answer of this analysed plan depends only on its text, settings and the night:
     * a query (no command) whose every leaf, subqueries' included, is rows held in memory or a
     * literal, with deterministic expressions that do not ask for the time, the user or the catalog.
     */
    static boolean cacheable(LogicalPlan plan) {
        boolean[] ok = {true};
        check(plan, ok);
        return ok[0];
    }

    private static void check(LogicalPlan plan, boolean[] ok) {
        plan.foreach(node -> {
            if (!ok[0]) {
                return BoxedUnit.UNIT;
            }
            if (node instanceof Command) {
                ok[0] = false;
            } else if (node.children().isEmpty()
                    && !(node instanceof LocalRelation
                            || node instanceof OneRowRelation
                            || node instanceof Range
                            || node instanceof CTERelationRef)) {
                ok[0] = false;
            }
            node.expressions().foreach(e -> {
                check(e, ok);
                return BoxedUnit.UNIT;
            });
            return BoxedUnit.UNIT;
        });
    }

    private static void check(Expression expression, boolean[] ok) {
        expression.foreach(x -> {
            if (!ok[0]) {
                return BoxedUnit.UNIT;
            }
            if (!x.deterministic()
                    || x instanceof CurrentTimestampLike
                    || CONTEXT_DEPENDENT.contains(x.getClass().getSimpleName())) {
                ok[0] = false;
            } else if (x instanceof SubqueryExpression sub) {
                check(sub.plan(), ok);
            }
            return BoxedUnit.UNIT;
        });
    }
}
