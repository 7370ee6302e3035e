package io.mentoringoutcomes.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Warehouses in folders whose names SQL and URIs treat specially, and table names from outside. */
class WarehousePathsTest extends SparkTestBase {

    private static final StructType ROWS = StructType.fromDDL("program_id STRING, roi DOUBLE");

    @TempDir
    Path dir;

    @Test
    void aLocalPathBecomesAnUnencodedFilePathNamingTheSameFolder() {
        Path odd = dir.resolve("with space/it's %20");
        // Hadoop reads "%20" literally, so the URI form (it's%20%2520) would name another folder.
        assertEquals("file:" + odd.toAbsolutePath(), Warehouse.toUri(odd.toString()));
        assertEquals("s3a://bucket/with space/wh", Warehouse.toUri("s3a://bucket/with space/wh"));
        assertEquals("file:/tmp/x", Warehouse.toUri("file:/tmp/x"));
    }

    @Test
    void tablesRegisterAndReadInAFolderWithASpaceAnApostropheAndPercentTwenty() {
        Path odd = dir.resolve("with space/it's %20/wh");
        Warehouse wh = new Warehouse(spark, odd.toString());
        wh.overwrite(
                "gold.program_roi",
                spark.createDataFrame(
                        List.of(RowFactory.create("ALL", 1.5), RowFactory.create("P-LEAD", -0.25)), ROWS));
        // The data is in the folder the user named, not in an escaped look-alike.
        assertTrue(Files.isDirectory(odd.resolve("gold/program_roi/_delta_log")));
        assertFalse(Files.exists(dir.resolve("with%20space")));

        assertEquals(
                2L, spark.sql("SELECT count(*) FROM gold.program_roi").first().getLong(0));
        assertEquals(
                -0.25,
                spark.sql("SELECT roi FROM " + wh.pathIdentifier("gold.program_roi") + " WHERE program_id = 'P-LEAD'")
                        .first()
                        .getDouble(0));

        // A second warehouse with a backtick in its path takes the name over.
        Warehouse other = new Warehouse(spark, dir.resolve("b`tick 'q'/wh").toString());
        other.overwrite("gold.program_roi", spark.createDataFrame(List.of(RowFactory.create("ALL", 9.0)), ROWS));
        assertEquals(9.0, spark.sql("SELECT roi FROM gold.program_roi").first().getDouble(0));
        assertEquals(
                9.0,
                spark.sql("SELECT roi FROM " + other.pathIdentifier("gold.program_roi"))
                        .first()
                        .getDouble(0));
        assertEquals(List.of("gold.program_roi"), wh.registerAll());
        assertEquals(
                2L, spark.sql("SELECT count(*) FROM gold.program_roi").first().getLong(0));
        wh.unregister("gold.program_roi");
        assertFalse(spark.catalog().tableExists("gold", "program_roi"));
    }

    @Test
    void queryAndExportThroughTheCliOnAWarehouseInAnOddlyNamedFolder() throws Exception {
        Path odd = dir.resolve("with space/it's %20/wh");
        new Warehouse(spark, odd.toString())
                .overwrite(
                        "gold.program_roi",
                        spark.createDataFrame(
                                List.of(RowFactory.create("ALL", 1.5), RowFactory.create("P-LEAD", -0.25)), ROWS));
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = System.out;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            exit = io.mentoringoutcomes.cli.Main.execute(
                    "query",
                    "--warehouse",
                    odd.toString(),
                    "--format",
                    "csv",
                    "SELECT program_id, roi FROM gold.program_roi ORDER BY program_id");
        } finally {
            System.setOut(out);
        }
        assertEquals(0, exit);
        assertEquals(
                List.of("program_id,roi", "ALL,1.5", "P-LEAD,-0.25"),
                captured.toString(java.nio.charset.StandardCharsets.UTF_8)
                        .lines()
                        .toList());

        Path exported = dir.resolve("export it's %20");
        assertEquals(
                0,
                io.mentoringoutcomes.cli.Main.execute(
                        "export", "--warehouse", odd.toString(), "--out", exported.toString()));
        List<String> lines = Files.readAllLines(exported.resolve("program_roi.csv"));
        assertEquals("program_id,roi", lines.get(0));
        assertEquals(
                List.of("ALL,1.5", "P-LEAD,-0.25"),
                lines.subList(1, lines.size()).stream().sorted().toList());
    }

    @Test
    void tableNamesFromOutsideAreCheckedAgainstTheLayerNounPattern() {
        Warehouse wh = new Warehouse(spark, dir.resolve("wh").toString());
        for (String hostile : List.of(
                "gold.x; DROP TABLE silver.y",
                "gold.`x`",
                "gold.x.y",
                "gold.",
                ".x",
                "gold",
                "gold.X",
                "gold.../x",
                "gold.x'--",
                "gold.x y",
                "gold.x\nz",
                "secret.x",
                "gold.1x",
                "gold.x/../../y")) {
            assertThrows(IllegalArgumentException.class, () -> wh.path(hostile), hostile);
            assertThrows(IllegalArgumentException.class, () -> wh.register(hostile), hostile);
        }
        // A Delta folder whose name is no table name is not registered by registerAll.
        spark.createDataFrame(List.of(RowFactory.create("ALL", 1.0)), ROWS)
                .write()
                .format("delta")
                .save(wh.root() + "/gold/it's odd");
        assertEquals(List.of(), wh.registerAll());
    }
}
