package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
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
        return topTwo(contributions, group, person, value)
                .select(
                        col(group),
                        isDominated(col("total_value"), col("largest_value"), col("second_largest_value"), pPercent)
                                .as("dominated"));
    }

    /**
     * Per group, what the rule is judged on: the total of {@code value}, the two largest people's values
     * (a person's value is the sum of their rows; the second is null with one contributor) and the number
     * of contributors. The metrics stage keeps these as evidence ({@code evidence.dominance}), so the
     * output audit can judge the published rows itself.
     *
     * @return (group, n_contributors, total_value, largest_value, second_largest_value)
     */
    public static Dataset<Row> topTwo(Dataset<Row> contributions, String group, String person, String value) {
        Dataset<Row> perPerson =
                contributions.groupBy(group, person).agg(ExactSums.sum(value).as("_value"));
        Dataset<Row> ranked = perPerson.withColumn(
                "_rank",
                row_number()
                        .over(Window.partitionBy(group).orderBy(col("_value").desc(), col(person))));
        return ranked.groupBy(group)
                .agg(
                        count(lit(1)).as("n_contributors"),
                        ExactSums.sum("_value").as("total_value"),
                        max(when(col("_rank").equalTo(1), col("_value"))).as("largest_value"),
                        max(when(col("_rank").equalTo(2), col("_value"))).as("second_largest_value"));
    }

    /** total − x1 − x2 &lt; p/100 · x1, with a missing second largest as 0. */
    public static Column isDominated(Column total, Column x1, Column x2, double pPercent) {
        return total.minus(x1).minus(coalesce(x2, lit(0.0))).lt(x1.multiply(pPercent / 100.0));
    }
}
