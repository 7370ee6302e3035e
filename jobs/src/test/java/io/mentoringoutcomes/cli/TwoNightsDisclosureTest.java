package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mentoringoutcomes.SparkTestBase;
import io.mentoringoutcomes.disclosure.ReleaseRules;
import io.mentoringoutcomes.generate.GeneratorSettings;
import io.mentoringoutcomes.generate.OrganisationGenerator;
import io.mentoringoutcomes.publish.PublishedNights;
import io.mentoringoutcomes.spark.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The across-nights rule end to end: two consecutive published nights of a small generated
 * organisation whose inputs differ by exactly one voluntary exit of a mentee in the smallest program.
 * The adversary reads both nights as reported on each date and compares every shown people count of
 * every gold table: none may move by 1..k−1, and the leaver's own rows may not show the exit.
 */
class TwoNightsDisclosureTest extends SparkTestBase {

    private static final int K = 10;

    @Test
    void aReaderComparingTwoNightsCannotLearnThatOnePersonLeft(@TempDir Path dir) throws Exception {
        Path night1 = dir.resolve("night1");
        new OrganisationGenerator(
                        GeneratorSettings.of(600, 11, LocalDate.of(2023, 1, 1), LocalDate.of(2026, 10, 31), false))
                .generate(night1);
        // The leaver: an active mentee of the program with the fewest mentees.
        List<String> employees = Files.readAllLines(night1.resolve("hris_employees.csv"));
        Set<String> active = employees.stream()
                .skip(1)
                .map(l -> l.split(",", -1))
                .filter(f -> f[2].isEmpty())
                .map(f -> f[0])
                .collect(Collectors.toSet());
        Map<String, List<String>> menteesByProgram = new LinkedHashMap<>();
        List<String> participants = Files.readAllLines(night1.resolve("participants.csv"));
        for (String line : participants.subList(1, participants.size())) {
            String[] f = line.split(",", -1);
            if (f[2].equals("mentee") && f[4].isEmpty() && active.contains(f[1])) {
                menteesByProgram.computeIfAbsent(f[0], x -> new ArrayList<>()).add(f[1]);
            }
        }
        String program = menteesByProgram.entrySet().stream()
                .min(Map.Entry.comparingByValue(java.util.Comparator.comparingInt(List::size)))
                .orElseThrow()
                .getKey();
        String leaver = menteesByProgram.get(program).get(0);

        Path night2 = dir.resolve("night2");
        Files.createDirectories(night2);
        try (var files = Files.list(night1)) {
            for (Path f : files.toList()) {
                Files.copy(f, night2.resolve(f.getFileName()));
            }
        }
        List<String> changed = new ArrayList<>();
        int exits = 0;
        for (String line : employees) {
            String[] f = line.split(",", -1);
            if (f[0].equals(leaver)) {
                f[2] = "2026-10-20";
                f[3] = "voluntary";
                line = String.join(",", f);
                exits++;
            }
            changed.add(line);
        }
        assertEquals(1, exits);
        Files.write(night2.resolve("hris_employees.csv"), changed);

        String wh = dir.resolve("wh").toString();
        assertEquals(
                0,
                Main.execute(
                        "run",
                        "--input",
                        night1.toString(),
                        "--warehouse",
                        wh,
                        "--as-of",
                        "2026-10-31",
                        "--run-id",
                        "night-1",
                        "--master",
                        "local[2]",
                        "--shuffle-partitions",
                        "2"));
        assertEquals(
                0,
                Main.execute(
                        "run",
                        "--input",
                        night2.toString(),
                        "--warehouse",
                        wh,
                        "--as-of",
                        "2026-11-01",
                        "--run-id",
                        "night-2",
                        "--master",
                        "local[2]",
                        "--shuffle-partitions",
                        "2"));

        Warehouse w = new Warehouse(spark, wh);
        Map<String, Long> first = PublishedNights.goldVersions(w, LocalDate.parse("2026-10-31"));
        Map<String, Long> second = PublishedNights.goldVersions(w, LocalDate.parse("2026-11-01"));
        assertFalse(first.equals(second), "the second night was published");
        List<String> found = new ArrayList<>();
        int compared = 0;
        for (String table : second.keySet()) {
            String noun = table.substring(table.indexOf('.') + 1);
            ReleaseRules.Table decl = ReleaseRules.standard().table(noun).orElseThrow();
            if (!first.containsKey(table) || decl.isReference()) {
                continue; // reference tables (program names, the metric catalogue) count no one
            }
            Map<List<String>, Row> before =
                    byKey(w.readVersion(table, first.get(table)).collectAsList(), decl);
            for (Row now : w.readVersion(table, second.get(table)).collectAsList()) {
                Row then = before.get(key(now, decl));
                if (then == null
                        || Boolean.TRUE.equals(now.getAs("suppressed"))
                        || Boolean.TRUE.equals(then.getAs("suppressed"))) {
                    continue;
                }
                compared++;
                for (String c : decl.people()) {
                    if (now.isNullAt(now.fieldIndex(c)) || then.isNullAt(then.fieldIndex(c))) {
                        continue;
                    }
                    double moved =
                            Math.abs(((Number) now.getAs(c)).doubleValue() - ((Number) then.getAs(c)).doubleValue());
                    if (moved > 1e-9 && moved < K - 1e-9) {
                        found.add(noun + " " + key(now, decl) + ": " + c + " moved by " + moved);
                    }
                }
                // A salary, cost or mean answer that moved while every count stayed put is someone's own change.
                boolean countsStayed = decl.people().stream()
                        .allMatch(c -> java.util.Objects.equals(
                                now.isNullAt(now.fieldIndex(c)) ? null : ((Number) now.getAs(c)).doubleValue(),
                                then.isNullAt(then.fieldIndex(c)) ? null : ((Number) then.getAs(c)).doubleValue()));
                for (String m : decl.magnitudes()) {
                    if (countsStayed && !now.isNullAt(now.fieldIndex(m)) && !then.isNullAt(then.fieldIndex(m))) {
                        double a = ((Number) now.getAs(m)).doubleValue();
                        double b = ((Number) then.getAs(m)).doubleValue();
                        if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.max(Math.abs(a), Math.abs(b)))) {
                            found.add(noun + " " + key(now, decl) + ": " + m + " moved while no count did");
                        }
                    }
                }
                // The leaver's own group: its figures are last night's, or moved with at least k people.
                if (noun.equals("retention_summary")
                        && now.getAs("program_id").equals(program)
                        && now.getAs("cohort").equals("mentee")
                        && !now.isNullAt(now.fieldIndex("retention"))
                        && now.getAs("n_events").equals(then.getAs("n_events"))
                        && !now.getAs("retention").equals(then.getAs("retention"))) {
                    found.add(noun + " " + key(now, decl) + ": retention moved with the same n_events");
                }
            }
        }
        assertTrue(compared > 0, "no row shown on both nights");
        assertEquals(List.of(), found);
    }

    private static Map<List<String>, Row> byKey(List<Row> rows, ReleaseRules.Table decl) {
        Map<List<String>, Row> out = new HashMap<>();
        rows.forEach(r -> out.put(key(r, decl), r));
        return out;
    }

    private static List<String> key(Row r, ReleaseRules.Table decl) {
        List<String> k = new ArrayList<>();
        decl.keys().forEach(c -> k.add(String.valueOf((Object) r.getAs(c))));
        return k;
    }
}
