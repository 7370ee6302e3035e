package io.mentoringoutcomes.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Everything that happens to the simulated mentees: matches (with completions, withdrawals
 * and rematches), program enrolments, meetings at the program cadence and goals.
 */
final class MentoringActivity {

    static final double WITHDRAWAL_CHANCE = 0.08;
    static final double REMATCH_CHANCE = 0.06;
    static final double HELD_SHARE = 0.82;
    static final double CANCELLED_SHARE = 0.12;

    private final List<Program> programs;
    private final List<Employee> everyone;
    private final int asOfDay;
    private final int lastMatchDay;
    private final List<Match> matches = new ArrayList<>();
    private String[] firstHeldMeeting;
    private long meetings;

    MentoringActivity(GeneratorSettings settings, List<Program> programs, List<Employee> everyone) {
        this.programs = programs;
        this.everyone = everyone;
        this.asOfDay = (int) settings.asOf().toEpochDay();
        this.lastMatchDay = asOfDay - WorkforceSimulation.LAST_MATCH_DAYS_BEFORE_AS_OF;
    }

    List<Match> matches() {
        return matches;
    }

    /** The columns of the first held meeting written, for the duplicate-key defect. */
    String[] firstHeldMeeting() {
        return firstHeldMeeting;
    }

    long meetingCount() {
        return meetings;
    }

    /** Each mentee's chain of matches, oldest mentee first; a rematch starts the day the last match ended. */
    void buildMatches(SplittableRandom rng) {
        List<Employee> mentees = new ArrayList<>();
        for (Employee e : everyone) {
            if (e.mentee != null) {
                mentees.add(e);
            }
        }
        mentees.sort(
                Comparator.comparingInt((Employee e) -> e.mentee.matchedDay()).thenComparingInt(e -> e.number));
        for (Employee mentee : mentees) {
            int program = mentee.mentee.program();
            int start = mentee.mentee.matchedDay();
            int remaining = programs.get(program).plannedMatchDays();
            while (true) {
                Employee mentor = pickMentor(start, mentee, program, rng);
                if (mentor == null) {
                    // only on a rematch after the mentee reached the top level: the chain just ends
                    break;
                }
                int end = start + remaining;
                String reason = "completed";
                if (mentee.terminationDay < end) {
                    end = mentee.terminationDay;
                    reason = "withdrawn";
                }
                if (mentor.terminationDay < end) {
                    end = mentor.terminationDay;
                    reason = "rematched";
                }
                int withdrawal = start + 30 + rng.nextInt(Math.max(1, remaining - 30));
                if (rng.nextDouble() < WITHDRAWAL_CHANCE && withdrawal < end) {
                    end = withdrawal;
                    reason = "withdrawn";
                }
                int rematch = start + 30 + rng.nextInt(Math.max(1, remaining - 30));
                if (rng.nextDouble() < REMATCH_CHANCE && rematch < end) {
                    end = rematch;
                    reason = "rematched";
                }
                boolean active = end > asOfDay;
                matches.add(new Match(
                        Ids.padded("MT", matches.size() + 1, 6),
                        program,
                        mentor,
                        mentee,
                        start,
                        active ? Employee.EMPLOYED : end,
                        active ? null : reason));
                if (active || !reason.equals("rematched") || end > lastMatchDay || !mentee.employedOn(end)) {
                    break;
                }
                remaining = Math.max(60, remaining - (end - start));
                start = end;
            }
        }
    }

    /**
     * A random colleague employed that day, more senior than the mentee, not the mentee; onboarding
     * buddies come from the same department, the other programs prefer another department.
     * Null when nobody is more senior.
     */
    private Employee pickMentor(int day, Employee mentee, int program, SplittableRandom rng) {
        int menteeLevel = mentee.levelOn(day);
        for (int attempt = 0; attempt < 600; attempt++) {
            Employee c = everyone.get(rng.nextInt(everyone.size()));
            if (c == mentee || !c.employedOn(day) || c.levelOn(day) <= menteeLevel) {
                continue;
            }
            boolean sameDepartment = departmentOn(c, day) == departmentOn(mentee, day);
            boolean preferred = program == Program.ONBOARDING ? sameDepartment : !sameDepartment;
            if (preferred || attempt >= 300) {
                return c;
            }
        }
        for (Employee c : everyone) { // rare: nobody senior found by sampling
            if (c != mentee && c.employedOn(day) && c.levelOn(day) > menteeLevel) {
                return c;
            }
        }
        return null;
    }

    private static int departmentOn(Employee e, int day) {
        int result = e.events.get(0).department();
        for (JobEvent ev : e.events) {
            if (ev.day() > day) {
                break;
            }
            result = ev.department();
        }
        return result;
    }

    void writeMatches(CsvDatasetWriter out) {
        for (Match m : matches) {
            out.write(
                    m.id(),
                    programs.get(m.program()).id(),
                    m.mentor().id,
                    m.mentee().id,
                    Days.iso(m.matchedDay()),
                    Days.iso(m.endDay()),
                    m.endReason());
        }
    }

