package io.mentoringoutcomes.serve;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedGenerator;
import org.apache.spark.sql.catalyst.analysis.UnresolvedNamespace;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedView;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.sql.execution.command.ExplainCommand;
import org.apache.spark.sql.execution.command.SetCommand;
import scala.Option;
import scala.Tuple2;

/**
 * The statements the endpoint runs, as an allow-list of plan node types: pure reads of the served
 * views, and the metadata commands BI tools issue (SHOW, DESCRIBE, USE, SET of spark.sql.*). A node
 * type not listed here (a new command of the next Spark or Delta release among them) is refused.
 *
 * <p>Checked twice: on the parsed plan, before anything runs, since analysis already touches files
 * ({@code parquet.`/path`} lists them, {@code table_changes} reads a Delta log), and on the analysed
 * plan, where views are expanded to the Delta scans they read and functions are resolved.
 */
final class PlanAllowList {

    private PlanAllowList() {}

    private static final String LOGICAL = "org.apache.spark.sql.catalyst.plans.logical.";
    private static final String ANALYSIS = "org.apache.spark.sql.catalyst.analysis.";
    private static final String COMMAND = "org.apache.spark.sql.execution.command.";

    /** Relational operators that only compute from their children, parsed or analysed. */
    private static final Set<String> READ_OPERATORS = names(
            LOGICAL,
            "Project",
            "Filter",
            "Aggregate",
            "Join",
            "Window",
            "Sort",
            "GlobalLimit",
            "LocalLimit",
            "Offset",
            "Tail",
            "Union",
            "Intersect",
            "Except",
            "Distinct",
            "Deduplicate",
            "Expand",
            "SubqueryAlias",
            "Generate",
            "Sample",
            "RepartitionByExpression",
            "Repartition",
            "LateralJoin",
            "OneRowRelation",
            "LocalRelation",
            "Range",
            "Pivot",
            "Unpivot",
            "ResolvedHint",
            "UnresolvedHint",
            "WithWindowDefinition",
            "UnresolvedWith",
            "WithCTE",
            "CTERelationDef",
            "CTERelationRef",
            "View");

    /** Parsed-only forms of reads: names still to resolve (checked one by one), VALUES, column aliases. */
    private static final Set<String> PARSED_READS = names(
            ANALYSIS,
            "UnresolvedRelation",
            "UnresolvedInlineTable",
            "UnresolvedTableValuedFunction",
            "UnresolvedSubqueryColumnAliases",
            "UnresolvedTVFAliases",
            "UnresolvedHaving");

    /** Metadata commands, as parsed and as analysed: what BI tools and JDBC drivers issue. */
    private static final Set<String> METADATA_COMMANDS = Stream.concat(
                    names(
                            LOGICAL,
                            "ShowTables",
                            "ShowTableExtended",
                            "ShowNamespaces",
                            "ShowColumns",
                            "ShowFunctions",
                            "ShowTableProperties",
                            "ShowViews",
                            "ShowCreateTable",
                            "ShowPartitions",
                            "DescribeRelation",
                            "DescribeColumn",
                            "DescribeFunction",
                            "DescribeNamespace",
                            "SetCatalogAndNamespace")
                            .stream(),
                    names(
                            COMMAND,
                            "ShowTablesCommand",
                            "ShowColumnsCommand",
                            "ShowFunctionsCommand",
                            "ShowTablePropertiesCommand",
                            "ShowViewsCommand",
                            "ShowCreateTableCommand",
                            "ShowPartitionsCommand",
                            "ShowCurrentNamespaceCommand",
                            "ShowCatalogsCommand",
                            "DescribeTableCommand",
                            "DescribeColumnCommand",
                            "DescribeFunctionCommand",
                            "DescribeDatabaseCommand",
                            "SetCommand",
                            "ResetCommand",
                            "SetNamespaceCommand",
                            "SetCatalogCommand",
                            "ExplainCommand")
                            .stream())
            .collect(Collectors.toUnmodifiableSet());

    /** What a metadata command names: a namespace, table, view or function, unresolved or resolved. */
    private static final Set<String> METADATA_OPERANDS = names(
            ANALYSIS,
            "UnresolvedNamespace",
            "CurrentNamespace$",
            "UnresolvedTableOrView",
            "UnresolvedTable",
            "UnresolvedView",
            "UnresolvedFunctionName",
            "ResolvedNamespace",
            "ResolvedPersistentView",
            "ResolvedTempView",
            "ResolvedPersistentFunc",
            "ResolvedNonPersistentFunc",
            "ResolvedIdentifier");

    /** A name a client may use for a view, a database or a CTE: no paths, no quoting tricks. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Why a parsed statement may not even be analysed, or empty when it may. */
    static Optional<String> refuseParsed(LogicalPlan plan, ServedTables served) {
        return refuse(plan, served, true, true);
    }

    /** Why an analysed statement may not run, or empty when it may. */
    static Optional<String> refuseAnalysed(LogicalPlan plan, ServedTables served) {
        return refuse(plan, served, false, true);
    }

