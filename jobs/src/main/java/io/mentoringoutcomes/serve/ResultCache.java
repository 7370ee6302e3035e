package io.mentoringoutcomes.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>An answer is remembered only from {@link GuardedParser#parsePlan}, after the statement passed
 * both allow-list checks (parsed and analysed) and was found cacheable: a query (no command) whose
 * every leaf is the served night's rows held on the driver or a literal, with deterministic
 * expressions that ask for neither the time, the user nor the catalog. A refused statement never
 * gets here, so it is never remembered and is parsed, checked and refused again on every repeat.
 *
 * <p>An exact repeat is answered <em>before</em> it is parsed: the key ({@link #key}) is the
 * statement's text, every setting of the session, its current catalog and database, and the
 * served-night generation that {@link #clear} bumps when a new night is served (read before the
 * statement is parsed; an answer computed across a bump is not stored). Whether a statement is
 * admitted, and what it answers, depends on nothing else a client can change: the guard refuses
 * every statement that would create session objects that change name resolution (temporary views
 * and functions, session variables, cached tables, added jars; SqlEndpointSecurityTest sends each
 * over JDBC), so what a name means in a session is fixed by its settings, catalog and database, all in
 * the key. The session's settings are still checked before the lookup ({@link
 * ReadOnlyGuard#refuseUnsafeSettings}), and the statement audit log records every statement the
 * Thrift Server receives, these included.
 *
 * <p>When several clients send the same statement at once and none is remembered yet, one runs it
 * and the others wait for its answer (up to {@link #WAIT_SECONDS}) rather than run it too.
 */
public final class ResultCache {

    /** Answers larger than this are not kept: they are not what a dashboard repeats. */
    static final int MAX_ROWS_PER_ANSWER = 10_000;
    /** Bound of the whole cache, in bytes of rows; least recently used answers go first. */
    static final long MAX_BYTES = 64L << 20;

    /** How long a statement waits for the same statement another client is running, before running it itself. */
    static final long WAIT_SECONDS = 60;

    /** What an answer depends on besides the night's rows (see the class comment); {@code generation} first. */
    record Key(long generation, String identity) {}

    private record Entry(LocalRelation rows, long bytes) {}

    private static final Map<Key, Entry> ENTRIES = new LinkedHashMap<>(64, 0.75f, true);
    /** Answers being computed now, admitted and cacheable: the same statement meanwhile waits for it. */
    private static final ConcurrentHashMap<Key, CompletableFuture<LocalRelation>> RUNNING = new ConcurrentHashMap<>();

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
     * The key of a client statement in this session, read before it is parsed: the served-night
     * generation, the current catalog, namespace and database, every session setting and the exact
     * text, each part length-prefixed so that no two different sessions or texts share a key.
     */
    static Key key(SparkSession session, String sqlText) {
        long generation = GENERATION.get();
        StringBuilder id = new StringBuilder(sqlText.length() + 4096);
        var catalogs = session.sessionState().catalogManager();
        part(id, catalogs.currentCatalog().name());
        part(id, String.join(".", catalogs.currentNamespace()));
        part(id, session.sessionState().catalog().getCurrentDatabase());
        Map<String, String> settings = new TreeMap<>(
                scala.collection.JavaConverters.mapAsJavaMap(session.conf().getAll()));
        settings.forEach((k, v) -> {
            part(id, k);
            part(id, v);
        });
        part(id, sqlText);
        return new Key(generation, id.toString());
    }

    private static void part(StringBuilder id, String s) {
        id.append(s == null ? -1 : s.length()).append(':').append(s).append('\u0000');
    }

    /**
     * The remembered answer of an exact repeat of an admitted statement (same key), as a fresh
     * relation; or, when the same statement is being answered for another client right now, that
     * answer once it is there. Null when neither: the statement is then parsed and checked.
     */
    static LogicalPlan remembered(Key key) {
        LocalRelation known = lookup(key);
        if (known == null) {
            CompletableFuture<LocalRelation> running = RUNNING.get(key);
            known = running == null ? null : await(running);
        }
        if (known == null) {
            return null;
        }
        HITS.incrementAndGet();
        return known.newInstance();
    }

    private static synchronized LocalRelation lookup(Key key) {
        Entry hit = ENTRIES.get(key);
        return hit == null ? null : hit.rows();
    }

    private static LocalRelation await(CompletableFuture<LocalRelation> running) {
        try {
            return running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cancelled: the statement goes on and is cancelled as usual
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /**
     * The answer to an admitted (checked, analysed) client statement whose key was read before it
     * was parsed: runs it and remembers the rows when it may. Returns the plan Spark runs next: the
     * rows as a local relation, or {@code analysed} itself when it is not cacheable.
     */
    static LogicalPlan answer(SparkSession session, Key key, LogicalPlan analysed) {
        if (!cacheable(analysed)) {
            return analysed;
        }
        CompletableFuture<LocalRelation> mine = new CompletableFuture<>();
        CompletableFuture<LocalRelation> other = RUNNING.putIfAbsent(key, mine);
        try {
            // Answered for another client since this statement's key was looked up, or being answered now.
            LocalRelation known = other != null ? await(other) : lookup(key);
            if (known != null) {
                HITS.incrementAndGet();
                return new LocalRelation(analysed.output(), known.data(), false);
            }
            return run(session, key, analysed, other == null ? mine : null);
        } finally {
            if (other == null) {
                mine.complete(null); // a no-op once the answer was stored: then waiters have it
                RUNNING.remove(key, mine);
            }
        }
    }

    private static LogicalPlan run(
            SparkSession session, Key key, LogicalPlan analysed, CompletableFuture<LocalRelation> waiting) {
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
        long size = key.identity().length() * 2L + 64;
        for (InternalRow r : rows) {
            size += r instanceof UnsafeRow u ? u.getSizeInBytes() : 64;
        }
        if (put(key, new Entry(answer, size)) && waiting != null) {
            waiting.complete(answer);
        }
        return answer;
    }

    /** Stores an answer unless a new night was served since its key was read; whether it did. */
    private static synchronized boolean put(Key key, Entry entry) {
        if (key.generation() != GENERATION.get() || entry.bytes() > MAX_BYTES) {
            return false;
        }
        Entry old = ENTRIES.put(key, entry);
        bytes += entry.bytes() - (old == null ? 0 : old.bytes());
        var oldest = ENTRIES.entrySet().iterator();
        while (bytes > MAX_BYTES && oldest.hasNext()) {
            bytes -= oldest.next().getValue().bytes();
            oldest.remove();
        }
        return true;
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
