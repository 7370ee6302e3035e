package io.mentoringoutcomes.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.spark.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allow-list on real parsed and analysed plans, in this JVM (no server): the hostile corpus is
 * refused before anything runs, the reads and metadata commands BI tools issue pass, and what
 * passes answers as Spark would.
 */
class PlanAllowListTest extends SparkTestBase {

    /** A database of its own, so the shared session's gold tables of other test classes stay as they are. */
    static final String DB = "guard_gold";

    static final List<String> VIEWS = List.of(DB + ".program_roi", DB + ".program_costs");

    @TempDir
    static Path dir;

    static Warehouse wh;
    static ServedTables served;

    @BeforeAll
    static void plant() {
        wh = new Warehouse(spark, dir.resolve("warehouse").toString());
        wh.overwrite(
                "gold.program_roi",
                spark.createDataFrame(
                        List.of(
                                RowFactory.create("ALL", 12, 1.5, false),
                                RowFactory.create("P-LEAD", 12, -0.25, false),
                                RowFactory.create("P-TINY", 12, null, true)),
                        StructType.fromDDL("program_id STRING, horizon_months INT, roi DOUBLE, suppressed BOOLEAN")));
        wh.overwrite(
                "gold.program_costs",
                spark.createDataFrame(
                        List.of(RowFactory.create("ALL", 1000.0), RowFactory.create("P-LEAD", 400.0)),
                        StructType.fromDDL("program_id STRING, total_cost DOUBLE")));
        wh.overwrite(
                "silver.employees",
                spark.createDataFrame(
                        List.of(RowFactory.create("E1", 81000.0)),
                        StructType.fromDDL("employee_id STRING, salary DOUBLE")));
        spark.sql("CREATE DATABASE IF NOT EXISTS " + DB);
        for (String table : List.of("gold.program_roi", "gold.program_costs")) {
            spark.sql("CREATE OR REPLACE VIEW " + DB + "." + table.substring(5) + " AS SELECT * FROM "
                    + wh.pathIdentifier(table));
        }
        spark.udf().register("my_udf", (UDF1<Integer, Integer>) x -> x + 1, DataTypes.IntegerType);
        served = ServedTables.of(
                List.of(wh.path("gold.program_roi"), wh.path("gold.program_costs")), List.of("default", DB), Map.of());
    }

