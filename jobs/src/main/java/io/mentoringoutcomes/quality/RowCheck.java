package io.mentoringoutcomes.quality;

import io.mentoringoutcomes.config.Level;
import java.util.List;

/**
 * A row-level rule derived from the contract. {@code okCondition} is a Spark SQL expression that is
 * true for a good row; the same text is the row flag of the quarantine pass and the predicate Deequ
 * measures, so the two cannot disagree.
 *
 * @param name        rule name as written to ops tables, e.g. {@code complete:match_id} or {@code mentor_is_not_mentee}
 * @param kind        the class of rule
 * @param columns     the columns whose values a quarantine record shows
 * @param okCondition SQL condition a good row satisfies (null-safe: null means fail)
 * @param allowed     allowed values for {@link Kind#ALLOWED}, else empty
 */
public record RowCheck(
        String name,
        Kind kind,
        List<String> columns,
        String okCondition,
        List<String> allowed,
        Level level,
        String message) {

    public enum Kind {
        COMPLETE,
        ALLOWED,
        RANGE,
        REQUIRED_WHEN,
        NOT_AFTER_AS_OF,
        REFERENCES,
        RULE,
        DUPLICATE_KEY
    }

    public RowCheck {
        columns = List.copyOf(columns);
        allowed = allowed == null ? List.of() : List.copyOf(allowed);
    }
}
