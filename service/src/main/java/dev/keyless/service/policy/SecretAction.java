package dev.keyless.service.policy;

import java.util.Locale;
import java.util.Optional;

/** What a policy may grant on secrets: see their names and metadata, or read their values. */
public enum SecretAction {
    LIST,
    REVEAL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<SecretAction> fromWire(String value) {
        for (SecretAction a : values()) {
            if (a.wireName().equals(value)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
