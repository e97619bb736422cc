package dev.keyless.service.secrets;

import dev.keyless.service.name.Names;
import dev.keyless.service.name.SecretNames;
import dev.keyless.service.problem.KeylessException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Request fields of the secret calls, checked into problems that never echo the value. */
final class SecretInputs {
    static final int MAX_DESCRIPTION = 1024;
    static final int MAX_LABELS = 32;

    private SecretInputs() {}

    static String folder(String field, String value) {
        return SecretNames.folder(field, value);
    }

    static List<String> segments(String field, String value) {
        return SecretNames.segments(field, value);
    }

    static String name(String value) {
        return SecretNames.name("name", value);
    }

    /** Printable text: no control, format (bidi overrides, BOM) or unpaired surrogate characters. */
    static String description(String value) {
        if (value == null) {
            return null;
        }
        String rule = "must be at most " + MAX_DESCRIPTION
                + " characters of printable text (no control or format characters, no lone surrogates)";
        if (value.length() > MAX_DESCRIPTION) {
            throw KeylessException.invalid("description", rule);
        }
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            int type = Character.getType(cp);
            if (Character.isISOControl(cp) || type == Character.FORMAT || type == Character.SURROGATE) {
                throw KeylessException.invalid("description", rule);
            }
            i += Character.charCount(cp);
        }
        return value;
    }

    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw KeylessException.invalid("labels", "holds more than " + MAX_LABELS + " labels");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            String key = Names.labelKey("labels", label.getKey());
            out.put(key, Names.labelValue("labels." + key, label.getValue()));
        }
        return out;
    }

    static long version(String field, Long version) {
        if (version == null || version < 1) {
            throw KeylessException.invalid(field, "must be a version number, 1 or more");
        }
        return version;
    }
}
