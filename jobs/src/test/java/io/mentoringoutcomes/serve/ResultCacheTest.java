package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remembered answers of {@code serve}, on real Spark plans: which statements may be
 * remembered, and that an answer is reused only for the same text in the same settings, until a
 * new night is served. (Over the real endpoint: SqlEndpointSecurityTest.)
 */
class ResultCacheTest extends SparkTestBase {

    @TempDir
    static Path dir;

    static Warehouse wh;

    @BeforeAll
    static void plant() {
        wh = new Warehouse(spark, dir.resolve("warehouse").toString());
        wh.overwrite(
                "gold.program_roi",
                spark.createDataFrame(
                        List.of(RowFactory.create("ALL", 1.5), RowFactory.create("P-LEAD", -0.25)),
                        StructType.fromDDL("program_id STRING, roi DOUBLE")));
    }

    static LogicalPlan analysed(SparkSession session, String sql) {
        return session.sql(sql).queryExecution().analyzed();
    }

    static List<Row> rows(SparkSession session, LogicalPlan plan) {
        return Dataset.ofRows(session, plan).collectAsList();
    }

    @Test
    void onlyDeterministicReadsOfRowsInMemoryAreRemembered() {
        String values = "(VALUES ('ALL', 1.5), ('P-LEAD', -0.25)) AS t(program_id, roi)";
        assertTrue(
                ResultCache.cacheable(analysed(spark, "SELECT program_id, roi * 2 FROM " + values + " WHERE roi > 0")));
        assertTrue(ResultCache.cacheable(analysed(spark, "SELECT count(*), max(roi) FROM " + values)));
        assertTrue(ResultCache.cacheable(
                analysed(spark, "SELECT * FROM " + values + " WHERE roi = (SELECT max(id) FROM range(3))")));
        for (String notRemembered : List.of(
                "SELECT rand() FROM " + values,
                "SELECT current_timestamp(), program_id FROM " + values,
                "SELECT current_date()",
                "SELECT unix_timestamp()",
                "SELECT current_user()",
                "SELECT current_database()",
                "SELECT uuid()",
                "SELECT * FROM " + values + " WHERE roi < (SELECT rand())",
                // a table read from files: not the served night's rows held in memory
                "SELECT * FROM " + wh.pathIdentifier("gold.program_roi"),
                "SHOW DATABASES")) {
            assertFalse(ResultCache.cacheable(analysed(spark, notRemembered)), notRemembered);
        }
    }

    @Test
    void anAnswerIsReusedForTheSameTextAndSettingsOnlyUntilANewNight() {
        SparkSession session = spark.newSession();
        // A timestamp literal shown in the session's time zone: the answer depends on a setting.
        String sql = "SELECT date_format(TIMESTAMP '2026-01-01 00:00:00 UTC', 'HH') AS hour, id FROM range(2)";
        session.conf().set("spark.sql.session.timeZone", "UTC");
        long hits = ResultCache.hits();
        long misses = ResultCache.misses();
        LogicalPlan first = ResultCache.answer(session, sql, analysed(session, sql));
        LogicalPlan second = ResultCache.answer(session, sql, analysed(session, sql));
        assertEquals(misses + 1, ResultCache.misses());
        assertEquals(hits + 1, ResultCache.hits());
        assertInstanceOf(LocalRelation.class, second);
        List<Row> utc = List.of(RowFactory.create("00", 0L), RowFactory.create("00", 1L));
        assertEquals(utc, rows(session, first));
        assertEquals(utc, rows(session, second));
        // New York is five hours behind UTC on 1 January: another setting, another answer.
        session.conf().set("spark.sql.session.timeZone", "America/New_York");
        LogicalPlan newYork = ResultCache.answer(session, sql, analysed(session, sql));
        assertEquals(misses + 2, ResultCache.misses());
        assertEquals(List.of(RowFactory.create("19", 0L), RowFactory.create("19", 1L)), rows(session, newYork));
        // A new night is served: nothing remembered is answered any more.
        session.conf().set("spark.sql.session.timeZone", "UTC");
        ResultCache.clear();
        ResultCache.answer(session, sql, analysed(session, sql));
        assertEquals(misses + 3, ResultCache.misses());
        assertEquals(hits + 1, ResultCache.hits());
    }

    /** More rows than an answer may hold: returned as it is, not remembered, and not taken whole onto the driver. */
    @Test
    void aResultLargerThanAnAnswerMayHoldIsNotRemembered() {
        SparkSession session = spark.newSession();
        String sql = "SELECT id FROM range(" + (ResultCache.MAX_ROWS_PER_ANSWER + 5) + ")";
        long hits = ResultCache.hits();
        LogicalPlan plan = analysed(session, sql);
        assertSame(plan, ResultCache.answer(session, sql, plan));
        assertSame(plan, ResultCache.answer(session, sql, plan), "the second ask is not a hit either");
        assertEquals(hits, ResultCache.hits());
        String fits = "SELECT id FROM range(" + ResultCache.MAX_ROWS_PER_ANSWER + ")";
        assertInstanceOf(LocalRelation.class, ResultCache.answer(session, fits, analysed(session, fits)));
    }

    @Test
    void aPlanThatMayNotBeRememberedIsReturnedAsItIs() {
        String sql = "SELECT roi FROM " + wh.pathIdentifier("gold.program_roi") + " WHERE program_id = 'ALL'";
        LogicalPlan plan = analysed(spark, sql);
        assertSame(plan, ResultCache.answer(spark, sql, plan));
        assertEquals(List.of(RowFactory.create(1.5)), rows(spark, plan));
    }
}
