package io.mentoringoutcomes.generate;

/** A mentor-mentee pairing. endDay is {@link Employee#EMPLOYED} (no end) while active. */
record Match(String id, int program, Employee mentor, Employee mentee, int matchedDay, int endDay, String endReason) {

    boolean isActive() {
        return endDay == Employee.EMPLOYED;
    }
}
