package dev.keyless.service.audit;

import dev.keyless.service.problem.KeylessException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Checks the run filters of an audit query; a value that cannot be one is a 400 naming the field. */
final class AuditFilterValues {
    static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    static final Duration MAX_WINDOW = Duration.ofDays(7);
    // Epoch seconds up to 9999-12-31, as a token's iat is written; no sign, no exponent.
    private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private AuditFilterValues() {}

    /** A time window of {@code window} (default one hour) either side of {@code around}. */
    record Window(Instant since, Instant until) {}

    static String text(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.isEmpty() || value.length() > max) {
            throw KeylessException.invalid(field, "must be 1 to " + max + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw KeylessException.invalid(field, "must not contain control characters");
            }
        }
        return value;
    }

    static Window around(String around, String window) {
        if (around == null) {
            if (window != null) {
                throw KeylessException.invalid("window", "is only meaningful with around");
            }
            return null;
        }
        Instant at = at(around);
        Duration half = window == null ? DEFAULT_WINDOW : duration(window);
        return new Window(at.minus(half), at.plus(half));
    }

    private static Instant at(String around) {
        if (around.matches("[0-9]{1,12}")) {
            long seconds = Long.parseLong(around);
            if (seconds <= MAX_EPOCH_SECOND) {
                return Instant.ofEpochSecond(seconds);
            }
        } else if (around.length() <= 40) {
            try {
                Instant at = Instant.parse(around);
                if (at.getEpochSecond() >= 0 && at.getEpochSecond() <= MAX_EPOCH_SECOND) {
                    return at;
                }
            } catch (DateTimeParseException e) {
                // answered below
            }
        }
        throw KeylessException.invalid(
                "around", "must be a token's iat in epoch seconds or an ISO-8601 instant between 1970 and 9999");
    }

    private static Duration duration(String window) {
        Duration d;
        try {
            d = window.length() <= 40 ? Duration.parse(window) : null;
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(MAX_WINDOW) > 0) {
            throw KeylessException.invalid("window", "must be an ISO-8601 duration from PT1S to P7D, such as PT30M");
        }
        return d;
    }
}
