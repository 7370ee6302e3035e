package io.mentoringoutcomes.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mentoringoutcomes.LocalFolders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generates a whole organisation's input files, deterministically from the settings: the HRIS
 * (employees and job events), mentoring programs, participants, matches, meetings, goals and
 * surveys, plus {@code _manifest.json} (row counts, planted defects) and {@code _truth.json}
 * (the planted effects the pipeline must recover). Pure Java: no Spark needed.
 */
public final class OrganisationGenerator {

    public static final String NAME = "mentoring-outcomes OrganisationGenerator 0.1.0";

    /** The contract's columns, in order. Declared here so the generator needs no Spark; a test checks them against schemas/. */
    static final Map<String, List<String>> COLUMNS = columns();

    private static Map<String, List<String>> columns() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put(
                "programs",
                List.of(
                        "program_id",
                        "name",
                        "program_type",
                        "format",
                        "start_date",
                        "end_date",
                        "planned_cadence_days",
                        "annual_fixed_cost"));
        c.put(
                "hris_employees",
                List.of(
                        "employee_id",
                        "hire_date",
                        "termination_date",
                        "termination_type",
                        "department",
                        "job_level",
                        "location",
                        "annual_salary",
                        "performance_rating",
                        "gender",
                        "ethnicity",
                        "manager_id"));
        c.put(
                "hris_job_events",
                List.of("employee_id", "event_date", "event_type", "job_level", "department", "termination_type"));
        c.put("participants", List.of("program_id", "employee_id", "role", "enrolled_date", "exited_date"));
        c.put(
                "matches",
                List.of(
                        "match_id",
                        "program_id",
                        "mentor_id",
                        "mentee_id",
                        "matched_date",
                        "ended_date",
                        "end_reason"));
        c.put(
                "meetings",
                List.of("meeting_id", "match_id", "scheduled_at", "status", "duration_minutes", "action_rating"));
        c.put(
                "surveys",
                List.of(
                        "response_id",
                        "employee_id",
                        "survey_date",
                        "survey_type",
                        "engagement_score",
                        "enps",
                        "program_id",
                        "relationship_satisfaction"));
        c.put(
                "goals",
                List.of("goal_id", "match_id", "category", "created_date", "target_date", "achieved_date", "status"));
        return c;
    }

    public static List<String> datasets() {
        return List.copyOf(COLUMNS.keySet());
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final GeneratorSettings settings;
    private final int rowsPerPart;

    public OrganisationGenerator(GeneratorSettings settings) {
        this(settings, CsvDatasetWriter.DEFAULT_ROWS_PER_PART);
    }

    OrganisationGenerator(GeneratorSettings settings, int rowsPerPart) {
        this.settings = settings;
        this.rowsPerPart = rowsPerPart;
    }

    /** What was written: dataset → relative path and rows, the truths, the defects and the time taken. */
    public record Result(
            Path outDir,
            Map<String, String> paths,
            Map<String, Long> rows,
            Map<String, Object> truths,
            List<Map<String, Object>> defects,
            Duration elapsed) {}

    public Result generate(Path outDir) {
        long started = System.nanoTime();
        clearPreviousOutput(outDir);
        List<Program> programs = Program.catalog(settings.startDate());
        SplittableRandom root = new SplittableRandom(settings.seed());
        // one independent stream per stage, so changing one stage leaves the others' draws alone
        SplittableRandom simulationRng = root.split();
        SplittableRandom matchRng = root.split();
        SplittableRandom participantRng = root.split();
        SplittableRandom meetingRng = root.split();
        SplittableRandom goalRng = root.split();
        SplittableRandom engagementRng = root.split();
        SplittableRandom programSurveyRng = root.split();

        WorkforceSimulation.Result workforce =
                new WorkforceSimulation(settings, new HazardModel(settings.seed()), programs, simulationRng).run();
        List<Employee> everyone = workforce.everyone();
        MentoringActivity activity = new MentoringActivity(settings, programs, everyone);
        activity.buildMatches(matchRng);

        Map<String, CsvDatasetWriter> writers = new LinkedHashMap<>();
        COLUMNS.forEach((name, cols) -> writers.put(name, new CsvDatasetWriter(outDir, name, cols, rowsPerPart)));
        writePrograms(writers.get("programs"), programs);
        writeEmployees(writers.get("hris_employees"), writers.get("hris_job_events"), everyone);
        activity.writeParticipants(writers.get("participants"), participantRng);
        activity.writeMatches(writers.get("matches"));
        activity.writeMeetings(writers.get("meetings"), meetingRng);
        activity.writeGoals(writers.get("goals"), goalRng);
        SurveyResponses surveys = new SurveyResponses(settings, writers.get("surveys"));
        surveys.writeEngagement(everyone, engagementRng);
        surveys.writeProgramSurveys(activity.matches(), programs, programSurveyRng);

        Map<String, Object> truths = PlantedTruths.compute(
                settings,
                programs,
                everyone,
                workforce.meanNonMenteeMonthlyHazard(),
                surveys.publishedEffectOnMentees());
        DefectPlanter defects = new DefectPlanter();
        if (settings.withDefects()) {
            defects.plant(writers, activity, everyone.size() + 1, (int)
                    settings.asOf().toEpochDay());
        }
        writers.values().forEach(CsvDatasetWriter::close);

        Map<String, String> paths = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        Map<String, Long> files = new LinkedHashMap<>();
        writers.forEach((name, w) -> {
            paths.put(name, w.path());
            rows.put(name, w.rows());
            files.putAll(w.rowsByFile());
        });
        writeJson(outDir.resolve("_truth.json"), truths);
        writeJson(outDir.resolve("_manifest.json"), manifest(paths, rows, files, defects.defects()));
        return new Result(
                outDir, paths, rows, truths, defects.defects(), Duration.ofNanos(System.nanoTime() - started));
    }

    private Map<String, Object> manifest(
            Map<String, String> paths,
            Map<String, Long> rows,
            Map<String, Long> files,
            List<Map<String, Object>> defects) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("extracted_on", settings.asOf().toString());
        m.put("seed", settings.seed());
        m.put("employees", settings.employees());
        m.put("start_date", settings.startDate().toString());
        m.put("with_defects", settings.withDefects());
        m.put("generator", NAME);
        m.put("files", files);
        Map<String, Object> datasets = new LinkedHashMap<>();
        paths.forEach((name, path) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", path);
            d.put("rows", rows.get(name));
            datasets.put(name, d);
        });
        m.put("datasets", datasets);
        m.put("defects", defects);
        return m;
    }

    private static void writePrograms(CsvDatasetWriter out, List<Program> programs) {
        for (Program p : programs) {
            out.write(
                    p.id(),
                    p.name(),
                    p.type(),
                    p.format(),
                    p.startDate().toString(),
                    null,
                    p.cadenceDays(),
                    p.annualFixedCost());
        }
    }

    private static void writeEmployees(CsvDatasetWriter employees, CsvDatasetWriter events, List<Employee> everyone) {
        for (Employee e : everyone) {
            employees.write(
                    e.id,
                    Days.iso(e.hireDay),
                    Days.iso(e.terminationDay),
                    e.terminationType,
                    OrgCatalog.DEPARTMENTS[e.department],
                    OrgCatalog.LEVELS[e.level],
                    OrgCatalog.LOCATIONS[e.location],
                    e.annualSalary(),
                    (double) e.performanceRating,
                    OrgCatalog.GENDERS[e.gender],
                    OrgCatalog.ETHNICITIES[e.ethnicity],
                    e.managerId);
            for (JobEvent ev : e.events) {
                events.write(
                        e.id,
                        Days.iso(ev.day()),
                        ev.type(),
                        OrgCatalog.LEVELS[ev.level()],
                        OrgCatalog.DEPARTMENTS[ev.department()],
                        ev.terminationType());
            }
        }
    }

    /** Removes only what a previous run of the generator wrote: the datasets and the two JSON files. */
    private static void clearPreviousOutput(Path outDir) {
        try {
            Files.createDirectories(outDir);
            for (String name : COLUMNS.keySet()) {
                Files.deleteIfExists(outDir.resolve(name + ".csv"));
                LocalFolders.deleteRecursively(outDir.resolve(name));
            }
            Files.deleteIfExists(outDir.resolve("_manifest.json"));
            Files.deleteIfExists(outDir.resolve("_truth.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static void writeJson(Path file, Object value) {
        try {
            Files.writeString(file, JSON.writeValueAsString(value) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
