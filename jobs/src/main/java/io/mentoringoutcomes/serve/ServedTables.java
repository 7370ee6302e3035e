package io.mentoringoutcomes.serve;

import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.LocalTableScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.sql.execution.columnar.InMemoryTableScanExec;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;

/**
 * What the endpoint serves: the Delta tables behind its views (by location), the databases those
 * views live in, and the settings a new session starts with (a client may keep those as they are).
 */
record ServedTables(Set<String> locations, Set<String> databases, Map<String, String> sessionDefaults) {

    static ServedTables of(
            Collection<String> locations, Collection<String> databases, Map<String, String> sessionDefaults) {
        return new ServedTables(
                locations.stream().map(ServedTables::normalise).collect(Collectors.toUnmodifiableSet()),
                databases.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet()),
                Map.copyOf(sessionDefaults));
    }

    /**
     * A scan by Delta of a served table: the table itself (a view's body) or its {@code _delta_log},
     * which Delta reads through Spark SQL too while it resolves the table.
     */
    boolean isServedScan(LogicalPlan leaf) {
        return leaf instanceof LogicalRelation relation
                && relation.relation() instanceof HadoopFsRelation fs
                && isServedDelta(fs);
    }

    /**
     * A cached copy of served tables (gold held in memory): every leaf of the plan that filled the
     * cache scans a served Delta table, or is a cache of one itself.
     */
    boolean isServedCache(InMemoryRelation cached) {
        var leaves = cached.cacheBuilder().cachedPlan().collectLeaves();
        for (int i = 0; i < leaves.size(); i++) {
            SparkPlan leaf = leaves.apply(i);
            boolean served = leaf instanceof FileSourceScanExec scan && isServedDelta(scan.relation())
                    || leaf instanceof InMemoryTableScanExec inner && isServedCache(inner.relation())
                    || leaf instanceof LocalTableScanExec;
            if (!served) {
                return false;
            }
        }
        return true;
    }

    private boolean isServedDelta(HadoopFsRelation fs) {
        if (!fs.location().getClass().getName().startsWith("org.apache.spark.sql.delta.")) {
            return false;
        }
        var roots = fs.location().rootPaths();
        for (int i = 0; i < roots.size(); i++) {
            String root = normalise(roots.apply(i).toString());
            if (locations.stream().noneMatch(table -> root.equals(table) || root.startsWith(table + "/"))) {
                return false;
            }
        }
        return true;
    }

    /** file:/w/gold/x, file:///w/gold/x and /w/gold/x/ name the same table. */
    static String normalise(String location) {
        URI uri = new org.apache.hadoop.fs.Path(location).toUri().normalize();
        String path = uri.getPath().endsWith("/")
                ? uri.getPath().substring(0, uri.getPath().length() - 1)
                : uri.getPath();
        return (uri.getScheme() == null ? "file" : uri.getScheme()) + "://"
                + (uri.getAuthority() == null ? "" : uri.getAuthority()) + path;
    }
}