    private static final class Enrolment {
        int enrolledDay = Integer.MAX_VALUE;
        int lastEndDay = Integer.MIN_VALUE;
        boolean active;
    }

    /** One row per (program, employee, role): from a little before the first match to the last match's end. */
    void writeParticipants(CsvDatasetWriter out, SplittableRandom rng) {
        Map<String, Enrolment> enrolments = new TreeMap<>();
        Map<String, Employee> people = new TreeMap<>();
        Map<String, Integer> programStarts = new TreeMap<>();
        programs.forEach(p -> programStarts.put(p.id(), p.startDay()));
        for (Match m : matches) {
            String program = programs.get(m.program()).id();
            enrol(enrolments, people, program, m.mentor(), "mentor", m);
            enrol(enrolments, people, program, m.mentee(), "mentee", m);
        }
        for (Map.Entry<String, Enrolment> entry : enrolments.entrySet()) {
            String[] key = entry.getKey().split("\\|");
            Enrolment en = entry.getValue();
            Employee who = people.get(key[1]);
            int programStart = programStarts.get(key[0]);
            int enrolled = Math.max(Math.max(programStart, who.hireDay), en.enrolledDay - rng.nextInt(15));
            out.write(key[0], key[1], key[2], Days.iso(enrolled), en.active ? null : Days.iso(en.lastEndDay));
        }
    }

    private static void enrol(
            Map<String, Enrolment> enrolments,
            Map<String, Employee> people,
            String program,
            Employee who,
            String role,
            Match m) {
        Enrolment en = enrolments.computeIfAbsent(program + "|" + who.id + "|" + role, k -> new Enrolment());
        people.put(who.id, who);
        en.enrolledDay = Math.min(en.enrolledDay, m.matchedDay());
        en.active |= m.isActive();
        if (!m.isActive()) {
            en.lastEndDay = Math.max(en.lastEndDay, m.endDay());
        }
    }

    /**
     * Meetings at the program cadence (+-20%) from within a week of matching until the match
     * ends or the day before as-of. The first is always held; ratings drift up over a year.
     */
    void writeMeetings(CsvDatasetWriter out, SplittableRandom rng) {
        for (Match m : matches) {
            int cadence = programs.get(m.program()).cadenceDays();
            int lastDay = Math.min(asOfDay - 1, m.isActive() ? asOfDay - 1 : m.endDay());
            boolean first = true;
            for (int day = m.matchedDay() + rng.nextInt(8);
                    day <= lastDay;
                    day += Math.max(1, (int) Math.round(cadence * (0.8 + 0.4 * rng.nextDouble())))) {
                double u = rng.nextDouble();
                String status =
                        first || u < HELD_SHARE ? "held" : u < HELD_SHARE + CANCELLED_SHARE ? "cancelled" : "no_show";
                first = false;
                String scheduledAt = Days.timestamp(day, 9 + rng.nextInt(8), rng.nextBoolean() ? 0 : 30);
                Integer duration = null;
                Integer rating = null;
                if (status.equals("held")) {
                    duration = 30 + 5 * rng.nextInt(13);
                    double months = (day - m.matchedDay()) / HazardModel.DAYS_PER_MONTH;
                    double mean = 5.6 + 2.2 * Math.min(1, months / 12);
                    long r = Math.round(mean + 1.3 * rng.nextGaussian());
                    rating = rng.nextDouble() < 0.05 ? null : (int) Math.max(1, Math.min(10, r));
                    m.mentee().hadHeldMeeting = true;
                    m.mentee().firstHeldMeetingDay = Math.min(m.mentee().firstHeldMeetingDay, day);
                }
                meetings++;
                String id = Ids.padded("MTG", meetings, 7);
                out.write(id, m.id(), scheduledAt, status, duration, rating);
                if (firstHeldMeeting == null && status.equals("held")) {
                    firstHeldMeeting = new String[] {
                        id,
                        m.id(),
                        scheduledAt,
                        status,
                        String.valueOf(duration),
                        rating == null ? null : String.valueOf(rating)
                    };
                }
            }
        }
    }

    /** One to three goals per match, set in its first month; some achieved, some abandoned. */
    void writeGoals(CsvDatasetWriter out, SplittableRandom rng) {
        int goals = 0;
        for (Match m : matches) {
            int count = 1 + rng.nextInt(3);
            for (int i = 0; i < count; i++) {
                int created = m.matchedDay() + rng.nextInt(31);
                int target = created + 60 + rng.nextInt(181);
                int achieved = created + 14 + rng.nextInt(target - created + 16);
                String category = new String[] {"task", "business", "talent"}[rng.nextInt(3)];
                double u = rng.nextDouble();
                if (created > asOfDay) {
                    continue;
                }
                String status =
                        u < 0.45 && achieved <= asOfDay ? "achieved" : u >= 0.45 && u < 0.60 ? "abandoned" : "open";
                goals++;
                out.write(
                        Ids.padded("G", goals, 6),
                        m.id(),
                        category,
                        Days.iso(created),
                        Days.iso(target),
                        status.equals("achieved") ? Days.iso(achieved) : null,
                        status);
            }
        }
    }
}
