package dev.keyless.service.audit.stream;

import java.util.Map;

/** The field writers the ECS and OCSF mappings share: an empty or missing value is left out. */
final class RecordFields {
    private RecordFields() {}

    /** {@code doc[object] = {field: value}} when the value has text. */
    static void putObject(Map<String, Object> doc, String object, String field, Object value) {
        String v = text(value);
        if (v != null) {
            doc.put(object, Map.of(field, v));
        }
    }

    static void putIfPresent(Map<String, Object> map, String field, Object value) {
        String v = text(value);
        if (v != null) {
            map.put(field, v);
        }
    }

    /** The value as text, or null when it is missing or empty. */
    static String text(Object value) {
        if (value == null) {
            return null;
        }
        String s = String.valueOf(value);
        return s.isEmpty() ? null : s;
    }
}