    private static Optional<String> refuse(LogicalPlan plan, ServedTables served, boolean parsed, boolean root) {
        String type = plan.getClass().getName();
        String reason = null;
        if (root && METADATA_COMMANDS.contains(type)) {
            reason = refuseMetadataCommand(plan, served, parsed);
            if (reason == null && plan instanceof ExplainCommand explain) {
                // EXPLAIN only plans its statement, but planning a parsed statement resolves it.
                return refuse(explain.logicalPlan(), served, true, false);
            }
        } else if (METADATA_OPERANDS.contains(type)) {
            reason = root ? type + " on its own" : refuseName(plan, served);
        } else if (READ_OPERATORS.contains(type) || parsed && PARSED_READS.contains(type)) {
            reason = parsed ? refuseName(plan, served) : null;
        } else if (!parsed
                && plan.children().isEmpty()
                && (served.isServedScan(plan)
                        || plan instanceof InMemoryRelation cached && served.isServedCache(cached))) {
            reason = null;
        } else if (!parsed && plan.children().isEmpty()) {
            reason = "a read (" + plan.getClass().getSimpleName() + ") of something other than the served views";
        } else {
            reason = plan.getClass().getSimpleName()
                    + (type.contains("ScriptTransformation")
                            ? " (TRANSFORM ... USING runs programs on the server)"
                            : "");
        }
        if (reason != null) {
            return Optional.of(reason);
        }
        for (int i = 0; i < plan.expressions().size(); i++) {
            Optional<String> inside = refuse(plan.expressions().apply(i), served, parsed);
            if (inside.isPresent()) {
                return inside;
            }
        }
        if (plan instanceof UnresolvedWith with) {
            // A parsed WITH keeps its CTE bodies beside its child, not among its children.
            var ctes = with.cteRelations();
            for (int i = 0; i < ctes.size(); i++) {
                Optional<String> cte = refuse(ctes.apply(i)._2(), served, parsed, false);
                if (cte.isPresent()) {
                    return cte;
                }
            }
        }
        for (int i = 0; i < plan.children().size(); i++) {
            Optional<String> below = refuse(plan.children().apply(i), served, parsed, false);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refuse(Expression e, ServedTables served, boolean parsed) {
        String reason = null;
        if (parsed) {
            if (e instanceof UnresolvedFunction f) {
                reason = refuseFunctionName(f.nameParts());
            } else if (e instanceof UnresolvedGenerator g) {
                reason = refuseFunctionName(g.name().nameParts());
            } else if (e instanceof UnresolvedAttribute a
                    && a.nameParts().head().equalsIgnoreCase("_metadata")) {
                // Refused by name too, whether or not this Spark lets a view pass its scan's hidden columns on.
                reason = "the hidden column _metadata (it shows the warehouse's files)";
            }
        } else {
            reason = ExpressionAllowList.refusal(e);
        }
        if (reason != null) {
            return Optional.of(reason);
        }
        if (e instanceof SubqueryExpression subquery) {
            Optional<String> inner = refuse(subquery.plan(), served, parsed, false);
            if (inner.isPresent()) {
                return inner;
            }
        }
        for (int i = 0; i < e.children().size(); i++) {
            Optional<String> below = refuse(e.children().apply(i), served, parsed);
            if (below.isPresent()) {
                return below;
            }
        }
        return Optional.empty();
    }

    private static String refuseFunctionName(scala.collection.Seq<String> nameParts) {
        List<String> parts = scala.collection.JavaConverters.seqAsJavaList(nameParts);
        return parts.size() == 1 && ExpressionAllowList.isAllowedFunction(parts.get(0))
                ? null
                : "the function " + String.join(".", parts);
    }

    private static String refuseMetadataCommand(LogicalPlan plan, ServedTables served, boolean parsed) {
        if (plan instanceof SetCommand set) {
            Option<Tuple2<String, Option<String>>> kv = set.kv();
            if (kv.isDefined()
                    && kv.get()._2().isDefined()
                    && !ReadOnlyGuard.allowedSetting(
                            kv.get()._1(), kv.get()._2().get(), served)) {
                return "changing the setting " + kv.get()._1() + " (only spark.sql.* settings may change, "
                        + "and no new catalogs)";
            }
        }
        return null;
    }

    /**
     * The names a parsed node reads or describes: plain names only, and a qualified name must be in a
     * served database, so {@code parquet.`/any/file`} or {@code delta.`/warehouse/silver/x`} never
     * reaches the analyser, which would list those files.
     */
    private static String refuseName(LogicalPlan node, ServedTables served) {
        scala.collection.Seq<String> name;
        boolean namespace = false;
        if (node instanceof UnresolvedRelation r) {
            name = r.multipartIdentifier();
        } else if (node instanceof UnresolvedTableOrView r) {
            name = r.multipartIdentifier();
        } else if (node instanceof UnresolvedTable r) {
            name = r.multipartIdentifier();
        } else if (node instanceof UnresolvedView r) {
            name = r.multipartIdentifier();
        } else if (node instanceof UnresolvedNamespace r) {
            name = r.multipartIdentifier();
            namespace = true;
        } else if (node instanceof UnresolvedTableValuedFunction f) {
            List<String> parts = scala.collection.JavaConverters.seqAsJavaList(f.name());
            return parts.size() == 1
                            && ExpressionAllowList.TABLE_FUNCTIONS.contains(
                                    parts.get(0).toLowerCase(Locale.ROOT))
                    ? null
                    : "the table function " + String.join(".", parts);
        } else {
            return null;
        }
        List<String> parts = scala.collection.JavaConverters.seqAsJavaList(name).stream()
                .map(p -> p.toLowerCase(Locale.ROOT))
                .toList();
        String shown = String.join(".", scala.collection.JavaConverters.seqAsJavaList(name));
        if (!parts.stream().allMatch(p -> PLAIN.matcher(p).matches())) {
            return "a read of something other than the served views (" + shown + ")";
        }
        List<String> qualified =
                parts.size() >= 2 && parts.get(0).equals("spark_catalog") ? parts.subList(1, parts.size()) : parts;
        boolean ok = namespace
                ? qualified.size() <= 1
                : qualified.size() == 1
                        || qualified.size() == 2 && served.databases().contains(qualified.get(0));
        return ok ? null : "a read of something other than the served views (" + shown + ")";
    }

    private static Set<String> names(String pkg, String... simple) {
        return Stream.of(simple).map(s -> pkg + s).collect(Collectors.toUnmodifiableSet());
    }
}
