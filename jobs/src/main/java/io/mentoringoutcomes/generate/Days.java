package io.mentoringoutcomes.generate;

import java.time.LocalDate;

/** Days are epoch-day ints inside the generator; these turn them into contract text. */
final class Days {

    private Days() {}

    /** YYYY-MM-DD, or null (an empty field) for {@link Employee#EMPLOYED}. */
    static String iso(int day) {
        return day == Employee.EMPLOYED ? null : LocalDate.ofEpochDay(day).toString();
    }

    /** ISO-8601 local timestamp with seconds, e.g. 2025-03-04T14:30:00 (UTC by contract). */
    static String timestamp(int day, int hour, int minute) {
        return LocalDate.ofEpochDay(day) + "T" + twoDigits(hour) + ":" + twoDigits(minute) + ":00";
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    static int plusMonths(int day, int months) {
        return (int) LocalDate.ofEpochDay(day).plusMonths(months).toEpochDay();
    }
}
