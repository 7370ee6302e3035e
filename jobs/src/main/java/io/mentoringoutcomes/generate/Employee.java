package io.mentoringoutcomes.generate;

import java.util.ArrayList;
import java.util.List;

/** A simulated employee. Mutable while the simulation runs; read-only afterwards. */
final class Employee {

    /** termination day of someone still employed. */
    static final int EMPLOYED = Integer.MAX_VALUE;

    final int number;
    final String id;
    final int hireDay;
    final int location;
    final int gender;
    final int ethnicity;
    final int performanceRating;
    final double salaryNoise;
    final List<JobEvent> events = new ArrayList<>(2);
    int department;
    int level;
    String managerId;
    /** Last day employed, inclusive; {@link #EMPLOYED} while employed. */
    int terminationDay = EMPLOYED;

    String terminationType;
    MenteeSelection mentee;
    boolean hadHeldMeeting;
    /** Day of the first held meeting as a mentee (any match), the primary design's time zero; MAX_VALUE if none. */
    int firstHeldMeetingDay = Integer.MAX_VALUE;

    Employee(
            int number,
            int hireDay,
            int department,
            int level,
            int location,
            int gender,
            int ethnicity,
            int performanceRating,
            double salaryNoise) {
        this.number = number;
        this.id = id(number);
        this.hireDay = hireDay;
        this.department = department;
        this.level = level;
        this.location = location;
        this.gender = gender;
        this.ethnicity = ethnicity;
        this.performanceRating = performanceRating;
        this.salaryNoise = salaryNoise;
        events.add(new JobEvent(hireDay, "hire", level, department, null));
    }

    static String id(int number) {
        return Ids.padded("E", number, 6);
    }

    boolean employedOn(int day) {
        return hireDay <= day && day <= terminationDay;
    }

    boolean isTerminated() {
        return terminationDay != EMPLOYED;
    }

    /** Job level on a day, from the event history (promotions are effective on their day). */
    int levelOn(int day) {
        int result = events.get(0).level();
        for (JobEvent e : events) {
            if (e.day() > day) {
                break;
            }
            result = e.level();
        }
        return result;
    }

    double annualSalary() {
        double raw =
                OrgCatalog.LEVEL_BASE_SALARY[level] * OrgCatalog.DEPARTMENT_SALARY_FACTOR[department] * salaryNoise;
        return Math.round(raw / 100) * 100.0;
    }
}
