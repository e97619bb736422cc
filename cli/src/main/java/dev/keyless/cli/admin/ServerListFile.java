package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.keyless.client.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The servers of {@code keyless admin servers create-bulk}, each the request body of {@code POST
 * /servers}: a CSV file with a header row ({@code name,address,port,labels}; {@code port} and
 * {@code labels} may be left out or empty; labels as {@code key=value} pairs separated by {@code ;}),
 * or a JSON or YAML list of server objects (or the {@code {"servers": [...]}} body of {@code POST
 * /servers/bulk}). The service validates each field; this file only checks what would otherwise
 * fail a later chunk after earlier ones were created: every entry has a name, and no name repeats.
 */
final class ServerListFile {
    static final long MAX_BYTES = 64L << 20;
    private static final Set<String> CSV_COLUMNS = Set.of("name", "address", "port", "labels");

    /** One server of the file: its request body, and where it came from ("line 7", "entry 3"). */
    record Entry(ObjectNode spec, String where) {
        String name() {
            return spec.path("name").asText();
        }
    }

    private ServerListFile() {}

    static List<Entry> read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than 64 MiB");
            }
            String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
            List<Entry> entries = lower.endsWith(".csv") ? csv(file) : listed(file, lower.endsWith(".json"));
            check(file, entries);
            return entries;
        } catch (IOException e) {
            // The parser's message may quote the file's content; only say what kind of failure.
            throw new IllegalArgumentException(
                    "cannot read " + file + " as " + kind(file) + " ("
                            + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    private static String kind(Path file) {
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return lower.endsWith(".csv") ? "CSV with a header row" : "a JSON or YAML list of servers";
    }

    private static List<Entry> csv(Path file) throws IOException {
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES);
        List<Entry> entries = new ArrayList<>();
        try (MappingIterator<Map<String, String>> rows = mapper.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader().withComments())
                .readValues(file.toFile())) {
            while (rows.hasNextValue()) {
                Map<String, String> row = rows.nextValue();
                // The row's last token, which the CSV parser places at the row's first line.
                long line = rows.getParser().currentTokenLocation().getLineNr();
                for (String column : row.keySet()) {
                    if (!CSV_COLUMNS.contains(column)) {
                        throw new IllegalArgumentException(file + ": unknown column '" + column
                                + "' (the columns are name, address, port, labels)");
                    }
                }
                entries.add(new Entry(fromRow(file, line, row), "line " + line));
            }
        }
        return entries;
    }

    private static ObjectNode fromRow(Path file, long line, Map<String, String> row) {
        ObjectNode spec = Json.mapper().createObjectNode();
        spec.put("name", row.getOrDefault("name", ""));
        spec.put("address", row.getOrDefault("address", ""));
        String port = row.getOrDefault("port", "");
        if (!port.isEmpty()) {
            try {
                spec.put("port", Integer.parseInt(port));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + line + ": port must be a number", e);
            }
        }
        ObjectNode labels = spec.putObject("labels");
        for (String pair : row.getOrDefault("labels", "").split(";", -1)) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        file + " line " + line + ": labels take key=value pairs separated by ';'");
            }
            labels.put(
                    pair.substring(0, equals).strip(),
                    pair.substring(equals + 1).strip());
        }
        return spec;
    }

    private static List<Entry> listed(Path file, boolean json) throws IOException {
        JsonNode root = json ? Json.mapper().readTree(file.toFile()) : SpecFiles.YAML.readTree(file.toFile());
        JsonNode list = root != null && root.isObject() ? root.path("servers") : root;
        if (!(list instanceof ArrayNode)) {
            throw new IllegalArgumentException(file + " must hold a list of servers (or {\"servers\": [...]})");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof ObjectNode spec)) {
                throw new IllegalArgumentException(file + " entry " + (i + 1) + " is not a server object");
            }
            entries.add(new Entry(spec, "entry " + (i + 1)));
        }
        return entries;
    }

    private static void check(Path file, List<Entry> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(file + " lists no servers");
        }
        Map<String, String> seen = new HashMap<>();
        for (Entry e : entries) {
            if (e.name().isBlank()) {
                throw new IllegalArgumentException(file + " " + e.where() + ": the server has no name");
            }
            String before = seen.putIfAbsent(e.name(), e.where());
            if (before != null) {
                throw new IllegalArgumentException(
                        file + " " + e.where() + ": server '" + e.name() + "' is listed before, at " + before);
            }
        }
    }
}
