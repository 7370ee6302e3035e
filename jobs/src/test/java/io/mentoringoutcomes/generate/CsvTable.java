package io.mentoringoutcomes.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A dataset read back from a generated folder by a small RFC 4180 reader of its own, for assertions. */
final class CsvTable {

    final List<String> header;
    final List<Map<String, String>> rows = new ArrayList<>();

    private CsvTable(List<String> header) {
        this.header = header;
    }

    /** Reads {@code <dataset>.csv} or every part of {@code <dataset>/}; empty fields become null. */
    static CsvTable read(Path dir, String dataset) {
        List<Path> files = new ArrayList<>();
        Path single = dir.resolve(dataset + ".csv");
        if (Files.exists(single)) {
            files.add(single);
        } else {
            try (Stream<Path> parts = Files.list(dir.resolve(dataset))) {
                parts.sorted().forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        CsvTable table = null;
        for (Path f : files) {
            List<List<String>> records = parse(f);
            if (table == null) {
                table = new CsvTable(records.get(0));
            } else if (!table.header.equals(records.get(0))) {
                throw new AssertionError("part " + f + " has another header");
            }
            for (List<String> r : records.subList(1, records.size())) {
                if (r.size() != table.header.size()) {
                    throw new AssertionError(f + ": row has " + r.size() + " fields: " + r);
                }
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < r.size(); i++) {
                    row.put(table.header.get(i), r.get(i).isEmpty() ? null : r.get(i));
                }
                table.rows.add(row);
            }
        }
        return table;
    }

    static List<List<String>> parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
            } else if (c != '\r') {
                field.append(c);
            }
        }
        if (field.length() > 0 || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    List<String> column(String name) {
        return rows.stream().map(r -> r.get(name)).toList();
    }
}
