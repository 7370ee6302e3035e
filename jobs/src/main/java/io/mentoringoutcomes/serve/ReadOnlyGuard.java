package io.mentoringoutcomes.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.expressions.CallMethodViaReflection;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

import java.net.URI;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * Makes a served session read-only and confined to the served views: a Spark SQL extension whose
 * check rule rejects, at analysis and so before anything runs,
 * <ul>
 *   <li>every command that is not a read (INSERT, MERGE, DELETE, CREATE, DROP, ALTER, ADD JAR,
 *       CACHE, ...); queries and SHOW, DESCRIBE, USE, SET, EXPLAIN pass;</li>
 *   <li>every read of data other than a served Delta table: {@code delta.`/warehouse/silver/x`}
 *       or {@code parquet.`/any/file`} would otherwise read what the views leave out;</li>
 *   <li>{@code reflect}/{@code java_method}, which call static Java methods in the server.</li>
 * </ul>
 * Spark's own switch for file queries ({@code spark.sql.runSQLOnFiles}) cannot do the second:
 * Delta resolves a view's path with the client's session setting, so the views would stop working.
 * Nor can "only below a View node": Spark also checks a view's body on its own.
 *
 * <p>Loaded through {@code spark.sql.extensions}; armed by {@link #arm} once serve has created
 * its views, so no SQL statement can disarm it.
 */
public final class ReadOnlyGuard extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    /** The served tables' locations once armed; null before. */
    private static final AtomicReference<Set<String>> SERVED = new AtomicReference<>();

    /** Commands that only read or set session state; besides them, every Show* and Describe*. */
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

    /** From now on, this JVM's sessions refuse writes and reads of anything but these Delta tables. */
    public static void arm(Collection<String> servedLocations) {
        SERVED.set(servedLocations.stream().map(ReadOnlyGuard::normalise).collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
            @Override
            public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
                return new AbstractFunction1<>() {
                    @Override
                    public BoxedUnit apply(LogicalPlan plan) {
                        Set<String> served = SERVED.get();
                        if (served != null) {
                            violation(plan, served).ifPresent(reason -> {
                                throw new UnsupportedOperationException(
                                        "mentoring-outcomes serve is read-only and serves its views only: " + reason);
                            });
                        }
                        return BoxedUnit.UNIT;
                    }
                };
            }
        });
        return BoxedUnit.UNIT;
    }

    /** Why an analysed {@code plan} may not run on the endpoint, or empty when it may. */
    static Optional<String> violation(LogicalPlan plan, Set<String> served) {
        String name = plan.getClass().getSimpleName();
        if (plan instanceof Command) {
            boolean read = name.startsWith("Show") || name.startsWith("Describe") || READ_ONLY_COMMANDS.contains(name);
            if (!read) {
                return Optional.of(name + " is not a read");
            }
        } else if (plan.children().isEmpty() && !DATA_FREE_LEAVES.contains(name) && !readsServedTable(plan, served)) {
            return Optional.of("a read (" + name + ") of something other than the served views");
        }
        for (int i = 0; i < plan.expressions().size(); i++) {
            if (callsJava(plan.expressions().apply(i))) {
                return Optional.of("reflect/java_method calls Java methods (System.exit among them)");
            }
        }
        for (int i = 0; i < plan.children().size(); i++) {
            Optional<String> below = violation(plan.children().apply(i), served);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }

    private static boolean callsJava(Expression e) {
        if (e instanceof CallMethodViaReflection) {
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
    private static boolean readsServedTable(LogicalPlan leaf, Set<String> served) {
        if (!(leaf instanceof LogicalRelation relation) || !(relation.relation() instanceof HadoopFsRelation fs)
                || !fs.location().getClass().getName().startsWith("org.apache.spark.sql.delta.")) {
            return false;
        }
        var roots = fs.location().rootPaths();
        for (int i = 0; i < roots.size(); i++) {
            String root = normalise(roots.apply(i).toString());
            if (served.stream().noneMatch(table -> root.equals(table) || root.startsWith(table + "/"))) {
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
