package io.mentoringoutcomes.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the contract as Markdown ({@code docs/input-contract.md}), so the documentation is
 * generated from the one declaration instead of restating it. A test keeps the file in step.
 */
public final class ContractDocs {

    private ContractDocs() {}

    public static String markdown(Contract contract) {
        StringBuilder md = new StringBuilder();
        md.append("# Input contract\n\n")
                .append(
                        "Generated from `schemas/*.yaml` by `bin/mentoring-outcomes contract-docs`; do not edit by hand.\n\n")
                .append(
                        "Each dataset arrives as `<name>.csv`, `<name>.jsonl`, `<name>.parquet` or a folder `<name>/` of such files. ")
                .append("CSV: UTF-8 (BOM tolerated), header row, comma, RFC 4180 quoting; dates `YYYY-MM-DD`; ")
                .append(
                        "timestamps ISO-8601 (no zone = UTC); an empty field is null. Columns beyond the contract are dropped ")
                .append("and named in a warning; a missing required column rejects the file.\n\n");
        for (DatasetContract d : contract.datasets()) {
            md.append("## ")
                    .append(d.dataset())
                    .append(d.required() ? " (required)" : " (optional)")
                    .append("\n\n")
                    .append(d.description())
                    .append("\n\n")
                    .append("Key: `")
                    .append(String.join("`, `", d.key()))
                    .append("`. Load: ")
                    .append(
                            d.isSnapshot()
                                    ? "snapshot (each delivery replaces the state of everyone in it)"
                                    : "upsert (MERGE by key)")
                    .append(".\n\n")
                    .append("| column | type | required | rules | description |\n|---|---|---|---|---|\n");
            for (ColumnSpec c : d.columns()) {
                md.append("| `")
                        .append(c.name())
                        .append("` | ")
                        .append(c.type())
                        .append(" | ")
                        .append(c.required() ? "yes" : c.requiredWhen() != null ? "when " + c.requiredWhen() : "")
                        .append(" | ")
                        .append(String.join("; ", rules(c)))
                        .append(" | ")
                        .append(c.description() == null ? "" : c.description().replace("|", "\\|"))
                        .append(" |\n");
            }
            if (!d.rules().isEmpty()) {
                md.append("\nRow rules:\n\n");
                for (RowRule r : d.rules()) {
                    md.append("- `")
                            .append(r.name())
                            .append("` (")
                            .append(r.level().toLowerCase(Locale.ROOT))
                            .append("): `")
                            .append(r.condition())
                            .append("`")
                            .append(r.description() == null ? "" : " - " + r.description())
                            .append('\n');
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static List<String> rules(ColumnSpec c) {
        List<String> out = new ArrayList<>();
        if (!c.allowed().isEmpty()) {
            out.add("one of " + String.join(", ", c.allowed()));
        }
        if (c.min() != null || c.max() != null) {
            out.add((c.min() == null ? "" : "≥ " + trim(c.min()))
                    + (c.min() != null && c.max() != null ? ", " : "")
                    + (c.max() == null ? "" : "≤ " + trim(c.max())));
        }
        if (c.references() != null) {
            out.add("references " + c.references());
        }
        if (c.notAfterAsOf()) {
            out.add("not after the as-of date");
        }
        if (c.sensitive()) {
            out.add("sensitive: aggregates only");
        }
        return out;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
