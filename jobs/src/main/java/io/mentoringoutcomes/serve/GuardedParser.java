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
 * The SQL parser of a served session: Spark's (with Delta's) unchanged, except that a statement
 * is refused before it is parsed, let alone analysed, when the session carries a setting the
 * endpoint does not accept ({@link ReadOnlyGuard#refuseUnsafeSettings}), and right after it is
 * parsed when it is not a read ({@link ReadOnlyGuard#refuseParsed}). Settings passed in the JDBC
 * URL reach the session without any statement, so this is where they are caught.
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
        LogicalPlan plan = delegate.parsePlan(sqlText);
        ReadOnlyGuard.refuseParsed(plan);
        return plan;
    }

    @Override
    public LogicalPlan parseQuery(String sqlText) throws ParseException {
        ReadOnlyGuard.refuseUnsafeSettings(session);
        return delegate.parseQuery(sqlText);
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
