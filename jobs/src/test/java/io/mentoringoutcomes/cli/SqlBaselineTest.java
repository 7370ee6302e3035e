package io.mentoringoutcomes.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's DuckDB baseline on an organisation small enough to work by hand. */
class SqlBaselineTest {

    @TempDir
    Path landing;

    @Test
    void matchedAndNaiveTwelveMonthRetentionAsWorkedByHand() throws Exception {
        // Two mentees of P-A (Sales L3, hired 2020, matched 2024-01-10: one cell, band 3-5); M1 quits on day 173.
        // Comparators in that cell: C1 quits on day 51, C2 is dismissed on day 112 (censored), C3 and C4 stay.
        // C5 is in the <1 band and C6 in Marketing: never-participants, so naive comparators only.
        write("hris_employees.csv", """
                employee_id,hire_date,termination_date,termination_type,department,job_level
                M1,2020-01-01,2024-07-01,voluntary,Sales,L3
                M2,2020-01-01,,,Sales,L3
                C1,2020-06-01,2024-03-01,voluntary,Sales,L3
                C2,2020-06-01,2024-05-01,involuntary,Sales,L3
                C3,2020-06-01,,,Sales,L3
                C4,2020-06-01,,,Sales,L3
                C5,2023-06-01,,,Sales,L3
                C6,2019-01-01,,,Marketing,L3
                X1,2015-01-01,,,Operations,L5
                X2,2015-01-01,,,Operations,L5
                """);
        write("matches.csv", """
                match_id,program_id,mentor_id,mentee_id,matched_date,ended_date,end_reason
                MT1,P-A,X1,M1,2024-01-10,,
                MT2,P-A,X2,M2,2024-01-10,,
                """);
        write("meetings.csv", """
                meeting_id,match_id,scheduled_at,status,duration_minutes,action_rating
                MTG1,MT1,2024-01-12T10:00:00,held,60,7
                MTG2,MT2,2024-01-15T10:00:00,held,60,8
                """);
        write("participants.csv", """
                program_id,employee_id,role,enrolled_date,exited_date
                P-A,X1,mentor,2024-01-01,
                P-A,X2,mentor,2024-01-01,
                """);

        SqlBaseline.Result result = SqlBaseline.run(landing, LocalDate.of(2025, 12, 31));
        Map<String, SqlBaseline.Figure> all = result.figures().stream()
                .filter(f -> f.programId().equals("ALL"))
                .collect(Collectors.toMap(f -> f.method() + "/" + f.cohort(), f -> f));

        // Mentees: 2 at risk on day 173, 1 quits: S = 1/2.
        assertEquals(0.5, all.get("matched/mentee").retention12(), 1e-12);
        assertEquals(2, all.get("matched/mentee").nEmployees());
        // Comparators weigh 2 mentees / 4 comparators = 0.5 each: on day 51, 2.0 at risk, 0.5 quits: S = 0.75.
        assertEquals(0.75, all.get("matched/comparison").retention12(), 1e-12);
        assertEquals(4, all.get("matched/comparison").nEmployees());
        // Naive: the six never-participants employed on 2024-01-10, C1 quits: S = 5/6.
        assertEquals(5.0 / 6, all.get("naive/comparison").retention12(), 1e-12);
        assertEquals(6, all.get("naive/comparison").nEmployees());
        assertEquals(0.5, all.get("naive/mentee").retention12(), 1e-12);
        // The program's own rows equal ALL's: it is the only program.
        assertEquals(8, result.figures().size());
    }

    private void write(String name, String csv) throws Exception {
        Files.writeString(landing.resolve(name), csv);
    }
}
