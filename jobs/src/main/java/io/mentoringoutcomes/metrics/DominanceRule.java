package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The p% rule for totals of people's own values (Hundepool et al. 2012, <i>Statistical Disclosure
 * Control</i>, §4.2.2). A total, or a mean whose count is published, is sensitive when the second
 * largest contributor, subtracting their own value from it, learns the largest one to within p percent:
 * total − x1 − x2 &lt; p/100 · x1. Ten people's mean salary passes the k rule, but when one of them earns
 * nine times what the others do together, the mean is nearly that one salary. The count rule cannot see
 * this; the values can, so it is judged where they still exist, in the metrics stage. p is the setting
 * {@code privacy.dominance_p_percent}: the largest value must stay uncertain by at least p% of itself.
 */
public final class DominanceRule {

    private DominanceRule() {}

    /**
     * Per group, whether its total of {@code value} is dominated. A person's value is the sum of their
     * rows (a contribution counted twice in the figure is counted twice here). Groups whose values are
     * all zero are not dominated.
     *
     * @param contributions one or more rows per (group, person), non-negative values
     * @return (group, dominated)
     */
    public static Dataset<Row> dominated(
            Dataset<Row> contributions, String group, String person, String value, double pPercent) {
        Dataset<Row> perPerson =
                contributions.groupBy(group, person).agg(ExactSums.sum(value).as("_value"));
        Dataset<Row> ranked = perPerson.withColumn(
                "_rank",
                row_number()
                        .over(Window.partitionBy(group).orderBy(col("_value").desc(), col(person))));
        return ranked.groupBy(group)
                .agg(
                        ExactSums.sum("_value").as("_total"),
                        max(when(col("_rank").equalTo(1), col("_value"))).as("_x1"),
                        max(when(col("_rank").equalTo(2), col("_value"))).as("_x2"))
                .select(
                        col(group),
                        col("_total")
                                .minus(col("_x1"))
                                .minus(coalesce(col("_x2"), lit(0.0)))
                                .lt(col("_x1").multiply(pPercent / 100.0))
                                .as("dominated"));
    }
}
