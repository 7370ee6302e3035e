package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code gold.matching_balance}: per program (and ALL) how many mentees found comparators and how
 * alike the groups are, as standardized mean differences SMD = (mean_t − mean_c) /
 * sqrt((var_t + var_c) / 2) of tenure_years, annual_salary and performance_rating.
 *
 * <p>Before: all mentees against the naive comparison group (never-participants employed at the
 * program's median mentee index date), unweighted. After: matched mentees against the matched
 * comparators with their ATT weights. Variances are the (weighted) population variances
 * Σw(x−m)²/Σw, the same formula on both sides; missing covariate values are left out.
 * |SMD| below 0.1 is the usual mark of good balance.
 *
 * <p>covariate_source says where the matching's department and level came from
 * ({@link CohortBuilder#JOB_EVENTS_AT_INDEX} or {@link CohortBuilder#SNAPSHOT_CURRENT});
 * salary_performance_source says the salary and rating are the snapshot's current values, not
 * those at index: the HRIS delivers no history of them. Both are labels, kept on suppressed rows.
 */
public final class MatchingBalance {

    public static final List<String> COVARIATES = List.of("tenure_years", "annual_salary", "performance_rating");

    private MatchingBalance() {}

    public static Dataset<Row> balance(Dataset<Row> cohort, int minGroupSize, LocalDate asOf, String covariateSource) {
        Dataset<Row> before = smd(
                cohort.filter(col("method").equalTo("naive").and(col("cohort").notEqual("mentor"))), "before");
        Dataset<Row> after = smd(cohort.filter(col("method").equalTo(CohortMatcher.MATCHED)), "after");
        Dataset<Row> counts = cohort.groupBy("program_id")
                .agg(
                        countDistinct(when(
                                        col("method")
                                                .equalTo("naive")
                                                .and(col("cohort").equalTo("mentee")),
                                        col("employee_id")))
                                .as("n_mentees"),
                        countDistinct(when(
                                        col("method")
                                                .equalTo(CohortMatcher.MATCHED)
                                                .and(col("cohort").equalTo("mentee")),
                                        col("employee_id")))
                                .as("n_matched_mentees"),
                        countDistinct(when(
                                        col("method")
                                                .equalTo(CohortMatcher.MATCHED)
                                                .and(col("cohort").equalTo("comparison")),
                                        col("employee_id")))
                                .as("n_comparators"),
                        countDistinct(when(
                                        col("method")
                                                .equalTo("naive")
                                                .and(col("cohort").equalTo("comparison")),
                                        col("employee_id")))
                                .as("n_comparison_eligible"));
        List<String> smdCols = new ArrayList<>();
        for (String c : COVARIATES) {
            smdCols.add("smd_" + c + "_before");
            smdCols.add("smd_" + c + "_after");
        }
        Dataset<Row> out = counts.join(before, CohortMatcher.seq("program_id"), "left")
                .join(after, CohortMatcher.seq("program_id"), "left")
                .withColumn(
                        "match_rate",
                        when(col("n_mentees").gt(0), col("n_matched_mentees").divide(col("n_mentees"))))
                .withColumn("covariate_source", lit(covariateSource))
                .withColumn("salary_performance_source", lit(CohortBuilder.SNAPSHOT_CURRENT))
                .withColumn("as_of", lit(Date.valueOf(asOf)));
        List<String> values = new ArrayList<>(smdCols);
        values.add("match_rate");
        values.add("n_matched_mentees");
        out = Suppression.apply(out, "n_mentees", minGroupSize, values);
        List<String> select = new ArrayList<>(List.of(
                "program_id",
                "n_mentees",
                "n_matched_mentees",
                "match_rate",
                "n_comparators",
                "n_comparison_eligible",
                "covariate_source",
                "salary_performance_source"));
        select.addAll(smdCols);
        select.add("suppressed");
        select.add("as_of");
        return out.select(KaplanMeier.cols(select).toArray(new Column[0]));
    }

    /** Per program: smd_<cov>_<suffix> between cohort 'mentee' and 'comparison', weighted. */
    static Dataset<Row> smd(Dataset<Row> rows, String suffix) {
        List<Column> aggs = new ArrayList<>();
        for (String c : COVARIATES) {
            for (String side : List.of("mentee", "comparison")) {
                Column w = when(col("cohort").equalTo(side).and(col(c).isNotNull()), col("weight"))
                        .otherwise(lit(0.0));
                aggs.add(ExactSums.sum(w).as(side + "_sw_" + c));
                aggs.add(ExactSums.sum(w.multiply(col(c))).as(side + "_swx_" + c));
                aggs.add(ExactSums.sum(w.multiply(col(c)).multiply(col(c))).as(side + "_swxx_" + c));
            }
        }
        Dataset<Row> sums = rows.groupBy("program_id")
                .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
        List<Column> out = new ArrayList<>();
        out.add(col("program_id"));
        for (String c : COVARIATES) {
            Column mt = col("mentee_swx_" + c).divide(col("mentee_sw_" + c));
            Column mc = col("comparison_swx_" + c).divide(col("comparison_sw_" + c));
            // E[x²] − E[x]² is fine for these magnitudes (salaries ~1e5 squared stay well inside double precision).
            Column vt = col("mentee_swxx_" + c).divide(col("mentee_sw_" + c)).minus(mt.multiply(mt));
            Column vc = col("comparison_swxx_" + c)
                    .divide(col("comparison_sw_" + c))
                    .minus(mc.multiply(mc));
            Column pooled = sqrt(vt.plus(vc).divide(2));
            out.add(when(pooled.gt(0), mt.minus(mc).divide(pooled)).as("smd_" + c + "_" + suffix));
        }
        return sums.select(out.toArray(new Column[0]));
    }
}