    static LogicalPlan admit(String sql) {
        try {
            return ReadOnlyGuard.admit(spark, spark.sessionState().sqlParser().parsePlan(sql), served);
        } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
            throw new AssertionError("does not parse: " + sql, e);
        }
    }

    static String refusal(String sql) {
        return assertThrows(UnsupportedOperationException.class, () -> admit(sql), sql)
                .getMessage();
    }

    /**
     * {@code line} with each {@code ${NAME}} replaced by its value, escaped for where it stands: inside
     * a '...' or "..." literal its quote is backslash-escaped, inside a `...` identifier a backtick is
     * doubled, so a warehouse under a folder named {@code it's} still gives the statement meant.
     */
    static String fill(String line, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '{') {
                int end = line.indexOf('}', i);
                String value = values.get(line.substring(i + 2, end));
                if (value == null) {
                    throw new IllegalStateException("unknown placeholder in " + line);
                }
                out.append(
                        quote == '`'
                                ? value.replace("`", "``")
                                : quote != 0
                                        ? value.replace("\\", "\\\\").replace(String.valueOf(quote), "\\" + quote)
                                        : value);
                i = end;
                continue;
            }
            if (quote == 0 && (c == '\'' || c == '`' || c == '"')) {
                quote = c;
            } else if (c == quote) {
                quote = 0;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The corpus's statements with its placeholders filled in, a ${VIEW} line once per view. */
    static List<String> hostileCorpus(Map<String, String> values, List<String> views) throws IOException {
        List<String> statements = new ArrayList<>();
        try (InputStream in = PlanAllowListTest.class.getResourceAsStream("/hostile-sql.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                for (String view : line.contains("${VIEW}") ? views : List.of("")) {
                    Map<String, String> all = new java.util.HashMap<>(values);
                    all.put("VIEW", view);
                    statements.add(fill(line.strip(), all));
                }
            }
        }
        return statements;
    }

    @Test
    void everyHostileStatementIsRefusedWithTheOneLineMessage() throws IOException {
        Path marker = dir.resolve("marker");
        Map<String, String> values = new LinkedHashMap<>();
        values.put("GOLD_PATH", wh.path("gold.program_roi"));
        values.put("SILVER_PATH", wh.path("silver.employees"));
        values.put("MARKER", marker.toString());
        values.put("DIR", dir.toString());
        long roiVersion = wh.version("gold.program_roi");
        long costsVersion = wh.version("gold.program_costs");
        List<String> corpus = hostileCorpus(values, VIEWS);
        assertTrue(corpus.size() > 120, "the corpus is read: " + corpus.size());
        List<String> passed = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (String sql : corpus) {
            try {
                admit(sql);
                passed.add(sql);
            } catch (AssertionError | RuntimeException e) {
                if (!(e instanceof UnsupportedOperationException)) {
                    wrong.add(sql + " -> " + e.getMessage());
                    continue;
                }
                UnsupportedOperationException refused = (UnsupportedOperationException) e;
                assertTrue(refused.getMessage().startsWith(ReadOnlyGuard.REFUSED), sql + " -> " + refused.getMessage());
                assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
            }
        }
        assertEquals(List.of(), passed, "hostile statements the guard let through");
        assertEquals(List.of(), wrong, "hostile statements failing otherwise than by the guard's refusal");
        assertFalse(Files.exists(marker), "nothing wrote the marker");
        assertEquals(roiVersion, wh.version("gold.program_roi"));
        assertEquals(costsVersion, wh.version("gold.program_costs"));
    }

    @Test
    void refusalsNameWhatIsNotAllowed() {
        String silver = wh.pathIdentifier("silver.employees");
        assertTrue(refusal("SELECT TRANSFORM(1) USING 'id' AS (x)").contains("TRANSFORM ... USING"));
        assertTrue(refusal("SELECT * FROM " + silver).contains("something other than the served views"));
        // In the catalog, but not in a served database: refused by name, before the catalog is asked.
        assertTrue(refusal("SELECT * FROM silver.employees")
                .endsWith("something other than the served views (silver.employees)"));
        assertTrue(
                refusal("SELECT reflect('java.lang.System', 'getenv', 'HOME')").endsWith("the function reflect"));
        assertTrue(refusal("SELECT my_udf(1)").endsWith("the function my_udf"));
        assertTrue(refusal("SELECT input_file_name() FROM " + VIEWS.get(0)).endsWith("the function input_file_name"));
        assertTrue(
                refusal("SELECT _metadata.file_path FROM " + VIEWS.get(0)).contains("_metadata"),
                refusal("SELECT _metadata.file_path FROM " + VIEWS.get(0)));
        assertTrue(refusal("ADD JAR /tmp/x.jar").endsWith("AddJarsCommand"));
        assertTrue(
                refusal("CREATE TEMPORARY FUNCTION f AS 'x.Y'").endsWith("CreateFunctionCommand"),
                refusal("CREATE TEMPORARY FUNCTION f AS 'x.Y'"));
        assertTrue(refusal("SET fs.file.impl=x").contains("changing the setting fs.file.impl"));
        assertTrue(refusal("SELECT * FROM table_changes('" + VIEWS.get(0) + "', 0)")
                .endsWith("the table function table_changes"));
    }

    /** What a BI tool or a JDBC client sends: reads of the views with built-in functions, and metadata commands. */
    static final List<String> ALLOWED = List.of(
            "SELECT 1",
            "SELECT * FROM guard_gold.program_roi",
            "SELECT * FROM spark_catalog.guard_gold.program_roi",
            "SELECT program_id, roi FROM guard_gold.program_roi WHERE NOT suppressed ORDER BY roi DESC LIMIT 2 OFFSET 0",
            "SELECT r.program_id, r.roi, c.total_cost FROM guard_gold.program_roi r JOIN guard_gold.program_costs c "
                    + "ON r.program_id = c.program_id",
            "SELECT r.program_id FROM guard_gold.program_roi r LEFT ANTI JOIN guard_gold.program_costs c USING (program_id)",
            "SELECT horizon_months, count(*) AS n, avg(roi), min(roi), max(roi), sum(roi), stddev(roi), "
                    + "percentile_approx(roi, 0.5), approx_count_distinct(program_id), count(DISTINCT program_id), "
                    + "collect_list(program_id), max_by(program_id, roi) FROM guard_gold.program_roi GROUP BY horizon_months "
                    + "HAVING count(*) > 0",
            "SELECT program_id, row_number() OVER (ORDER BY roi), lag(roi) OVER (ORDER BY roi), "
                    + "sum(roi) OVER (PARTITION BY horizon_months ORDER BY roi ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), "
                    + "rank() OVER w, ntile(2) OVER w FROM guard_gold.program_roi WINDOW w AS (ORDER BY roi)",
            "WITH best AS (SELECT * FROM guard_gold.program_roi WHERE roi > 0) SELECT count(*) FROM best",
            "SELECT * FROM guard_gold.program_roi WHERE program_id IN (SELECT program_id FROM guard_gold.program_costs)",
            "SELECT (SELECT max(roi) FROM guard_gold.program_roi) AS best, "
                    + "EXISTS (SELECT 1 FROM guard_gold.program_costs WHERE total_cost > 500) AS big",
            "SELECT program_id FROM guard_gold.program_roi UNION SELECT program_id FROM guard_gold.program_costs",
            "SELECT program_id FROM guard_gold.program_roi INTERSECT SELECT program_id FROM guard_gold.program_costs",
            "SELECT program_id FROM guard_gold.program_roi EXCEPT ALL SELECT program_id FROM guard_gold.program_costs",
            "SELECT DISTINCT horizon_months FROM guard_gold.program_roi",
            "SELECT horizon_months, suppressed, count(*) FROM guard_gold.program_roi GROUP BY ROLLUP(horizon_months, suppressed)",
            "SELECT horizon_months, suppressed, grouping_id(), count(*) FROM guard_gold.program_roi "
                    + "GROUP BY CUBE(horizon_months, suppressed)",
            "SELECT CASE WHEN roi > 0 THEN 'gain' ELSE 'loss' END, coalesce(roi, 0), CAST(roi AS DECIMAL(10, 2)), "
                    + "round(roi, 1), nvl(roi, 0), if(suppressed, 'x', 'y'), concat(program_id, '-', horizon_months), "
                    + "upper(program_id), substring(program_id, 1, 3), length(program_id), "
                    + "regexp_replace(program_id, 'P-', ''), roi BETWEEN 0 AND 2, program_id LIKE 'P%', -roi, roi / 2 "
                    + "FROM guard_gold.program_roi",
            "SELECT current_date(), date_trunc('MONTH', current_timestamp()), date_add(current_date(), 7), "
                    + "datediff(current_date(), DATE'2026-01-01'), current_date() + INTERVAL 1 DAY, "
                    + "current_timestamp() - INTERVAL 2 HOURS, year(current_date()), to_date('2026-11-29'), "
                    + "date_format(current_timestamp(), 'yyyy-MM'), add_months(current_date(), 1)",
            "SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(x, y)",
            "SELECT ceil(roi) FROM guard_gold.program_roi",
            "SELECT ceiling(roi) FROM guard_gold.program_roi",
            "SELECT floor(roi) FROM guard_gold.program_roi",
            "SELECT ceil(roi, 1) FROM guard_gold.program_roi",
            "SELECT floor(roi, 1) FROM guard_gold.program_roi",
            "SELECT contains(program_id, 'P') FROM guard_gold.program_roi",
            "SELECT startswith(program_id, 'P') FROM guard_gold.program_roi",
            "SELECT endswith(program_id, 'D') FROM guard_gold.program_roi",
            "SELECT lpad(program_id, 8, '*') FROM guard_gold.program_roi",
            "SELECT rpad(program_id, 8, '*') FROM guard_gold.program_roi",
            "SELECT date_part('YEAR', current_date()) FROM guard_gold.program_roi",
            "SELECT extract(MONTH FROM current_timestamp()) FROM guard_gold.program_roi",
            "SELECT curdate() FROM guard_gold.program_roi",
            "SELECT mask(program_id) FROM guard_gold.program_roi",
            "SELECT make_timestamp_ltz(2026, 11, 29, 4, 0, 0) FROM guard_gold.program_roi",
            "SELECT to_timestamp_ltz('2026-11-29') FROM guard_gold.program_roi",
            "SELECT to_timestamp_ntz('2026-11-29') FROM guard_gold.program_roi",
            "SELECT try_avg(roi) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT try_sum(roi) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT try_to_timestamp('2026-11-29') FROM guard_gold.program_roi",
            "SELECT count_min_sketch(program_id, 0.5d, 0.5d, 1) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT nullif(roi, 0) FROM guard_gold.program_roi",
            "SELECT decode(program_id, 'ALL', 1, 0) FROM guard_gold.program_roi",
            "SELECT program_id ILIKE 'p%' FROM guard_gold.program_roi",
            "SELECT program_id || '-' FROM guard_gold.program_roi",
            "SELECT current_date() - DATE'2026-01-01' FROM guard_gold.program_roi",
            "SELECT current_timestamp() + INTERVAL '1' DAY FROM guard_gold.program_roi",
            "SELECT TRY_CAST(program_id AS INT) FROM guard_gold.program_roi",
            "SELECT roi IS DISTINCT FROM 0 FROM guard_gold.program_roi",
            "SELECT program_id NOT IN ('A', 'B') FROM guard_gold.program_roi",
            "SELECT percentile(roi, 0.5) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY roi) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY roi) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT mode(roi) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT count(*) FILTER (WHERE roi > 0) FROM guard_gold.program_roi GROUP BY horizon_months",
            "SELECT first_value(roi) OVER (ORDER BY roi) FROM guard_gold.program_roi",
            "SELECT cume_dist() OVER (ORDER BY roi) FROM guard_gold.program_roi",
            "SELECT sum(roi) OVER (ORDER BY horizon_months RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM guard_gold.program_roi",
            "SELECT format_number(roi, 2) FROM guard_gold.program_roi",
            "SELECT trunc(current_date(), 'MM') FROM guard_gold.program_roi",
            "SELECT months_between(current_date(), DATE'2026-01-01') FROM guard_gold.program_roi",
            "SELECT last_day(current_date()) FROM guard_gold.program_roi",
            "SELECT weekofyear(current_date()) FROM guard_gold.program_roi",
            "SELECT dayofweek(current_date()) FROM guard_gold.program_roi",
            "SELECT quarter(current_date()) FROM guard_gold.program_roi",
            "SELECT unix_timestamp() FROM guard_gold.program_roi",
            "SELECT from_unixtime(0) FROM guard_gold.program_roi",
            "SELECT to_json(named_struct('a', roi)) FROM guard_gold.program_roi",
            "SELECT struct(roi).roi FROM guard_gold.program_roi",
            "SELECT array(roi)[0] FROM guard_gold.program_roi",
            "SELECT map('a', roi)['a'] FROM guard_gold.program_roi",
            "SELECT size(array(1)) FROM guard_gold.program_roi",
            "SELECT hash(program_id) FROM guard_gold.program_roi",
            "SELECT md5(program_id) FROM guard_gold.program_roi",
            "SELECT sha2(program_id, 256) FROM guard_gold.program_roi",
            "SELECT base64(program_id) FROM guard_gold.program_roi",
            "SELECT split(program_id, '-') FROM guard_gold.program_roi",
            "SELECT greatest(roi, 0) FROM guard_gold.program_roi",
            "SELECT abs(roi) FROM guard_gold.program_roi",
            "SELECT pow(roi, 2) FROM guard_gold.program_roi",
            "SELECT ln(2) FROM guard_gold.program_roi",
            "SELECT log10(10) FROM guard_gold.program_roi",
            "SELECT sqrt(4) FROM guard_gold.program_roi",
            "SELECT exp(1) FROM guard_gold.program_roi",
            "SELECT sign(roi) FROM guard_gold.program_roi",
            "SELECT bround(roi, 1) FROM guard_gold.program_roi",
            "SELECT instr(program_id, 'L') FROM guard_gold.program_roi",
            "SELECT locate('L', program_id) FROM guard_gold.program_roi",
            "SELECT initcap(program_id) FROM guard_gold.program_roi",
            "SELECT trim(program_id) FROM guard_gold.program_roi",
            "SELECT ltrim(program_id) FROM guard_gold.program_roi",
            "SELECT reverse(program_id) FROM guard_gold.program_roi",
            "SELECT repeat(program_id, 2) FROM guard_gold.program_roi",
            "SELECT translate(program_id, 'P', 'Q') FROM guard_gold.program_roi",
            "SELECT regexp_extract(program_id, 'P-(.*)', 1) FROM guard_gold.program_roi",
            "SELECT uuid() FROM guard_gold.program_roi",
            "SELECT rand() FROM guard_gold.program_roi",
            "SELECT monotonically_increasing_id() FROM guard_gold.program_roi",
            "SELECT spark_partition_id() FROM guard_gold.program_roi",
            "SELECT current_user() FROM guard_gold.program_roi",
            "SELECT version() FROM guard_gold.program_roi",
            "SELECT * FROM range(3)",
            "SELECT program_id, x FROM guard_gold.program_roi LATERAL VIEW explode(array(1, 2)) e AS x",
            "SELECT explode(array(1, 2))",
            "SELECT transform(array(1, 2), x -> x + 1)",
            "SELECT * FROM guard_gold.program_roi TABLESAMPLE (50 PERCENT)",
            "SELECT /*+ BROADCAST(c) */ r.roi FROM guard_gold.program_roi r JOIN guard_gold.program_costs c "
                    + "ON r.program_id = c.program_id",
            "SELECT * FROM guard_gold.program_roi PIVOT (max(roi) FOR program_id IN ('ALL', 'P-LEAD'))",
            "SHOW DATABASES",
            "SHOW SCHEMAS",
            "SHOW TABLES",
            "SHOW TABLES IN guard_gold",
            "SHOW TABLES FROM guard_gold LIKE 'program*'",
            "SHOW VIEWS IN guard_gold",
            "SHOW COLUMNS IN guard_gold.program_roi",
            "SHOW FUNCTIONS",
            "SHOW TBLPROPERTIES guard_gold.program_roi",
            "SHOW CREATE TABLE guard_gold.program_roi",
            "SHOW CURRENT NAMESPACE",
            "SHOW CATALOGS",
            "DESCRIBE guard_gold.program_roi",
            "DESCRIBE TABLE EXTENDED guard_gold.program_roi",
            "DESCRIBE guard_gold.program_roi roi",
            "DESCRIBE FUNCTION abs",
            "DESCRIBE DATABASE guard_gold",
            "USE guard_gold",
            "SET",
            "SET -v",
            "SET spark.sql.shuffle.partitions",
            "SET spark.sql.shuffle.partitions=3",
            "SET spark.sql.session.timeZone=UTC",
            "RESET",
            "RESET spark.sql.shuffle.partitions",
            "EXPLAIN SELECT * FROM guard_gold.program_roi",
            "EXPLAIN EXTENDED SELECT count(*) FROM guard_gold.program_roi");

    @Test
    void readsAndMetadataCommandsPass() {
        List<String> refused = new ArrayList<>();
        for (String sql : ALLOWED) {
            try {
                admit(sql);
            } catch (UnsupportedOperationException e) {
                refused.add(sql + " -> " + e.getMessage());
            }
        }
        assertEquals(List.of(), refused);
    }

    @Test
    void anAdmittedPlanAnswersAsHandWorked() {
        Dataset<Row> totals =
                Dataset.ofRows(spark, admit("SELECT count(*), sum(roi), avg(roi) FROM guard_gold.program_roi"));
        assertEquals(List.of(RowFactory.create(3L, 1.25, 0.625)), totals.collectAsList());
        Dataset<Row> joined = Dataset.ofRows(
                spark,
                admit("SELECT r.program_id, c.total_cost * r.roi FROM guard_gold.program_roi r "
                        + "JOIN guard_gold.program_costs c ON r.program_id = c.program_id ORDER BY r.program_id"));
        assertEquals(
                List.of(RowFactory.create("ALL", 1500.0), RowFactory.create("P-LEAD", -100.0)), joined.collectAsList());
        // transform() is the higher-order function here, not Hive's script transformation.
        assertEquals(
                List.of(2, 3),
                Dataset.ofRows(spark, admit("SELECT transform(array(1, 2), x -> x + 1)"))
                        .head()
                        .getList(0));
    }

    @Test
    void aCacheOfAServedTablePassesAndOfAnyOtherTableDoesNot() {
        Dataset<Row> gold = wh.read("gold.program_roi").cache();
        Dataset<Row> silver = wh.read("silver.employees").cache();
        try {
            gold.count();
            silver.count();
            LogicalPlan cachedGold = gold.queryExecution().withCachedData();
            LogicalPlan cachedSilver = silver.queryExecution().withCachedData();
            assertTrue(cachedGold.toString().contains("InMemoryRelation"), cachedGold.toString());
            assertEquals(java.util.Optional.empty(), PlanAllowList.refuseAnalysed(cachedGold, served));
            assertTrue(PlanAllowList.refuseAnalysed(cachedSilver, served)
                    .orElseThrow()
                    .contains("something other than the served views"));
        } finally {
            gold.unpersist();
            silver.unpersist();
        }
    }

    @Test
    void theCorpusCoversTheIssuesList() throws IOException {
        String corpus = String.join(
                "\n",
                hostileCorpus(Map.of("GOLD_PATH", "g", "SILVER_PATH", "s", "MARKER", "m", "DIR", "d"), List.of("v")));
        for (String required : List.of(
                "USING 'touch",
                "FROM v SELECT TRANSFORM",
                "USING JAR",
                "CREATE TEMPORARY FUNCTION",
                "ADD JAR",
                "ADD FILE",
                "ADD ARCHIVE",
                "LIST JAR",
                "text.`",
                "csv.`",
                "json.`",
                "parquet.`",
                "orc.`",
                "binaryFile.`",
                "delta.`s`",
                "input_file_name",
                "_metadata",
                "reflect(",
                "java_method(",
                "SET fs.",
                "SET spark.sql.catalog.",
                "CACHE TABLE",
                "REFRESH TABLE",
                "MSCK",
                "ANALYZE",
                "INSERT OVERWRITE DIRECTORY",
                "INSERT INTO v",
                "DELETE FROM v",
                "UPDATE v",
                "MERGE INTO v",
                "RESTORE",
                "VACUUM",
                "OPTIMIZE",
                "CLONE",
                "GENERATE",
                "CONVERT TO DELTA",
                "table_changes")) {
            if (!corpus.contains(required)) {
                fail("the hostile corpus lacks " + required);
            }
        }
    }
}
