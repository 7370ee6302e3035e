package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.reference.RReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The robust (infinitesimal-jackknife, person-clustered) variance against R's survival package:
 * a weighted data set where people sit in several cells of the comparison arm and in both arms,
 * with tied times, a censoring, a promotion (status 1) and a competing exit (status 2).
 */
class RobustVarianceTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("arm", DataTypes.StringType)
            .add("employee_id", DataTypes.StringType)
            .add("row_id", DataTypes.StringType)
            .add("time_days", DataTypes.DoubleType)
            .add("status", DataTypes.IntegerType)
            .add("weight", DataTypes.DoubleType);
    private static final double[] HORIZONS = {7.5, 15.0, 20.0};
    private static final double[] WEIGHTS = {0.5, 1.5, 2.0, 0.25, 1.0 / 3, 0.8};

    private static List<Row> rows;

    @TempDir
    static Path dir;

    private static Map<String, Double> r;

    @BeforeAll
    static void referenceFromR() throws Exception {
        Random rnd = new Random(20261129L);
        rows = new ArrayList<>();
        int n = 0;
        // Mentees p01..p14, one row each, weight 1.
        for (int p = 1; p <= 14; p++) {
            rows.add(row("mentee", p, ++n, 1 + rnd.nextInt(28), rnd.nextInt(3), 1.0));
        }
        rows.add(row("mentee", 15, ++n, 30, 0, 1.0));
        // Comparators p06..p35 (p06..p15 were comparators before they became mentees), 1 to 3 cells each.
        for (int p = 6; p <= 35; p++) {
            int cells = 1 + rnd.nextInt(3);
            for (int c = 0; c < cells; c++) {
                rows.add(row(
                        "comparison",
                        p,
                        ++n,
                        1 + rnd.nextInt(28),
                        rnd.nextInt(3),
                        WEIGHTS[rnd.nextInt(WEIGHTS.length)]));
            }
        }
        rows.add(row("comparison", 36, ++n, 30, 0, 0.5));
        List<List<Object>> csv = new ArrayList<>();
        for (Row x : rows) {
            csv.add(List.of(
                    x.getString(0), x.getString(1), x.getString(2), x.getDouble(3), x.getInt(4), x.getDouble(5)));
        }
        RReference.writeCsv(
                dir, "data.csv", List.of("arm", "employee_id", "row_id", "time_days", "status", "weight"), csv);
        r = RReference.run(dir, """
                suppressMessages(library(survival))
                d <- read.csv("data.csv", stringsAsFactors = FALSE)
                H <- c(7.5, 15, 20)
                out <- function(k, v) cat(sprintf("%s,%.17g\\n", k, v))
                slot <- function(f, h) max(which(f$time <= h))
                kmI <- list(); ajI <- list()
                for (a in c("mentee", "comparison")) {
                  x <- d[d$arm == a, ]
                  f <- survfit(Surv(time_days, status > 0) ~ 1, data = x, weights = weight, id = employee_id,
                               robust = TRUE, influence = TRUE)
                  s <- summary(f, times = H)
                  kmI[[a]] <- f$influence.surv
                  for (j in seq_along(H)) {
                    out(paste("km", a, j, "surv", sep = ":"), s$surv[j])
                    out(paste("km", a, j, "se", sep = ":"), s$std.err[j])
                  }
                  # Aalen-Johansen: one id per row (survfit's multi-state check wants one path per id and
                  # ignores cluster=), so R's own std.err is the unclustered IJ; the clustered one sums
                  # R's per-row influence (the derivative dF/dw) times the weight per person.
                  x$row <- seq_len(nrow(x))
                  g <- survfit(Surv(time_days, factor(status, 0:2)) ~ 1, data = x, weights = weight, id = row,
                               influence = TRUE)
                  sg <- summary(g, times = H)
                  st <- match("1", g$states)
                  ajI[[a]] <- list()
                  for (j in seq_along(H)) {
                    I <- g$influence.pstate[, slot(g, H[j]) + 1, st]
                    stopifnot(abs(sqrt(sum((x$weight * I)^2)) - sg$std.err[j, st]) < 1e-12)
                    byPerson <- rowsum(x$weight * I, x$employee_id)
                    ajI[[a]][[j]] <- byPerson
                    out(paste("aj", a, j, "cif", sep = ":"), sg$pstate[j, st])
                    out(paste("aj", a, j, "se_row", sep = ":"), sg$std.err[j, st])
                    out(paste("aj", a, j, "se", sep = ":"), sqrt(sum(byPerson^2)))
                  }
                }
                # The difference mentee - comparison: per-person influences, 0 for someone absent from an arm.
                people <- unique(d$employee_id)
                pick <- function(v, names) { z <- setNames(rep(0, length(people)), people); z[names] <- v; z }
                for (j in seq_along(H)) {
                  um <- pick(kmI$mentee[, slot(survfit(Surv(time_days, status > 0) ~ 1, data = d[d$arm == "mentee", ]), H[j])],
                             rownames(kmI$mentee))
                  uc <- pick(kmI$comparison[, slot(survfit(Surv(time_days, status > 0) ~ 1, data = d[d$arm == "comparison", ]), H[j])],
                             rownames(kmI$comparison))
                  out(paste("kmdiff", j, sep = ":"), sqrt(sum((um - uc)^2)))
                  am <- pick(ajI$mentee[[j]][, 1], rownames(ajI$mentee[[j]]))
                  ac <- pick(ajI$comparison[[j]][, 1], rownames(ajI$comparison[[j]]))
                  out(paste("ajdiff", j, sep = ":"), sqrt(sum((am - ac)^2)))
                }
                """);
    }

    private static Row row(String arm, int person, int rowId, int days, int status, double weight) {
        return RowFactory.create(arm, String.format("p%02d", person), "r" + rowId, (double) days, status, weight);
    }

    private static Dataset<Row> grid() {
        List<Row> g = new ArrayList<>();
        for (String arm : List.of("mentee", "comparison")) {
            for (int j = 0; j < HORIZONS.length; j++) {
                g.add(RowFactory.create(arm, j + 1, HORIZONS[j]));
            }
        }
        return spark.createDataFrame(
                g,
                new StructType()
                        .add("arm", DataTypes.StringType)
                        .add("h", DataTypes.IntegerType)
                        .add("_horizon_days", DataTypes.DoubleType));
    }

    @Test
    void theDataSetHasWhatMakesTheVarianceHard() {
        Set<String> mentees = new HashSet<>();
        Set<String> both = new HashSet<>();
        Map<String, Integer> comparisonRows = new java.util.HashMap<>();
        for (Row x : rows) {
            if (x.getString(0).equals("mentee")) {
                mentees.add(x.getString(1));
            } else {
                comparisonRows.merge(x.getString(1), 1, Integer::sum);
            }
        }
        for (String p : comparisonRows.keySet()) {
            if (mentees.contains(p)) {
                both.add(p);
            }
        }
        assertTrue(both.size() >= 5, "people in both arms: " + both);
        assertTrue(comparisonRows.values().stream().anyMatch(c -> c >= 3), "someone in three cells");
    }

    @Test
    void survivalAndClusteredStdErrEqualRs() {
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
        Dataset<Row> infl =
                RobustVariance.influence(df, List.of("arm"), "status", grid(), RobustVariance.Estimand.SURVIVAL);
        List<Row> se = RobustVariance.stdErr(infl, List.of("arm", "h")).collectAsList();
        assertEquals(6, se.size());
        for (Row x : se) {
            String k = "km:" + x.getAs("arm") + ":" + x.getAs("h");
            assertEquals(r.get(k + ":surv"), (double) x.getAs("estimate"), 1e-9, k);
            assertEquals(r.get(k + ":se"), (double) x.getAs("std_err"), 1e-9, k);
        }
        List<Row> diff = RobustVariance.differenceStdErr(infl, List.of("h"), "arm", "comparison")
                .collectAsList();
        assertEquals(3, diff.size());
        for (Row x : diff) {
            assertEquals("mentee", x.getAs("arm"));
            assertEquals(r.get("kmdiff:" + x.getAs("h")), (double) x.getAs("difference_std_err"), 1e-9);
        }
    }

    /** The curve's form (no rows × grid points product) gives R's survival and clustered std.err too. */
    @Test
    void survivalStdErrWithoutTheRowsByGridProductEqualsRs() {
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
        List<Row> se = RobustVariance.survivalStdErr(df, List.of("arm"), "status", grid())
                .collectAsList();
        assertEquals(6, se.size());
        for (Row x : se) {
            String k = "km:" + x.getAs("arm") + ":" + x.getAs("h");
            assertEquals(r.get(k + ":surv"), (double) x.getAs("estimate"), 1e-9, k);
            assertEquals(r.get(k + ":se"), (double) x.getAs("std_err"), 1e-9, k);
        }
    }

    /**
     * On every day from before the first time to the last (ties, people with up to four rows ending
     * on the same and on different days, a group whose survival reaches 0), the curve's form equals
     * the per-person influence sums to 1e-12, and is null exactly where they are.
     */
    @Test
    void survivalStdErrEqualsThePerPersonInfluenceSumsAtEveryDay() {
        Random rnd = new Random(7L);
        List<Row> many = new ArrayList<>();
        int n = 0;
        for (String arm : List.of("mentee", "comparison")) {
            for (int p = 1; p <= 60; p++) {
                int cells = 1 + rnd.nextInt(4);
                for (int c = 0; c < cells; c++) {
                    many.add(row(
                            arm, p, ++n, 1 + rnd.nextInt(40), rnd.nextInt(2), WEIGHTS[rnd.nextInt(WEIGHTS.length)]));
                }
            }
        }
        // A group where everyone leaves: its survival reaches 0 on its last day, a grid point, and has
        // no variance there. Grid points fall on the event days, so T ≤ H ties are exercised.
        for (int p = 1; p <= 4; p++) {
            many.add(row("all-leave", p, ++n, 3 * p, 1, 1.0));
        }
        List<Row> g = new ArrayList<>();
        for (String arm : List.of("mentee", "comparison", "all-leave")) {
            for (int day = 0; day <= 41; day++) {
                g.add(RowFactory.create(arm, day, (double) day));
            }
        }
        Dataset<Row> daily = spark.createDataFrame(
                g,
                new StructType()
                        .add("arm", DataTypes.StringType)
                        .add("h", DataTypes.IntegerType)
                        .add("_horizon_days", DataTypes.DoubleType));
        Dataset<Row> df = spark.createDataFrame(many, SCHEMA);
        Map<String, Row> expected = new java.util.HashMap<>();
        RobustVariance.stdErr(
                        RobustVariance.influence(df, List.of("arm"), "status", daily, RobustVariance.Estimand.SURVIVAL),
                        List.of("arm", "h"))
                .collectAsList()
                .forEach(x -> expected.put(x.getAs("arm") + ":" + x.getAs("h"), x));
        List<Row> got = RobustVariance.survivalStdErr(df, List.of("arm"), "status", daily)
                .collectAsList();
        assertEquals(expected.size(), got.size());
        int nulls = 0;
        for (Row x : got) {
            String k = x.getAs("arm") + ":" + x.getAs("h");
            Row e = expected.get(k);
            assertEquals((double) e.getAs("estimate"), (double) x.getAs("estimate"), 0.0, k);
            if (e.isNullAt(e.fieldIndex("std_err"))) {
                assertTrue(x.isNullAt(x.fieldIndex("std_err")), k);
                nulls++;
            } else {
                double want = e.getAs("std_err");
                assertEquals(want, (double) x.getAs("std_err"), 1e-12 * Math.max(want, 1e-3), k);
            }
        }
        assertTrue(nulls > 0, "the all-leave group reaches 0");
    }

    @Test
    void aalenJohansenAndClusteredStdErrEqualRs() {
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
        Dataset<Row> infl = RobustVariance.influence(
                df, List.of("arm"), "status", grid(), RobustVariance.Estimand.CUMULATIVE_INCIDENCE);
        for (Row x : RobustVariance.stdErr(infl, List.of("arm", "h")).collectAsList()) {
            String k = "aj:" + x.getAs("arm") + ":" + x.getAs("h");
            assertEquals(r.get(k + ":cif"), (double) x.getAs("estimate"), 1e-9, k);
            assertEquals(r.get(k + ":se"), (double) x.getAs("std_err"), 1e-9, k);
        }
        // One cluster per row gives R's own reported std.err.
        Dataset<Row> perRow = df.withColumn("employee_id", col("row_id"));
        Dataset<Row> rowInfl = RobustVariance.influence(
                perRow, List.of("arm"), "status", grid(), RobustVariance.Estimand.CUMULATIVE_INCIDENCE);
        for (Row x : RobustVariance.stdErr(rowInfl, List.of("arm", "h")).collectAsList()) {
            String k = "aj:" + x.getAs("arm") + ":" + x.getAs("h");
            assertEquals(r.get(k + ":se_row"), (double) x.getAs("std_err"), 1e-9, k);
        }
        for (Row x : RobustVariance.differenceStdErr(infl, List.of("h"), "arm", "comparison")
                .collectAsList()) {
            assertEquals(r.get("ajdiff:" + x.getAs("h")), (double) x.getAs("difference_std_err"), 1e-9);
        }
    }

    @Test
    void clusteringOnThePersonChangesTheStdErr() {
        // Guard against a test that cannot fail: treating rows as independent gives another figure.
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).withColumn("employee_id", concat(col("row_id"), lit("")));
        Dataset<Row> infl =
                RobustVariance.influence(df, List.of("arm"), "status", grid(), RobustVariance.Estimand.SURVIVAL);
        for (Row x : RobustVariance.stdErr(infl, List.of("arm", "h"))
                .filter(col("arm").equalTo("comparison"))
                .collectAsList()) {
            String k = "km:comparison:" + x.getAs("h") + ":se";
            assertFalse(Math.abs(r.get(k) - (double) x.getAs("std_err")) < 1e-6, k);
        }
    }
}
