package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import java.time.LocalDate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The sensitivity of the matched comparison to censoring comparators who later become mentees.
 * The cohort frame censors them the day they join (from then on they are treated). That censoring
 * is informative when joiners differ in exit risk from the comparators who never join: if joiners
 * would have stayed longer anyway, removing them leaves a comparison arm of leavers and the
 * retention difference is overstated. Keeping them (this frame: their follow-up runs to exit or
 * as-of, joining ignored) counts treated time on the comparison side, which pulls the difference
 * towards zero when mentoring helps. The two bracket the truth under that assumption.
 */
public final class ComparatorsKept {

    private ComparatorsKept() {}

    /**
     * The cohort frame with the matched comparators' time_days, event and separated recomputed from
     * the HRIS snapshot as if joining did not censor; every other row unchanged.
     */
    public static Dataset<Row> frame(Dataset<Row> cohort, Dataset<Row> employees, LocalDate asOf) {
        Column comparator = col("method").equalTo("matched").and(col("cohort").equalTo("comparison"));
        Dataset<Row> uncensored = CohortBuilder.withFollowUp(
                cohort.filter(comparator)
                        .drop("time_days", "event", "separated")
                        .join(employees.select("employee_id", "termination_date", "termination_type"), "employee_id"),
                asOf,
                null);
        return cohort.filter(not(comparator))
                .unionByName(uncensored.select(
                        KaplanMeier.cols(java.util.List.of(cohort.columns())).toArray(new Column[0])));
    }
}
