package io.mentoringoutcomes.serve;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.analysis.TableFunctionRegistry$;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;

/**
 * The expressions a served statement may use: Spark's built-in scalar, aggregate and window
 * functions (as registered in Spark's own function registry, so an upgrade's new built-ins come
 * along), minus those that reach outside the query, plus the operators and plumbing the analyser
 * puts around them. Anything else, any UDF above all, is refused.
 */
final class ExpressionAllowList {

    private ExpressionAllowList() {}

    /** Built-ins that reach outside the query: Java calls, the files behind a row, XML parsers. */
    static final Set<String> DENIED_FUNCTIONS = Set.of(
            "reflect",
            "java_method",
            "try_reflect",
            "input_file_name",
            "input_file_block_start",
            "input_file_block_length",
            "xpath",
            "xpath_boolean",
            "xpath_double",
            "xpath_float",
            "xpath_int",
            "xpath_long",
            "xpath_number",
            "xpath_short",
            "xpath_string");

    /** Table-valued functions that compute rows from their arguments only (range, explode, ...). */
    static final Set<String> TABLE_FUNCTIONS = tableFunctions();

    static final Set<String> FUNCTIONS = new HashSet<>();
    static final Set<String> CLASSES = new HashSet<>();

    private static final String E = "org.apache.spark.sql.catalyst.expressions.";

    /** What the analyser builds around the functions: references, literals, casts, subqueries, window frames. */
    private static final Set<String> PLUMBING = Set.of(
            "AttributeReference",
            "Alias",
            "Literal",
            "Cast",
            "UpCast",
            "SortOrder",
            "KnownNotNull",
            "KnownNullable",
            "KnownFloatingPointNormalized",
            "CheckOverflow",
            "CheckOverflowInSum",
            "PromotePrecision",
            "aggregate.AggregateExpression",
            "WindowExpression",
            "WindowSpecDefinition",
            "SpecifiedWindowFrame",
            "UnspecifiedFrame$",
            "UnboundedPreceding$",
            "UnboundedFollowing$",
            "CurrentRow$",
            "ScalarSubquery",
            "Exists",
            "ListQuery",
            "InSubquery",
            "LateralSubquery",
            "OuterReference",
            "NamedLambdaVariable",
            "LambdaFunction",
            "GetStructField",
            "GetArrayItem",
            "GetArrayStructFields",
            "GetMapValue",
            "CreateNamedStruct",
            "Grouping",
            "GroupingID",
            "In",
            "InSet",
            "CaseWhen",
            "If",
            "TimeAdd",
            "DateAddInterval",
            "SubtractDates",
            "SubtractTimestamps",
            "TimestampAddYMInterval",
            "DateAddYMInterval",
            "MultiplyInterval",
            "DivideInterval",
            "MultiplyYMInterval",
            "MultiplyDTInterval",
            "DivideYMInterval",
            "DivideDTInterval",
            "UnaryMinus",
            "UnaryPositive",
            "PreciseTimestampConversion",
            "aggregate.PivotFirst",
            "LikeAll",
            "NotLikeAll",
            "LikeAny",
            "NotLikeAny",
            "Descending$",
            "Ascending$",
            "TryEval",
            "DatetimeSub",
            "aggregate.Average",
            "aggregate.Sum",
            // generators (LATERAL VIEW, explode in SELECT) and the parts of interval arithmetic
            "Explode",
            "PosExplode",
            "Inline",
            "Stack",
            "JsonTuple",
            "ExtractANSIIntervalDays",
            "ExtractANSIIntervalHours",
            "ExtractANSIIntervalMinutes",
            "ExtractANSIIntervalSeconds",
            "ExtractANSIIntervalMonths",
            "ExtractANSIIntervalYears",
            "ExtractIntervalYears",
            "ExtractIntervalMonths",
            "ExtractIntervalDays",
            "ExtractIntervalHours",
            "ExtractIntervalMinutes",
            "ExtractIntervalSeconds",
            // what the built-ins registered through a builder (ceil, floor, lpad, ...) build
            "Ceil",
            "Floor",
            "RoundCeil",
            "RoundFloor",
            "Contains",
            "StartsWith",
            "EndsWith",
            "StringLPad",
            "StringRPad",
            "Mask",
            "aggregate.CountMinSketchAgg",
            "aggregate.PercentileCont",
            "aggregate.PercentileDisc");

    static {
        var registered = scala.collection.JavaConverters.mapAsJavaMap(FunctionRegistry$.MODULE$.expressions());
        registered.forEach((name, entry) -> {
            if (!DENIED_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                FUNCTIONS.add(name.toLowerCase(Locale.ROOT));
                CLASSES.add(((ExpressionInfo) entry._1()).getClassName());
            }
        });
        for (String denied : DENIED_FUNCTIONS) {
            // a denied function's class stays out even when an allowed alias shares it
            Object entry = registered.get(denied);
            if (entry != null) {
                CLASSES.remove(((ExpressionInfo) ((scala.Tuple2<?, ?>) entry)._1()).getClassName());
            }
        }
        PLUMBING.forEach(simple -> CLASSES.add(E + simple));
    }

    private static Set<String> tableFunctions() {
        Set<String> names = new HashSet<>();
        scala.collection.JavaConverters.mapAsJavaMap(TableFunctionRegistry$.MODULE$.logicalPlans())
                .keySet()
                .forEach(name -> names.add(name.toLowerCase(Locale.ROOT)));
        return Set.copyOf(names);
    }

    /** Whether a client may call the function of this (unresolved, single-part) name. */
    static boolean isAllowedFunction(String name) {
        return FUNCTIONS.contains(name.toLowerCase(Locale.ROOT));
    }

    /** Why this analysed expression may not run, or null when it may. Does not look at children. */
    static String refusal(Expression e) {
        if (e instanceof Attribute a && isMetadataColumn(a)) {
            return "the hidden column " + a.name() + " (it shows the warehouse's files)";
        }
        String name = e.getClass().getName();
        if (!CLASSES.contains(name)) {
            return "the expression " + e.prettyName() + " (" + e.getClass().getSimpleName() + ")";
        }
        return null;
    }

    /** {@code _metadata} and the other hidden columns of a file scan: file paths, sizes, row indexes. */
    private static boolean isMetadataColumn(Attribute a) {
        var metadata = a.metadata();
        return metadata.contains("__metadata_col")
                || metadata.contains("__file_source_metadata_col")
                || metadata.contains("__file_source_constant_metadata_col")
                || metadata.contains("__file_source_generated_metadata_col")
                || a.name().equalsIgnoreCase("_metadata");
    }
}
