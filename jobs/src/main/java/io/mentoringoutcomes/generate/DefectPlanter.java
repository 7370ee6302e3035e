package io.mentoringoutcomes.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends a handful of deliberately bad rows after the clean data (and after the truths), so
 * the pipeline's quality gates have something to catch. Every row is listed in the manifest.
 */
final class DefectPlanter {

    /** A match id the generator never issues (ids are sequential from MT000001). */
    static final String MISSING_MATCH_ID = "MT999999";

    private final List<Map<String, Object>> defects = new ArrayList<>();

    List<Map<String, Object>> defects() {
        return defects;
    }

    void plant(Map<String, CsvDatasetWriter> writers, MentoringActivity activity, int nextEmployeeNumber, int asOfDay) {
        String[] held = activity.firstHeldMeeting();
        CsvDatasetWriter meetings = writers.get("meetings");
        long meetingNumber = activity.meetingCount();

        // 1. the same meeting_id again, with a different duration: which row wins is ambiguous
        int conflictingDuration = Integer.parseInt(held[4]) + 15;
        meetings.write(
                held[0],
                held[1],
                held[2],
                held[3],
                conflictingDuration,
                held[5] == null ? null : Integer.valueOf(held[5]));
        record(
                "meetings",
                Map.of("meeting_id", held[0]),
                "duplicate key: second row for meeting_id " + held[0] + " with duration_minutes "
                        + conflictingDuration);

        // 2. a rating outside 1-10
        String outOfRange = Ids.padded("MTG", ++meetingNumber, 7);
        meetings.write(outOfRange, held[1], Days.timestamp(asOfDay - 3, 10, 0), "held", 45, 11);
        record("meetings", Map.of("meeting_id", outOfRange), "action_rating 11 is outside 1-10");

        // 3. a meeting of a match that does not exist
        String orphan = Ids.padded("MTG", ++meetingNumber, 7);
        meetings.write(orphan, MISSING_MATCH_ID, Days.timestamp(asOfDay - 2, 14, 30), "held", 60, 7);
        record("meetings", Map.of("meeting_id", orphan), "match_id " + MISSING_MATCH_ID + " does not exist in matches");

        // 4. an employee who leaves before joining
        String employee = Employee.id(nextEmployeeNumber);
        writers.get("hris_employees")
                .write(
                        employee,
                        "2025-06-02",
                        "2025-05-16",
                        "voluntary",
                        "Sales",
                        "L2",
                        "London",
                        55000.0,
                        3.0,
                        "Female",
                        "White",
                        null);
        record(
                "hris_employees",
                Map.of("employee_id", employee),
                "termination_date 2025-05-16 is before hire_date 2025-06-02");
    }

    private void record(String dataset, Map<String, String> key, String problem) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("dataset", dataset);
        d.put("key", key);
        d.put("problem", problem);
        defects.add(d);
    }
}
