package io.mentoringoutcomes.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Renders a small result as an aligned text table, CSV or JSON lines. */
public final class TablePrinter {

    private TablePrinter() {}

    public static String render(Dataset<Row> result, QueryCommand.Format format, int limit) {
        String[] columns = result.columns();
        List<Row> rows = result.limit(limit).collectAsList();
        StringBuilder out = new StringBuilder();
        switch (format) {
            case json ->
                result.limit(limit)
                        .toJSON()
                        .collectAsList()
                        .forEach(line -> out.append(line).append('\n'));
            case csv -> {
                out.append(String.join(",", columns)).append('\n');
                for (Row r : rows) {
                    List<String> cells = new ArrayList<>();
                    for (int i = 0; i < columns.length; i++) {
                        cells.add(csvCell(r.isNullAt(i) ? "" : String.valueOf(r.get(i))));
                    }
                    out.append(String.join(",", cells)).append('\n');
                }
            }
            case table -> {
                int[] width = new int[columns.length];
                List<String[]> cells = new ArrayList<>();
                for (int i = 0; i < columns.length; i++) {
                    width[i] = columns[i].length();
                }
                for (Row r : rows) {
                    String[] line = new String[columns.length];
                    for (int i = 0; i < columns.length; i++) {
                        line[i] = r.isNullAt(i) ? "NULL" : String.valueOf(r.get(i));
                        width[i] = Math.max(width[i], line[i].length());
                    }
                    cells.add(line);
                }
                out.append(line(columns, width))
                        .append('\n')
                        .append(rule(width))
                        .append('\n');
                cells.forEach(c -> out.append(line(c, width)).append('\n'));
                out.append("(")
                        .append(rows.size())
                        .append(rows.size() == 1 ? " row" : " rows")
                        .append(rows.size() == limit ? ", limited" : "")
                        .append(")\n");
            }
        }
        return out.toString();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", cells[i]));
        }
        return sb.toString().stripTrailing();
    }

    private static String rule(int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
            sb.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        return sb.toString();
    }

    private static String csvCell(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }
}
