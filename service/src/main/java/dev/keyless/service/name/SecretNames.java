package dev.keyless.service.name;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The grammar of secret folders and secret names, checked at write time and on every read. A folder
 * is {@code /seg(/seg)*}: each segment starts with an ASCII letter or digit and holds only {@code
 * [A-Za-z0-9._-]}, so there are no empty, {@code .} or {@code ..} segments, no backslashes, no
 * Unicode look-alikes and nothing a glob or a path resolver could read differently. Messages name
 * the field and the rule, never the value.
 */
public final class SecretNames {
    public static final int MAX_FOLDER_LENGTH = 255;
    public static final int MAX_DEPTH = 10;
    public static final int MAX_NAME_LENGTH = 128;
    public static final String SEGMENT_CHARS = "[A-Za-z0-9._-]";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    static final String FOLDER_RULE = "must be an absolute folder path /seg/seg (1 to " + MAX_DEPTH
            + " segments matching [A-Za-z0-9][A-Za-z0-9._-]{0,62}, at most " + MAX_FOLDER_LENGTH + " characters)";
    static final String NAME_RULE = "must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private SecretNames() {}

    /** A folder path, returned unchanged when valid. */
    public static String folder(String field, String value) {
        segments(field, value);
        return value;
    }

    /** The segments of a valid folder path. */
    public static List<String> segments(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidNameException(field, "is required");
        }
        if (value.length() > MAX_FOLDER_LENGTH || value.charAt(0) != '/') {
            throw new InvalidNameException(field, FOLDER_RULE);
        }
        // -1 keeps trailing empty strings, so "/a/" and "/a//b" fail on their empty segment.
        String[] parts = value.substring(1).split("/", -1);
        if (parts.length > MAX_DEPTH) {
            throw new InvalidNameException(field, FOLDER_RULE);
        }
        for (String part : parts) {
            if (!SEGMENT.matcher(part).matches()) {
                throw new InvalidNameException(field, FOLDER_RULE);
            }
        }
        return List.of(parts);
    }

    /** A secret's name within its folder. */
    public static String name(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new InvalidNameException(field, "is required");
        }
        if (!NAME.matcher(value).matches()) {
            throw new InvalidNameException(field, NAME_RULE);
        }
        return value;
    }

    /** Whether {@code folder} is {@code ancestor} or lies below it (both valid folder paths). */
    public static boolean within(String folder, String ancestor) {
        return folder.equals(ancestor) || folder.startsWith(ancestor + "/");
    }
}
