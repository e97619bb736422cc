package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/** Plain-text rendering of admin answers: aligned columns for lists, {@code field: value} for one. */
final class Table {
    private static final int MAX_CELL = 60;

    private Table() {}

    static String render(JsonNode rows, List<String> columns) {
        List<String[]> lines = new ArrayList<>();
        lines.add(columns.stream().map(c -> c.toUpperCase(Locale.ROOT)).toArray(String[]::new));
        for (JsonNode row : rows) {
            lines.add(columns.stream().map(c -> cell(row.path(c))).toArray(String[]::new));
        }
        int[] width = new int[columns.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                l.append(i == line.length - 1 ? line[i] : String.format("%-" + width[i] + "s  ", line[i]));
            }
            out.append(l.toString().stripTrailing()).append('\n');
        }
        if (rows.isEmpty()) {
            out.append("(none)\n");
        }
        return out.toString();
    }

    static String fields(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        if (!node.isObject()) {
            return cell(node);
        }
        int width = 0;
        for (var it = node.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        StringBuilder out = new StringBuilder();
        for (var f : node.properties()) {
            if (!f.getValue().isNull()) {
                out.append(String.format("%-" + (width + 1) + "s %s%n", f.getKey() + ":", full(f.getValue())));
            }
        }
        return out.toString();
    }

    /** A value in one cell: scalars as text, objects as {@code k=v,...}, lists comma-separated. */
    static String cell(JsonNode v) {
        String text = full(v);
        return text.length() > MAX_CELL ? text.substring(0, MAX_CELL - 3) + "..." : text;
    }

    private static String full(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "-";
        }
        if (v.isValueNode()) {
            return v.asText();
        }
        StringJoiner j = new StringJoiner(",");
        if (v.isArray()) {
            v.forEach(e -> j.add(e.isValueNode() ? e.asText() : e.toString()));
        } else {
            v.properties()
                    .forEach(e -> j.add(e.getKey() + "="
                            + (e.getValue().isValueNode()
                                    ? e.getValue().asText()
                                    : e.getValue().toString())));
        }
        return j.toString();
    }
}
