package io.mentoringoutcomes.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.Function1;
import scala.Function2;
import scala.Option;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Makes a served session read-only and confined to the served views: a Spark SQL extension that
 * refuses, before anything runs,
 * <ul>
 *   <li>every command that is not a read (INSERT, MERGE, DELETE, CREATE, DROP, ALTER, ADD JAR,
 *       CACHE, ...) and every Delta statement (RESTORE, VACUUM, DESCRIBE HISTORY, table_changes);
 *       queries and SHOW, DESCRIBE, USE, SET, EXPLAIN pass;</li>
 *   <li>every read of data other than a served Delta table: {@code delta.`/warehouse/silver/x`}
 *       or {@code parquet.`/any/file`} would otherwise read what the views leave out;</li>
 *   <li>{@code reflect}/{@code java_method}, which call static Java methods in the server;</li>
 *   <li>session settings other than {@code spark.sql.*} and {@code hive.server2.*}, and new catalogs
 *       ({@code spark.sql.catalog.*}): set with SET or in the JDBC URL, they would reach the
 *       file systems or open connections while a statement is analysed, before any check rule.
 *       They are refused with the SET and, from the URL, at the parse of every statement.</li>
 * </ul>
 * Spark's own switch for file queries ({@code spark.sql.runSQLOnFiles}) cannot do the second:
 * Delta resolves a view's path with the client's session setting, so the views would stop working.
 * Nor can "only below a View node": Spark also checks a view's body on its own.
 *
 * <p>Loaded through {@code spark.sql.extensions}; armed by {@link #arm} once serve has created
 * its views, so no SQL statement can disarm it.
 */
public final class ReadOnlyGuard extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    private static final String REFUSED = "mentoring-outcomes serve is read-only and serves its views only: ";

    /** What is served once armed; null before. */
    private static final AtomicReference<Served> SERVED = new AtomicReference<>();

    /** The served tables' locations, and the settings a new session starts with. */
    private record Served(Set<String> locations, Map<String, String> sessionDefaults) {}

    /** Commands that only read or set session state; besides them, Spark's Show* and Describe*. */
    private static final Set<String> READ_ONLY_COMMANDS = Set.of(
            "SetCommand", "ResetCommand", "SetNamespaceCommand", "SetCatalogAndNamespace", "SetCatalogCommand",
            "ExplainCommand", "RefreshTableCommand", "RefreshTable");

    /**
     * Leaves a client's SQL cannot aim at warehouse files: literals, ranges, CTE references,
     * catalog names, and the in-memory frames Delta builds while it reads a table's log.
     */
    private static final Set<String> DATA_FREE_LEAVES = Set.of(
            "OneRowRelation", "LocalRelation", "Range", "CTERelationRef", "ResolvedNamespace",
            "ResolvedPersistentView", "ResolvedTempView", "ResolvedPersistentFunc", "ResolvedNonPersistentFunc",
            "LogicalRDD", "ExternalRDD", "InMemoryRelation");

    /**
     * From now on, this JVM's sessions refuse writes, reads of anything but these Delta tables, and
     * settings that differ from {@code server}'s new sessions' other than {@code spark.sql.*}.
     */
    public static void arm(SparkSession server, Collection<String> servedLocations) {
        Map<String, String> defaults = scala.collection.JavaConverters.mapAsJavaMap(server.newSession().conf().getAll());
        SERVED.set(new Served(servedLocations.stream().map(ReadOnlyGuard::normalise).collect(Collectors.toUnmodifiableSet()),
                Map.copyOf(defaults)));
    }

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
            @Override
            public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
                return new AbstractFunction1<>() {
                    @Override
                    public BoxedUnit apply(LogicalPlan plan) {
                        Served served = SERVED.get();
                        if (served != null) {
                            violation(plan, served).ifPresent(reason -> {
                                throw new UnsupportedOperationException(REFUSED + reason);
                            });
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
        Served served = SERVED.get();
        if (served == null) {
            return;
        }
        for (Map.Entry<String, String> e : scala.collection.JavaConverters.mapAsJavaMap(session.conf().getAll()).entrySet()) {
            if (!allowedSetting(e.getKey(), e.getValue(), served)) {
                throw new UnsupportedOperationException(REFUSED + "the session setting " + e.getKey()
                        + " is not accepted (only spark.sql.* settings are, and no new catalogs)");
            }
        }
    }

    private static boolean allowedSetting(String key, String value, Served served) {
        if (value != null && value.equals(served.sessionDefaults().get(key))) {
            return true;
        }
        // hive.server2.*: what the Hive JDBC driver itself sends (fetch size); HiveServer2 behaviour only.
        return (key.startsWith("spark.sql.") && !key.startsWith("spark.sql.catalog.")) || key.startsWith("hive.server2.");
    }

    /**
     * Refuses a statement as parsed, before analysis: Delta runs some of its statements (RESTORE
     * among them) without the analysed command passing the check rule, so writes are refused here
     * too, by their parsed form.
     */
    static void refuseParsed(LogicalPlan parsed) {
        Served served = SERVED.get();
        if (served != null) {
            violation(parsed, served, true).ifPresent(reason -> {
                throw new UnsupportedOperationException(REFUSED + reason);
            });
        }
    }

    /** Why an analysed {@code plan} may not run on the endpoint, or empty when it may. */
    static Optional<String> violation(LogicalPlan plan, Served served) {
        return violation(plan, served, false);
    }

    private static Optional<String> violation(LogicalPlan plan, Served served, boolean parsed) {
        String name = plan.getClass().getSimpleName();
        String className = plan.getClass().getName();
        if (className.startsWith("org.apache.spark.sql.delta.") || className.startsWith("io.delta.")
                || (parsed && name.endsWith("Statement"))) {
            // Delta's own statements (RESTORE, VACUUM, DESCRIBE HISTORY, table_changes, ...) and parsed
            // statements (INSERT); Delta's reads of a table are Spark's LogicalRelation.
            return Optional.of(name + " is not a read");
        }
        if (name.contains("ScriptTransformation")) {
            // SELECT TRANSFORM(...) USING 'cmd' runs cmd in a shell as the server's user.
            return Optional.of("TRANSFORM ... USING runs programs on the server");
        }
        if (plan instanceof SetCommand set) {
            Option<Tuple2<String, Option<String>>> kv = set.kv();
            if (kv.isDefined() && kv.get()._2().isDefined() && !allowedSetting(kv.get()._1(), kv.get()._2().get(), served)) {
                return Optional.of("the setting " + kv.get()._1() + " may not be changed (only spark.sql.* settings "
                        + "may, and no new catalogs)");
            }
        } else if (plan instanceof Command) {
            if (!(name.startsWith("Show") || name.startsWith("Describe") || READ_ONLY_COMMANDS.contains(name))) {
                return Optional.of(name + " is not a read");
            }
        } else if (!parsed && plan.children().isEmpty() && !DATA_FREE_LEAVES.contains(name)
                && !readsServedTable(plan, served)) {
            return Optional.of("a read (" + name + ") of something other than the served views");
        }
        for (int i = 0; i < plan.expressions().size(); i++) {
            if (callsJava(plan.expressions().apply(i))) {
                return Optional.of("reflect/java_method calls Java methods (System.exit among them), "
                        + "input_file_name shows the warehouse's files");
            }
        }
        for (int i = 0; i < plan.children().size(); i++) {
            Optional<String> below = violation(plan.children().apply(i), served, parsed);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }

    private static boolean callsJava(Expression e) {
        if (e instanceof CallMethodViaReflection || e instanceof org.apache.spark.sql.catalyst.expressions.InputFileName
                || e instanceof org.apache.spark.sql.catalyst.expressions.InputFileBlockStart
                || e instanceof org.apache.spark.sql.catalyst.expressions.InputFileBlockLength) {
            return true;
        }
        for (int i = 0; i < e.children().size(); i++) {
            if (callsJava(e.children().apply(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A scan by Delta of a served table: the table itself (a view's body, or the same table by
     * path) or its {@code _delta_log}, which Delta reads through Spark SQL too.
     */
    private static boolean readsServedTable(LogicalPlan leaf, Served served) {
        if (!(leaf instanceof LogicalRelation relation) || !(relation.relation() instanceof HadoopFsRelation fs)
                || !fs.location().getClass().getName().startsWith("org.apache.spark.sql.delta.")) {
            return false;
        }
        var roots = fs.location().rootPaths();
        for (int i = 0; i < roots.size(); i++) {
            String root = normalise(roots.apply(i).toString());
            if (served.locations().stream().noneMatch(table -> root.equals(table) || root.startsWith(table + "/"))) {
                return false;
            }
        }
        return true;
    }

    /** file:/w/gold/x, file:///w/gold/x and /w/gold/x/ name the same table. */
    static String normalise(String location) {
        URI uri = new org.apache.hadoop.fs.Path(location).toUri().normalize();
        String path = uri.getPath().endsWith("/") ? uri.getPath().substring(0, uri.getPath().length() - 1) : uri.getPath();
        return (uri.getScheme() == null ? "file" : uri.getScheme()) + "://"
                + (uri.getAuthority() == null ? "" : uri.getAuthority()) + path;
    }
}
