package dev.keyless.service.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the embedded database and the master key file live when {@code KEYLESS_DATA_DIR} (or
 * {@code -Dkeyless.data-dir}) does not say: a fixed per-user directory, {@code
 * $XDG_DATA_HOME/keyless}, else {@code ~/.local/share/keyless}. Not the working directory: a
 * service started from another directory would silently have created a new, empty database.
 */
public final class DataDirDefault {
    public static final String PROPERTY = "keyless.data-dir";

    private DataDirDefault() {}

    /** The property to add to the service's start, or nothing when the data dir is configured. */
    public static Map<String, Object> fromEnvironment(Map<String, String> env, String userHome) {
        String configured = env.get("KEYLESS_DATA_DIR");
        if ((configured != null && !configured.isBlank()) || System.getProperty(PROPERTY) != null) {
            return Map.of();
        }
        return Map.of(PROPERTY, perUser(env, userHome).toString());
    }

    static Path perUser(Map<String, String> env, String userHome) {
        String xdg = env.get("XDG_DATA_HOME");
        // The XDG spec: a relative XDG_DATA_HOME is invalid and must be ignored.
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "keyless");
        }
        return Path.of(userHome, ".local", "share", "keyless");
    }
}
