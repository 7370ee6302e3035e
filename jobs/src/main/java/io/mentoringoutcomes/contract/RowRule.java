package io.mentoringoutcomes.contract;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A row-level rule beyond single columns: a Spark SQL condition every row must satisfy. */
public record RowRule(
        @JsonProperty("name") String name,
        @JsonProperty("condition") String condition,
        @JsonProperty("level") String level,
        @JsonProperty("description") String description) {

    public RowRule {
        if (name == null || condition == null) {
            throw new IllegalArgumentException("a rule needs a name and a condition");
        }
        level = level == null ? "error" : level;
    }
}
