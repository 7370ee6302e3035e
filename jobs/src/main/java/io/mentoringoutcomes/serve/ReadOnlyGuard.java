package io.mentoringoutcomes.serve;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Makes a served session read-only and confined to the served views: a Spark SQL extension whose
 * parser ({@link GuardedParser}) lets a client's statement run only when its parsed and its
 * analysed plan pass {@link PlanAllowList} (reads of the served views built from Spark's built-in
 * functions, and SHOW, DESCRIBE, USE, EXPLAIN, SET of {@code spark.sql.*}), and only when the
 * session carries no setting other than {@code spark.sql.*}/{@code hive.server2.*} and no new
 * catalog ({@code spark.sql.catalog.*}), set with SET or in the JDBC URL: those would reach the file
 * systems or open connections while a statement is analysed.
 *
 * <p>A check rule adds a second, coarser net over every plan the session analyses, Delta's own
 * reads of its log included: no command but the metadata ones, and no leaf reading data other than
 * the served tables. Spark's own switch for file queries ({@code spark.sql.runSQLOnFiles}) cannot
 * replace either: Delta resolves a view's path with the client's session setting, so the views
 * would stop working.
 *
 * <p>Loaded through {@code spark.sql.extensions}; armed by {@link #arm} once serve has created
 * its views, so no SQL statement can disarm it.
 */
public final class ReadOnlyGuard extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    /** The start of every refusal: one line, then what is not allowed. */
    static final String REFUSED =
            "mentoring-outcomes serve runs reads of its views and SHOW/DESCRIBE/USE/SET spark.sql.* only; "
                    + "not allowed: ";

    /** What is served once armed; null before. */
    private static final AtomicReference<ServedTables> SERVED = new AtomicReference<>();

    /**
     * Set only while the server's own code runs on this thread ({@link #asServer}): swapping in a
     * newly published night reads ops tables and time-travels gold. Clients' statements run on the
     * Thrift Server's handler threads, which never set it.
     */
    private static final ThreadLocal<Boolean> SERVER_WORK = ThreadLocal.withInitial(() -> false);

    /** Runs the server's own {@code work} on this thread without the client guard. */
    public static <T> T asServer(java.util.function.Supplier<T> work) {
        boolean outer = SERVER_WORK.get();
        SERVER_WORK.set(true);
        try {
            return work.get();
        } finally {
            SERVER_WORK.set(outer);
        }
    }

    /** What a client statement on this thread is checked against; null when nothing is (unarmed, or server work). */
    private static ServedTables guarding() {
        return SERVER_WORK.get() ? null : SERVED.get();
    }

    /** Commands the coarse check rule lets through: session state and explanations; besides them, Show* and Describe*. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of(
            "SetCommand",
            "ResetCommand",
            "SetNamespaceCommand",
            "SetCatalogAndNamespace",
            "SetCatalogCommand",
            "ExplainCommand");

    /**
     * Leaves a client's SQL cannot aim at warehouse files: literals, ranges, CTE references,
     * catalog names, and the in-memory frames Delta builds while it reads a table's log.
     */
    private static final Set<String> DATA_FREE_LEAVES = Set.of(
            "OneRowRelation",
            "LocalRelation",
            "Range",
            "CTERelationRef",
            "ResolvedNamespace",
            "ResolvedPersistentView",
            "ResolvedTempView",
            "ResolvedPersistentFunc",
            "ResolvedNonPersistentFunc",
            "LogicalRDD",
            "ExternalRDD",
            "InMemoryRelation");

    /**
     * From now on, this JVM's sessions run only reads of these Delta tables (through the views in the
     * server session's databases), with settings that differ from {@code server}'s new sessions' in
     * {@code spark.sql.*} only.
     */
    public static void arm(SparkSession server, Collection<String> servedLocations) {
        Map<String, String> defaults = scala.collection.JavaConverters.mapAsJavaMap(
                server.newSession().conf().getAll());
        List<String> databases = scala.collection.JavaConverters.seqAsJavaList(
                server.sessionState().catalog().listDatabases());
        SERVED.set(ServedTables.of(servedLocations, databases, defaults));
    }

    /**
     * The key under which a client statement's answer may be remembered ({@link ResultCache#key}),
     * read before it is parsed; null for the server's own statements or when nothing is remembered.
     */
    static ResultCache.Key rememberable(SparkSession session, String sqlText) {
        return guarding() != null && ResultCache.enabled() ? ResultCache.key(session, sqlText) : null;
    }

    /**
     * The gate of {@link GuardedParser#parsePlan}: refuses a parsed client statement outside the
     * allow-list, analyses it, refuses the analysed plan outside the allow-list, and returns it (or,
     * when it may be remembered under {@code key}, its answer as rows).
     */
    static LogicalPlan admit(SparkSession session, ResultCache.Key key, LogicalPlan parsed) {
        ServedTables served = guarding();
        if (served == null) {
            return parsed;
        }
        LogicalPlan analysed = admit(session, parsed, served);
        // Only now, with both checks passed, may its answer be remembered.
        return key != null ? ResultCache.answer(session, key, analysed) : analysed;
    }

    static LogicalPlan admit(SparkSession session, LogicalPlan parsed, ServedTables served) {
        PlanAllowList.refuseParsed(parsed, served).ifPresent(ReadOnlyGuard::refuse);
        // SKIP: analysis only; a command runs when Spark executes the returned plan.
        LogicalPlan analysed = session.sessionState()
                .executePlan(parsed, CommandExecutionMode.SKIP())
                .analyzed();
        PlanAllowList.refuseAnalysed(analysed, served).ifPresent(ReadOnlyGuard::refuse);
        return analysed;
    }

    private static void refuse(String reason) {
        throw new UnsupportedOperationException(REFUSED + reason.replace('\n', ' '));
    }

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
            @Override
            public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
                return new AbstractFunction1<>() {
                    @Override
                    public BoxedUnit apply(LogicalPlan plan) {
                        ServedTables served = guarding();
                        if (served != null) {
                            violation(plan, served).ifPresent(ReadOnlyGuard::refuse);
                        }
                        return BoxedUnit.UNIT;
                    }
                };
            }
        });
        extensions.injectParser(new AbstractFunction2<SparkSession, ParserInterface, ParserInterface>() {
            @Override
            public ParserInterface apply(SparkSession session, ParserInterface delegate) {
                return new GuardedParser(session, delegate);
            }
        });
        return BoxedUnit.UNIT;
    }

    /** Refuses to parse a statement in a session that carries a setting it may not (from the JDBC URL). */
    static void refuseUnsafeSettings(SparkSession session) {
        ServedTables served = guarding();
        if (served == null) {
            return;
        }
        for (Map.Entry<String, String> e : scala.collection.JavaConverters.mapAsJavaMap(
                        session.conf().getAll())
                .entrySet()) {
            if (!allowedSetting(e.getKey(), e.getValue(), served)) {
                throw new UnsupportedOperationException(REFUSED + "the session setting " + e.getKey()
                        + " is not accepted (only spark.sql.* settings are, and no new catalogs)");
            }
        }
    }

    static boolean allowedSetting(String key, String value, ServedTables served) {
        if (value != null && value.equals(served.sessionDefaults().get(key))) {
            return true;
        }
        // hive.server2.*: what the Hive JDBC driver itself sends (fetch size); HiveServer2 behaviour only.
        return (key.startsWith("spark.sql.") && !key.startsWith("spark.sql.catalog."))
                || key.startsWith("hive.server2.");
    }

    /**
     * The coarse net, over every analysed plan of a served session (Delta's reads of its log
     * included): why it may not run, or empty when it may.
     */
    static Optional<String> violation(LogicalPlan plan, ServedTables served) {
        String name = plan.getClass().getSimpleName();
        String className = plan.getClass().getName();
        if (className.startsWith("org.apache.spark.sql.delta.")
                || className.startsWith("io.delta.")
                || className.contains("ScriptTransformation")) {
            // Delta's own commands (RESTORE, VACUUM, DESCRIBE HISTORY, ...); Delta's reads are Spark's LogicalRelation.
            return Optional.of(name);
        }
        if (plan instanceof SetCommand set) {
            Option<Tuple2<String, Option<String>>> kv = set.kv();
            if (kv.isDefined()
                    && kv.get()._2().isDefined()
                    && !allowedSetting(kv.get()._1(), kv.get()._2().get(), served)) {
                return Optional.of("changing the setting " + kv.get()._1() + " (only spark.sql.* settings may change, "
                        + "and no new catalogs)");
            }
        } else if (plan instanceof Command) {
            if (!(name.startsWith("Show") || name.startsWith("Describe") || READ_ONLY_COMMANDS.contains(name))) {
                return Optional.of(name);
            }
        } else if (plan.children().isEmpty() && !DATA_FREE_LEAVES.contains(name) && !served.isServedScan(plan)) {
            return Optional.of("a read (" + name + ") of something other than the served views");
        }
        for (int i = 0; i < plan.children().size(); i++) {
            Optional<String> below = violation(plan.children().apply(i), served);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }
}
