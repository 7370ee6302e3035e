package io.mentoringoutcomes.generate;

import java.time.LocalDate;
import java.util.List;

/** A mentoring program of the generated organisation. */
record Program(
        String id,
        String name,
        String type,
        String format,
        LocalDate startDate,
        int cadenceDays,
        Double annualFixedCost,
        int plannedMatchDays) {

    static final int ONBOARDING = 0;
    static final int CAREER = 1;
    static final int LEADERSHIP = 2;

    /** Leadership starts six months in, so early senior mentees land in the career program. */
    static List<Program> catalog(LocalDate start) {
        return List.of(
                new Program("P-ONB", "New Starter Onboarding Buddies", "onboarding", "formal", start, 14, 8000.0, 180),
                new Program(
                        "P-CAR",
                        "Career Development Mentoring",
                        "career_development",
                        "formal",
                        start,
                        21,
                        48000.0,
                        365),
                new Program(
                        "P-LDR", "Leadership Circle", "leadership", "informal", start.plusMonths(6), 30, null, 365));
    }

    int startDay() {
        return (int) startDate.toEpochDay();
    }
}
