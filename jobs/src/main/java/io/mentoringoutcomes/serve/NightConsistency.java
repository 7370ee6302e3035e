package io.mentoringoutcomes.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.View;
import scala.Function1;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * A Spark SQL extension that refuses a statement whose gold views were read from two different
 * nights: possible only while {@link ServedNight} repoints the views to a newly published night,
 * and then the client gets a one-line "run it again" instead of half a night.
 */
public final class NightConsistency extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

    private static final Pattern VERSION = Pattern.compile("VERSION AS OF ([0-9]+)\\s*$");

    @Override
    public BoxedUnit apply(SparkSessionExtensions extensions) {
        extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
            @Override
            public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
                return new AbstractFunction1<>() {
                    @Override
                    public BoxedUnit apply(LogicalPlan plan) {
                        Map<String, Long> seen = new LinkedHashMap<>();
                        collect(plan, seen);
                        if (!ServedNight.oneNight(seen)) {
                            throw new IllegalStateException("mentoring-outcomes serve: a new night was published while "
                                    + "this statement was being planned; run it again");
                        }
                        return BoxedUnit.UNIT;
                    }
                };
            }
        });
        return BoxedUnit.UNIT;
    }

    /** The gold views' pinned versions anywhere in the plan, subqueries included. */
    static void collect(LogicalPlan plan, Map<String, Long> seen) {
        plan.foreach(node -> {
            if (node instanceof View view && !view.isTempView()) {
                CatalogTable desc = view.desc();
                String db = desc.identifier().database().getOrElse(() -> "");
                if (db.equals("gold") && desc.viewText().isDefined()) {
                    Matcher m = VERSION.matcher(desc.viewText().get());
                    if (m.find()) {
                        seen.put("gold." + desc.identifier().table(), Long.parseLong(m.group(1)));
                    }
                }
            }
            node.expressions().foreach(e -> {
                e.foreach(x -> {
                    if (x instanceof SubqueryExpression sub) {
                        collect(sub.plan(), seen);
                    }
                    return BoxedUnit.UNIT;
                });
                return BoxedUnit.UNIT;
            });
            return BoxedUnit.UNIT;
        });
    }
}
