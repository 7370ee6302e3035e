package io.mentoringoutcomes.serve;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * The SQL parser of a served session, and the gate every client statement passes: Spark's (with
 * Delta's) parser, then
 * <ol>
 *   <li>before parsing, the session's settings ({@link ReadOnlyGuard#refuseUnsafeSettings}): settings
 *       passed in the JDBC URL reach the session without any statement, so this is where they are caught;</li>
 *   <li>the parsed plan against {@link PlanAllowList}, before analysis touches any file or runs any
 *       statement (TRANSFORM, ADD JAR, CREATE FUNCTION never get further);</li>
 *   <li>the analysed plan against {@link PlanAllowList}: views expanded to what they read (the
 *       served night's rows held in memory, or Delta scans), functions resolved. The analysed plan
 *       is what this method returns, so Spark does not analyse the statement a second time and runs
 *       exactly the plan that was checked; or, for a read a dashboard repeats, the answer that plan
 *       gave ({@link ResultCache}), remembered only once both checks have passed.</li>
 * </ol>
 * An exact repeat of a remembered read (same text, settings, database and night) is answered
 * after step 1 without being parsed again; see {@link ResultCache} for why that is safe.
 * Views' own SQL is parsed with {@link #parseQuery} and is not a client's statement: a gold view
 * of the served night parses to that night's rows ({@link ServedRelations}).
 */
final class GuardedParser implements ParserInterface {

    private final SparkSession session;
    private final ParserInterface delegate;

    GuardedParser(SparkSession session, ParserInterface delegate) {
        this.session = session;
        this.delegate = delegate;
    }

    @Override
    public LogicalPlan parsePlan(String sqlText) throws ParseException {
        ReadOnlyGuard.refuseUnsafeSettings(session);
        // An exact repeat of an admitted read, in the same settings, database and night: its answer,
        // without parsing or checking again (the argument is ResultCache's). Anything else is checked.
        ResultCache.Key key = ReadOnlyGuard.rememberable(session, sqlText);
        LogicalPlan remembered = key == null ? null : ResultCache.remembered(key);
        if (remembered != null) {
            return remembered;
        }
        LogicalPlan plan = delegate.parsePlan(sqlText);
        return ReadOnlyGuard.admit(session, key, plan);
    }

    @Override
    public LogicalPlan parseQuery(String sqlText) throws ParseException {
        ReadOnlyGuard.refuseUnsafeSettings(session);
        // A gold view of the served night: its rows held on the driver, not a Delta time travel.
        LogicalPlan local = ServedRelations.lookup(sqlText);
        return local != null ? local : delegate.parseQuery(sqlText);
    }

    @Override
    public Expression parseExpression(String sqlText) throws ParseException {
        return delegate.parseExpression(sqlText);
    }

    @Override
    public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
        return delegate.parseTableIdentifier(sqlText);
    }

    @Override
    public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
        return delegate.parseFunctionIdentifier(sqlText);
    }

    @Override
    public scala.collection.Seq<String> parseMultipartIdentifier(String sqlText) throws ParseException {
        return delegate.parseMultipartIdentifier(sqlText);
    }

    @Override
    public StructType parseTableSchema(String sqlText) throws ParseException {
        return delegate.parseTableSchema(sqlText);
    }

    @Override
    public DataType parseDataType(String sqlText) throws ParseException {
        return delegate.parseDataType(sqlText);
    }
}
