package io.mentoringoutcomes.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.mentoringoutcomes.SparkTestBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class KaplanMeierTest extends SparkTestBase {

    private static final StructType SCHEMA = new StructType()
            .add("arm", DataTypes.StringType)
            .add("time_days", DataTypes.DoubleType)
            .add("event", DataTypes.IntegerType)
            .add("weight", DataTypes.DoubleType);

    /** Freireich et al. (1963) 6-MP arm, remission weeks; negative = censored (the "+" times). */
    private static final int[] SIX_MP = {
        6, 6, 6, -6, 7, -9, 10, -10, -11, 13, 16, -17, -19, -20, 22, 23, -25, -32, -32, -34, -35
    };

    private static Dataset<Row> frame(List<Row> rows) {
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static List<Row> sixMp() {
        List<Row> rows = new ArrayList<>();
        for (int t : SIX_MP) {
            rows.add(RowFactory.create("6-MP", Math.abs(t) * 7.0, t > 0 ? 1 : 0, 1.0));
        }
        return rows;
    }

    private static Map<Double, Row> byTime(Dataset<Row> curve) {
        Map<Double, Row> out = new HashMap<>();
        for (Row r : curve.collectAsList()) {
            out.put(r.getDouble(r.fieldIndex("time_days")), r);
        }
        return out;
    }

    private static double d(Row r, String c) {
        return r.getDouble(r.fieldIndex(c));
    }

    @Test
    void freireichSixMpMatchesPublishedKaplanMeierAndRLogLogInterval() {
        Map<Double, Row> curve = byTime(KaplanMeier.curve(frame(sixMp()), List.of("arm")));

        // Published KM values (e.g. Kalbfleisch & Prentice; R survfit on the gehan/leukemia data).
        Row w6 = curve.get(42.0);
        assertEquals(0.8571, d(w6, "survival"), 5e-5);
        assertEquals(21.0, d(w6, "n_at_risk"), 1e-9);
        assertEquals(3.0, d(w6, "n_events"), 1e-9);
        assertEquals(1.0, d(w6, "n_censored"), 1e-9);
        assertEquals(0.6197, d(w6, "ci_low"), 5e-5);
        assertEquals(0.9516, d(w6, "ci_high"), 5e-5);
        assertEquals(0.6902, d(curve.get(91.0), "survival"), 5e-5);
        assertEquals(0.5378, d(curve.get(154.0), "survival"), 5e-5);
        assertEquals(0.4482, d(curve.get(161.0), "survival"), 5e-5);

        // 13 weeks by hand: risk sets 21, 17, 15, 12 with 3, 1, 1, 1 events.
        // S = 18/21 * 16/17 * 14/15 * 11/12 = 0.690196
        // Greenwood on log S: 3/(21*18) + 1/(17*16) + 1/(15*14) + 1/(12*11) = 0.0239507, se = 0.154760
        // (R prints std.err of S = 0.690196 * 0.154760 = 0.1068.)
        // log-log: S^exp(-/+ 1.959964 * 0.154760 / log 0.690196) = 0.4316 .. 0.8491
        double s13 = 18.0 / 21 * 16.0 / 17 * 14.0 / 15 * 11.0 / 12;
        double se13 = Math.sqrt(3.0 / (21 * 18) + 1.0 / (17 * 16) + 1.0 / (15 * 14) + 1.0 / (12 * 11));
        double z = 1.959963984540054;
        Row w13 = curve.get(91.0);
        assertEquals(se13, d(w13, "std_err"), 1e-9);
        assertEquals(Math.pow(s13, Math.exp(-z * se13 / Math.log(s13))), d(w13, "ci_low"), 1e-9);
        assertEquals(Math.pow(s13, Math.exp(z * se13 / Math.log(s13))), d(w13, "ci_high"), 1e-9);
        assertEquals(0.4316, d(w13, "ci_low"), 5e-5);
        assertEquals(0.8491, d(w13, "ci_high"), 5e-5);
        assertEquals(12L, w13.getLong(w13.fieldIndex("n_subjects_at_risk")));
    }

    @Test
    void integerWeightsGiveTheCurveOfReplicatedRows() {
        // Two subjects weighted 2 and 3, against the same rows written out 2 and 3 times.
        List<Row> weighted = List.of(
                RowFactory.create("a", 10.0, 1, 2.0),
                RowFactory.create("a", 20.0, 0, 3.0),
                RowFactory.create("a", 30.0, 1, 1.0),
                RowFactory.create("a", 40.0, 1, 2.0),
                RowFactory.create("a", 50.0, 0, 1.0));
        List<Row> replicated = new ArrayList<>();
        for (Row r : weighted) {
            for (int i = 0; i < (int) r.getDouble(3); i++) {
                replicated.add(RowFactory.create("a", r.getDouble(1), r.getInt(2), 1.0));
            }
        }
        Map<Double, Row> w = byTime(KaplanMeier.curve(frame(weighted), List.of("arm")));
        Map<Double, Row> rep = byTime(KaplanMeier.curve(frame(replicated), List.of("arm")));
        for (double t : new double[] {10, 20, 30, 40, 50}) {
            for (String c : List.of("n_at_risk", "n_events", "survival", "ci_low", "ci_high")) {
                Row a = w.get(t);
                Row b = rep.get(t);
                if (b.isNullAt(b.fieldIndex(c))) {
                    assertNull(a.get(a.fieldIndex(c)), c + " at " + t);
                } else {
                    assertEquals(d(b, c), d(a, c), 1e-12, c + " at " + t);
                }
            }
        }
        // By hand: n = 9 at t=10, 2 events -> 7/9; t=30: n = 4, 1 event -> 7/9*3/4; t=40: 3 at risk, 2 die.
        assertEquals(7.0 / 9 * 3.0 / 4 * 1.0 / 3, d(w.get(40.0), "survival"), 1e-12);
    }

    @Test
    void stepFunctionAtMonthHorizons() {
        List<Row> rows = List.of(
                RowFactory.create("a", 100.0, 1, 1.0), // ~3.3 months
                RowFactory.create("a", 200.0, 0, 1.0),
                RowFactory.create("a", 300.0, 1, 1.0), // ~9.9 months
                RowFactory.create("a", 400.0, 0, 1.0)); // last follow-up ~13.1 months
        Dataset<Row> curve = KaplanMeier.curve(frame(rows), List.of("arm"));
        Map<Integer, Row> at = new HashMap<>();
        for (Row r : KaplanMeier.at(curve, List.of("arm"), List.of(1, 6, 12, 24))
                .orderBy(col("horizon_months"))
                .collectAsList()) {
            at.put(r.getInt(r.fieldIndex("horizon_months")), r);
        }
        assertEquals(1.0, d(at.get(1), "survival"), 1e-12); // before any event
        assertEquals(0.0, d(at.get(1), "std_err"), 1e-12);
        assertEquals(0.75, d(at.get(6), "survival"), 1e-12); // 3/4
        assertEquals(0.75 * 0.5, d(at.get(12), "survival"), 1e-12); // 2 at risk at day 300, one event
        assertNull(at.get(24).get(at.get(24).fieldIndex("survival"))); // beyond follow-up: not estimable
    }
}
