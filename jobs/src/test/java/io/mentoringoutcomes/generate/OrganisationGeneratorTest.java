package io.mentoringoutcomes.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mentoringoutcomes.contract.Contract;
import io.mentoringoutcomes.contract.DatasetContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrganisationGeneratorTest {

    private static final int EMPLOYEES = 1500;
    private static final LocalDate START = LocalDate.of(2023, 1, 1);
    private static final LocalDate AS_OF = LocalDate.of(2026, 10, 31);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    private static Path clean;
    private static Path defective;

    @BeforeAll
    static void generate() {
        clean = temp.resolve("clean");
        defective = temp.resolve("defective");
        new OrganisationGenerator(GeneratorSettings.of(EMPLOYEES, 42, START, AS_OF, false)).generate(clean);
        new OrganisationGenerator(GeneratorSettings.of(EMPLOYEES, 42, START, AS_OF, true)).generate(defective);
    }

    @Test
    void sameSeedGivesByteIdenticalFiles() throws IOException {
        Path again = temp.resolve("again");
        new OrganisationGenerator(GeneratorSettings.of(EMPLOYEES, 42, START, AS_OF, false)).generate(again);
        Map<Path, byte[]> first = contents(clean);
        Map<Path, byte[]> second = contents(again);
        assertEquals(first.keySet(), second.keySet());
        assertEquals(10, first.size(), "8 datasets + manifest + truth");
        for (Path p : first.keySet()) {
            assertArrayEquals(first.get(p), second.get(p), "differs: " + p);
        }
    }

    @Test
    void differentSeedGivesDifferentData() throws IOException {
        Path other = temp.resolve("other-seed");
        new OrganisationGenerator(GeneratorSettings.of(EMPLOYEES, 43, START, AS_OF, false)).generate(other);
        for (String dataset : List.of("hris_employees", "matches", "meetings", "surveys")) {
            assertFalse(
                    Files.mismatch(clean.resolve(dataset + ".csv"), other.resolve(dataset + ".csv")) == -1L,
                    dataset + " should differ with another seed");
        }
    }

    @Test
    void everyFileHasExactlyTheContractColumns() {
        List<DatasetContract> contract = Contract.standard().datasets();
        assertEquals(8, contract.size());
        for (DatasetContract d : contract) {
            List<List<String>> records = CsvTable.parse(clean.resolve(d.dataset() + ".csv"));
            assertEquals(d.columnNames(), records.get(0), d.dataset() + " header");
        }
    }

    @Test
    void cleanOutputIsReferentiallyConsistent() {
        Map<String, Map<String, String>> employees = byKey(CsvTable.read(clean, "hris_employees"), "employee_id");
        Set<String> programs =
                byKey(CsvTable.read(clean, "programs"), "program_id").keySet();
        Map<String, Map<String, String>> matches = byKey(CsvTable.read(clean, "matches"), "match_id");
        Map<String, List<Map<String, String>>> events = CsvTable.read(clean, "hris_job_events").rows.stream()
                .collect(Collectors.groupingBy(r -> r.get("employee_id")));
        String asOf = AS_OF.toString();

        for (Map<String, String> e : employees.values()) {
            String term = e.get("termination_date");
            assertTrue(term == null || term.compareTo(e.get("hire_date")) >= 0, "termination before hire: " + e);
            assertTrue(term == null || term.compareTo(asOf) <= 0, "termination after as-of: " + e);
            assertEquals(term == null, e.get("termination_type") == null, "termination_type iff terminated: " + e);
            List<Map<String, String>> history = events.get(e.get("employee_id"));
            assertEquals(
                    1,
                    history.stream()
                            .filter(h -> h.get("event_type").equals("hire"))
                            .count());
            assertEquals(
                    term == null ? 0 : 1,
                    history.stream()
                            .filter(h -> h.get("event_type").equals("termination")
                                    && h.get("event_date").equals(term))
                            .count(),
                    "termination event for " + e);
        }
        assertTrue(employees.keySet().containsAll(events.keySet()));

        for (Map<String, String> m : matches.values()) {
            assertTrue(programs.contains(m.get("program_id")));
            String mentor = m.get("mentor_id");
            String mentee = m.get("mentee_id");
            String day = m.get("matched_date");
            assertFalse(mentor.equals(mentee), "mentor is mentee: " + m);
            assertTrue(employedOn(employees.get(mentor), day), "mentor not employed on matched date: " + m);
            assertTrue(employedOn(employees.get(mentee), day), "mentee not employed on matched date: " + m);
            assertTrue(
                    levelOn(events.get(mentor), day) > levelOn(events.get(mentee), day),
                    "mentor not more senior: " + m);
            String ended = m.get("ended_date");
            assertTrue(ended == null || (ended.compareTo(day) >= 0 && ended.compareTo(asOf) <= 0), m.toString());
            assertEquals(ended == null, m.get("end_reason") == null, m.toString());
        }

        CsvTable meetings = CsvTable.read(clean, "meetings");
        assertEquals(meetings.rows.size(), new HashSet<>(meetings.column("meeting_id")).size(), "meeting ids unique");
        for (Map<String, String> mt : meetings.rows) {
            Map<String, String> match = matches.get(mt.get("match_id"));
            assertNotNull(match, "meeting of unknown match: " + mt);
            String date = mt.get("scheduled_at").substring(0, 10);
            assertTrue(mt.get("scheduled_at").matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00"), mt.toString());
            assertTrue(date.compareTo(match.get("matched_date")) >= 0 && date.compareTo(asOf) <= 0, mt.toString());
            if (mt.get("action_rating") != null) {
                int rating = Integer.parseInt(mt.get("action_rating"));
                assertTrue(rating >= 1 && rating <= 10, "rating out of range: " + mt);
            }
            if (mt.get("status").equals("held")) {
                int minutes = Integer.parseInt(mt.get("duration_minutes"));
                assertTrue(minutes >= 30 && minutes <= 90, mt.toString());
            } else {
                assertEquals(null, mt.get("action_rating"), "only held meetings are rated: " + mt);
            }
        }

        CsvTable participants = CsvTable.read(clean, "participants");
        Set<String> enrolmentKeys = new HashSet<>();
        for (Map<String, String> p : participants.rows) {
            assertTrue(
                    enrolmentKeys.add(p.get("program_id") + "|" + p.get("employee_id") + "|" + p.get("role")),
                    "duplicate " + p);
            assertTrue(employees.containsKey(p.get("employee_id")));
            String exited = p.get("exited_date");
            assertTrue(exited == null || exited.compareTo(p.get("enrolled_date")) >= 0, p.toString());
        }
        for (Map<String, String> m : matches.values()) {
            assertTrue(
                    enrolmentKeys.contains(m.get("program_id") + "|" + m.get("mentor_id") + "|mentor"), m.toString());
            assertTrue(
                    enrolmentKeys.contains(m.get("program_id") + "|" + m.get("mentee_id") + "|mentee"), m.toString());
        }

        for (Map<String, String> g : CsvTable.read(clean, "goals").rows) {
            assertTrue(matches.containsKey(g.get("match_id")));
            String achieved = g.get("achieved_date");
            assertTrue(achieved == null || achieved.compareTo(g.get("created_date")) >= 0, g.toString());
            assertEquals(achieved != null, g.get("status").equals("achieved"), g.toString());
        }

        for (Map<String, String> s : CsvTable.read(clean, "surveys").rows) {
            Map<String, String> who = employees.get(s.get("employee_id"));
            assertTrue(employedOn(who, s.get("survey_date")), "survey from someone not employed: " + s);
            if (s.get("survey_type").equals("engagement")) {
                double score = Double.parseDouble(s.get("engagement_score"));
                int enps = Integer.parseInt(s.get("enps"));
                assertTrue(score >= 1 && score <= 5 && enps >= 0 && enps <= 10, s.toString());
            } else {
                assertTrue(programs.contains(s.get("program_id")), s.toString());
                double satisfaction = Double.parseDouble(s.get("relationship_satisfaction"));
                assertTrue(satisfaction >= 1 && satisfaction <= 5, s.toString());
            }
        }
    }

    @Test
    void aboutFifteenPercentBecomeMenteesAndMostMeet() {
        Set<String> mentees = new HashSet<>(CsvTable.read(clean, "matches").column("mentee_id"));
        double share = mentees.size() / (double) EMPLOYEES;
        assertTrue(share > 0.12 && share < 0.18, "mentee share " + share);

        Map<String, String> menteeOfMatch = new HashMap<>();
        CsvTable.read(clean, "matches").rows.forEach(m -> menteeOfMatch.put(m.get("match_id"), m.get("mentee_id")));
        Set<String> met = CsvTable.read(clean, "meetings").rows.stream()
                .filter(m -> m.get("status").equals("held"))
                .map(m -> menteeOfMatch.get(m.get("match_id")))
                .collect(Collectors.toSet());
        assertTrue(met.size() >= 0.9 * mentees.size(), met.size() + " of " + mentees.size() + " mentees met");
    }

    /**
     * Selection bias, seen in the raw files alone: score each department x job level cell by its
     * observed voluntary leaving share; mentees come from cells that lose fewer people.
     */
    @Test
    void menteesComeFromLowTurnoverCells() {
        CsvTable employees = CsvTable.read(clean, "hris_employees");
        Set<String> mentees = new HashSet<>(CsvTable.read(clean, "matches").column("mentee_id"));
        Map<String, int[]> cells = new TreeMap<>(); // voluntary leavers, people
        for (Map<String, String> e : employees.rows) {
            int[] c = cells.computeIfAbsent(cell(e), k -> new int[2]);
            c[0] += "voluntary".equals(e.get("termination_type")) ? 1 : 0;
            c[1]++;
        }
        double menteeSum = 0;
        double othersSum = 0;
        int menteeCount = 0;
        int othersCount = 0;
        for (Map<String, String> e : employees.rows) {
            int[] c = cells.get(cell(e));
            double rate = c[0] / (double) c[1];
            if (mentees.contains(e.get("employee_id"))) {
                menteeSum += rate;
                menteeCount++;
            } else {
                othersSum += rate;
                othersCount++;
            }
        }
        double menteeMean = menteeSum / menteeCount;
        double othersMean = othersSum / othersCount;
        assertTrue(menteeMean < 0.85 * othersMean, "mentee cells " + menteeMean + " vs others " + othersMean);
    }

    @Test
    void truthFileCarriesThePlantedEffects() throws IOException {
        JsonNode truth = JSON.readTree(clean.resolve("_truth.json").toFile());
        assertEquals(0.6, truth.get("voluntary_hazard_ratio").asDouble());
        assertEquals(0.3, truth.get("engagement_did").asDouble(), 1e-12);
        Set<String> mentees = new HashSet<>(CsvTable.read(clean, "matches").column("mentee_id"));
        assertEquals(mentees.size(), truth.get("mentees").asInt());
        double d12 = truth.get("retention_difference_12m_att").asDouble();
        // HR 0.6 on monthly hazards of 0.3%-3% gives a 12-month survival gain of roughly 1-10 points
        assertTrue(d12 > 0.01 && d12 < 0.10, "12m ATT " + d12);
        assertTrue(truth.get("retention_difference_6m_att").asDouble() < d12);
        assertTrue(truth.get("retention_difference_24m_att").asDouble() > d12);
        JsonNode selection = truth.get("selection");
        assertTrue(selection.get("description").asText().contains("tenure band"));
        assertTrue(
                selection.get("mean_baseline_monthly_hazard_mentees_at_index").asDouble()
                        < selection
                                .get("mean_baseline_monthly_hazard_non_mentee_person_months")
                                .asDouble());
    }

    /**
     * The engagement DiD's truth is the planted effect as the published scores carry it. Recomputed
     * here from the files alone: the same seed generated without the effect gives every answer's
     * untreated score (same response ids, same draws), so per mentee the mean of (score - untreated
     * score) over answers 3-15 months after their first held meeting, then the mean over mentees.
     * Non-mentees' answers must not move; the ceiling at 5 makes the truth smaller than +0.30.
     */
    @Test
    void engagementTruthIsThePlantedEffectOnThePublishedScores() throws IOException {
        GeneratorSettings s = GeneratorSettings.of(EMPLOYEES, 42, START, AS_OF, false);
        Path untreated = temp.resolve("no-effect");
        new OrganisationGenerator(new GeneratorSettings(
                        s.employees(), s.seed(), START, AS_OF, false, s.hazardRatio(), s.menteeShare(), 0.0))
                .generate(untreated);
        Map<String, String> menteeOfMatch = new HashMap<>();
        CsvTable.read(clean, "matches").rows.forEach(m -> menteeOfMatch.put(m.get("match_id"), m.get("mentee_id")));
        Map<String, LocalDate> firstHeld = new HashMap<>();
        for (Map<String, String> m : CsvTable.read(clean, "meetings").rows) {
            if (m.get("status").equals("held")) {
                LocalDate day = LocalDate.parse(m.get("scheduled_at").substring(0, 10));
                firstHeld.merge(menteeOfMatch.get(m.get("match_id")), day, (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Map<String, Double> without = new HashMap<>();
        for (Map<String, String> r : CsvTable.read(untreated, "surveys").rows) {
            if (r.get("survey_type").equals("engagement")) {
                without.put(r.get("response_id"), Double.parseDouble(r.get("engagement_score")));
            }
        }
        Map<String, double[]> perMentee = new TreeMap<>(); // sum of effects, answers
        int moved = 0;
        for (Map<String, String> r : CsvTable.read(clean, "surveys").rows) {
            if (!r.get("survey_type").equals("engagement")) {
                continue;
            }
            double effect = Double.parseDouble(r.get("engagement_score")) - without.get(r.get("response_id"));
            LocalDate first = firstHeld.get(r.get("employee_id"));
            LocalDate day = LocalDate.parse(r.get("survey_date"));
            if (first == null) {
                assertEquals(0.0, effect, 1e-9, "a non-mentee's answer moved: " + r);
            } else if (!day.isBefore(first.plusMonths(3)) && !day.isAfter(first.plusMonths(15))) {
                double[] p = perMentee.computeIfAbsent(r.get("employee_id"), k -> new double[2]);
                p[0] += effect;
                p[1]++;
                moved += effect > 0 ? 1 : 0;
            }
        }
        double expected = perMentee.values().stream()
                .mapToDouble(p -> p[0] / p[1])
                .average()
                .orElseThrow();
        JsonNode truth = JSON.readTree(clean.resolve("_truth.json").toFile());
        assertEquals(expected, truth.get("engagement_did_att").asDouble(), 1e-6);
        assertTrue(expected < 0.30 && expected > 0.25, "effect on published scores " + expected);
        assertTrue(moved > 100, moved + " answers carry the effect");
    }

    @Test
    void defectsAppearExactlyAsListedInTheManifest() throws IOException {
        JsonNode manifest = JSON.readTree(defective.resolve("_manifest.json").toFile());
        JsonNode defects = manifest.get("defects");
        assertEquals(4, defects.size());

        CsvTable meetings = CsvTable.read(defective, "meetings");
        Set<String> matchIds = new HashSet<>(CsvTable.read(defective, "matches").column("match_id"));
        Map<String, Long> idCounts =
                meetings.rows.stream().collect(Collectors.groupingBy(r -> r.get("meeting_id"), Collectors.counting()));
        Set<String> duplicated = keysWhere(idCounts, n -> n > 1);
        Set<String> badRatings = meetings.rows.stream()
                .filter(r -> r.get("action_rating") != null
                        && (Integer.parseInt(r.get("action_rating")) < 1
                                || Integer.parseInt(r.get("action_rating")) > 10))
                .map(r -> r.get("meeting_id"))
                .collect(Collectors.toSet());
        Set<String> orphans = meetings.rows.stream()
                .filter(r -> !matchIds.contains(r.get("match_id")))
                .map(r -> r.get("meeting_id"))
                .collect(Collectors.toSet());
        Set<String> leftBeforeJoining = CsvTable.read(defective, "hris_employees").rows.stream()
                .filter(r -> r.get("termination_date") != null
                        && r.get("termination_date").compareTo(r.get("hire_date")) < 0)
                .map(r -> r.get("employee_id"))
                .collect(Collectors.toSet());

        Set<String> listed = new HashSet<>();
        for (JsonNode d : defects) {
            String key = d.get("key").elements().next().asText();
            listed.add(d.get("dataset").asText() + ":" + key);
        }
        Set<String> found = new HashSet<>();
        duplicated.forEach(k -> found.add("meetings:" + k));
        badRatings.forEach(k -> found.add("meetings:" + k));
        orphans.forEach(k -> found.add("meetings:" + k));
        leftBeforeJoining.forEach(k -> found.add("hris_employees:" + k));
        assertEquals(1, duplicated.size());
        assertEquals(1, badRatings.size());
        assertEquals(1, orphans.size());
        assertEquals(1, leftBeforeJoining.size());
        assertEquals(listed, found, "every defect listed, none unlisted");

        // the clean rows are the same draws: defects only append
        CsvTable cleanMeetings = CsvTable.read(clean, "meetings");
        assertEquals(cleanMeetings.rows.size() + 3, meetings.rows.size());
        assertEquals(cleanMeetings.rows, meetings.rows.subList(0, cleanMeetings.rows.size()));
    }

    @Test
    void manifestCountsEveryRowOfEveryFile() throws IOException {
        JsonNode manifest = JSON.readTree(defective.resolve("_manifest.json").toFile());
        assertEquals(AS_OF.toString(), manifest.get("extracted_on").asText());
        assertEquals(42, manifest.get("seed").asInt());
        assertEquals(EMPLOYEES, manifest.get("employees").asInt());
        JsonNode files = manifest.get("files");
        assertEquals(8, files.size());
        files.fields()
                .forEachRemaining(f -> assertEquals(
                        CsvTable.parse(defective.resolve(f.getKey())).size() - 1,
                        f.getValue().asLong(),
                        f.getKey()));
    }

    @Test
    void bigDatasetsAreSplitIntoPartsWithHeaders() throws IOException {
        Path parted = temp.resolve("parted");
        new OrganisationGenerator(GeneratorSettings.of(300, 5, START, AS_OF, false), 1000).generate(parted);
        assertTrue(Files.isDirectory(parted.resolve("surveys")), "surveys should be split");
        assertFalse(Files.exists(parted.resolve("surveys.csv")));
        assertTrue(Files.exists(parted.resolve("programs.csv")), "small datasets stay single files");
        List<String> header = Contract.standard().dataset("surveys").columnNames();
        long rows = 0;
        try (Stream<Path> parts = Files.list(parted.resolve("surveys"))) {
            for (Path part : parts.sorted().toList()) {
                List<List<String>> records = CsvTable.parse(part);
                assertEquals(header, records.get(0), part.toString());
                assertTrue(records.size() - 1 <= 1000);
                rows += records.size() - 1;
            }
        }
        JsonNode manifest = JSON.readTree(parted.resolve("_manifest.json").toFile());
        assertEquals(rows, manifest.get("datasets").get("surveys").get("rows").asLong());
        assertEquals(
                "surveys/", manifest.get("datasets").get("surveys").get("path").asText());
    }

    private static String cell(Map<String, String> e) {
        return e.get("department") + "|" + e.get("job_level");
    }

    private static boolean employedOn(Map<String, String> e, String day) {
        return e.get("hire_date").compareTo(day) <= 0
                && (e.get("termination_date") == null
                        || e.get("termination_date").compareTo(day) >= 0);
    }

    /** Job level number (L3 → 3) on a day, rebuilt from the job events. */
    private static int levelOn(List<Map<String, String>> history, String day) {
        int level = 0;
        for (Map<String, String> ev : history) {
            if (ev.get("event_date").compareTo(day) <= 0 && ev.get("job_level") != null) {
                level = Integer.parseInt(ev.get("job_level").substring(1));
            }
        }
        return level;
    }

    private static Map<String, Map<String, String>> byKey(CsvTable t, String key) {
        Map<String, Map<String, String>> m = new HashMap<>();
        for (Map<String, String> r : t.rows) {
            assertTrue(m.put(r.get(key), r) == null, "duplicate " + key + " " + r.get(key));
        }
        return m;
    }

    private static Set<String> keysWhere(Map<String, Long> counts, java.util.function.LongPredicate p) {
        return counts.entrySet().stream()
                .filter(e -> p.test(e.getValue()))
                .map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    private static Map<Path, byte[]> contents(Path dir) throws IOException {
        Map<Path, byte[]> m = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(f), Files.readAllBytes(f));
            }
        }
        return m;
    }
}
