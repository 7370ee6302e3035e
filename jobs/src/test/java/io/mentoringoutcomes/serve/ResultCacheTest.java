package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /** What serve's parser does with a client statement: the remembered answer, else analyse and answer. */
    static LogicalPlan ask(SparkSession session, String sql) {
        ResultCache.Key key = ResultCache.key(session, sql);
        LogicalPlan remembered = ResultCache.remembered(key);
        return remembered != null ? remembered : ResultCache.answer(session, key, analysed(session, sql));
    }

    @Test
    void anAnswerIsReusedForTheSameTextAndSettingsOnlyUntilANewNight() {
        SparkSession session = spark.newSession();
        // A timestamp literal shown in the session's time zone: the answer depends on a setting.
        String sql = "SELECT date_format(TIMESTAMP '2026-01-01 00:00:00 UTC', 'HH') AS hour, id FROM range(2)";
        session.conf().set("spark.sql.session.timeZone", "UTC");
        long hits = ResultCache.hits();
        long misses = ResultCache.misses();
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)), "nothing remembered before it ran");
        LogicalPlan first = ask(session, sql);
        LogicalPlan second = ask(session, sql);
        assertEquals(misses + 1, ResultCache.misses());
        assertEquals(hits + 1, ResultCache.hits());
        assertInstanceOf(LocalRelation.class, second);
        List<Row> utc = List.of(RowFactory.create("00", 0L), RowFactory.create("00", 1L));
        assertEquals(utc, rows(session, first));
        assertEquals(utc, rows(session, second));
        // The same text with a space more is another statement: not answered before it is checked.
        assertNull(ResultCache.remembered(ResultCache.key(session, sql + " ")));
        // New York is five hours behind UTC on 1 January: another setting, another answer.
        session.conf().set("spark.sql.session.timeZone", "America/New_York");
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)));
        LogicalPlan newYork = ask(session, sql);
        assertEquals(misses + 2, ResultCache.misses());
        assertEquals(List.of(RowFactory.create("19", 0L), RowFactory.create("19", 1L)), rows(session, newYork));
        // Another current database: another key, even for a statement that reads no table.
        session.conf().set("spark.sql.session.timeZone", "UTC");
        session.sql("CREATE DATABASE IF NOT EXISTS result_cache_other");
        session.catalog().setCurrentDatabase("result_cache_other");
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)));
        session.catalog().setCurrentDatabase("default");
        assertEquals(utc, rows(session, ResultCache.remembered(ResultCache.key(session, sql))));
        // A new night is served: nothing remembered is answered any more.
        ResultCache.Key beforeTheNight = ResultCache.key(session, sql);
        ResultCache.clear();
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)));
        // An answer computed under the old night's key (analysed before the swap) is not stored after it.
        ResultCache.answer(session, beforeTheNight, analysed(session, sql));
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)));
        ask(session, sql);
        assertEquals(misses + 4, ResultCache.misses());
        assertEquals(hits + 2, ResultCache.hits());
        assertNotNull(ResultCache.remembered(ResultCache.key(session, sql)));
    }

    /** Clients sending the same statement at once: one runs it, the others are given its answer. */
    @Test
    void concurrentAsksOfTheSameStatementRunItOnce() throws Exception {
        SparkSession session = spark.newSession();
        String sql = "SELECT id % 3 AS k, count(*) AS n FROM range(300) GROUP BY id % 3 ORDER BY k";
        long misses = ResultCache.misses();
        int clients = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<List<Row>>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < clients; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return rows(session, ask(session, sql));
                }));
            }
            go.countDown();
            List<Row> expected =
                    List.of(RowFactory.create(0L, 100L), RowFactory.create(1L, 100L), RowFactory.create(2L, 100L));
            for (var answer : answers) {
                assertEquals(expected, answer.get(120, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        // Run once; the others waited for it, or found it remembered (a slow starter may come after).
        assertEquals(misses + 1, ResultCache.misses());
    }

    /** More rows than an answer may hold: returned as it is, not remembered, and not taken whole onto the driver. */
    @Test
    void aResultLargerThanAnAnswerMayHoldIsNotRemembered() {
        SparkSession session = spark.newSession();
        String sql = "SELECT id FROM range(" + (ResultCache.MAX_ROWS_PER_ANSWER + 5) + ")";
        long hits = ResultCache.hits();
        LogicalPlan plan = analysed(session, sql);
        assertSame(plan, ResultCache.answer(session, ResultCache.key(session, sql), plan));
        assertSame(
                plan,
                ResultCache.answer(session, ResultCache.key(session, sql), plan),
                "the second ask is not a hit either");
        assertNull(ResultCache.remembered(ResultCache.key(session, sql)));
        assertEquals(hits, ResultCache.hits());
        String fits = "SELECT id FROM range(" + ResultCache.MAX_ROWS_PER_ANSWER + ")";
        assertInstanceOf(
                LocalRelation.class,
                ResultCache.answer(session, ResultCache.key(session, fits), analysed(session, fits)));
    }

    @Test
    void aPlanThatMayNotBeRememberedIsReturnedAsItIs() {
        String sql = "SELECT roi FROM " + wh.pathIdentifier("gold.program_roi") + " WHERE program_id = 'ALL'";
        LogicalPlan plan = analysed(spark, sql);
        assertSame(plan, ResultCache.answer(spark, ResultCache.key(spark, sql), plan));
        assertNull(ResultCache.remembered(ResultCache.key(spark, sql)), "not remembered: asked again, it is checked");
        assertEquals(List.of(RowFactory.create(1.5)), rows(spark, plan));
    }
}
