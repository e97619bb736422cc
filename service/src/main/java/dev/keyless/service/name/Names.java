package dev.keyless.service.name;

import dev.keyless.protocol.sudo.RoleNames;
import java.util.regex.Pattern;

/**
 * Write-time validators for every name that can later reach a Unix user name, a file name, a
 * certificate or sudoers. Each returns its input unchanged when valid and otherwise throws {@link
 * InvalidNameException} naming the field and the rule, never the value. All patterns are ASCII
 * only, so Unicode look-alikes never pass. Thread-safe, stateless.
 */
public final class Names {
    /**
     * Role names. design.md writes {@code [a-z][a-z0-9_-]{0,29}}, but {@code wl_} plus 30
     * characters is 33, one more than useradd accepts (utmp's 32-byte {@code ut_user}); the stated
     * intent is a valid Linux user, so the last character is taken off here.
     */
    private static final Pattern RESOURCE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9._/-]{0,62}");
    private static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");

    /** The prefix of every just-in-time Unix account. */
    public static final String PRINCIPAL_PREFIX = "wl_";

    private Names() {}

    /** A role name; it becomes the Unix user {@code wl_<role>}, so it follows useradd's rules. */
    public static String role(String field, String value) {
        if (value == null) {
            throw new InvalidNameException(field, "is required");
        }
        // One grammar for service and agent: the agent re-checks with the same RoleNames.
        if (!RoleNames.isRole(value)) {
            throw new InvalidNameException(field, RoleNames.RULE);
        }
        return value;
    }

    /** The Unix user and certificate principal of a role: {@code wl_<role>}. */
    public static String principalFor(String role) {
        return PRINCIPAL_PREFIX + role("role", role);
    }

    public static String team(String field, String value) {
        return resource(field, value);
    }

    public static String connection(String field, String value) {
        return resource(field, value);
    }

    public static String policy(String field, String value) {
        return resource(field, value);
    }

    public static String server(String field, String value) {
        return resource(field, value);
    }

    public static String admin(String field, String value) {
        return resource(field, value);
    }

    public static String labelKey(String field, String value) {
        return match(field, value, LABEL_KEY, "label keys must match [a-z0-9][a-z0-9._/-]{0,62}");
    }

    public static String labelValue(String field, String value) {
        return match(field, value, LABEL_VALUE, "label values must match [A-Za-z0-9._-]{0,63}");
    }

    /**
     * A server address: an RFC 1123 host name, a dotted-quad IPv4 literal without leading zeros, or
     * an IPv6 literal without brackets or zone. An all-numeric name must be a valid IPv4 literal,
     * so {@code 010.1.1.1} or {@code 1.2.3} never reach ssh's own (octal, short-form) parsing.
     */
    public static String serverAddress(String field, String value) {
        String rule = "must be a host name (RFC 1123), an IPv4 literal or an IPv6 literal";
        if (value == null || value.isEmpty()) {
            throw new InvalidNameException(field, "is required");
        }
        if (value.indexOf(':') >= 0) {
            if (InetLiterals.ipv6(value) == null) {
                throw new InvalidNameException(field, rule);
            }
            return value;
        }
        if (DIGITS_AND_DOTS.matcher(value).matches()) {
            if (InetLiterals.ipv4(value) == null) {
                throw new InvalidNameException(field, rule);
            }
            return value;
        }
        if (value.length() > 253) {
            throw new InvalidNameException(field, rule);
        }
        // -1 keeps trailing empty strings, so "a..b" and "a." fail on their empty label.
        for (String label : value.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                throw new InvalidNameException(field, rule);
            }
        }
        return value;
    }

    /** A TCP port, 1 to 65535. */
    public static int port(String field, Integer value) {
        if (value == null) {
            throw new InvalidNameException(field, "is required");
        }
        if (value < 1 || value > 65_535) {
            throw new InvalidNameException(field, "must be between 1 and 65535");
        }
        return value;
    }

    private static String resource(String field, String value) {
        return match(field, value, RESOURCE, "must match [a-z0-9][a-z0-9._-]{0,62}");
    }

    private static String match(String field, String value, Pattern pattern, String rule) {
        if (value == null) {
            throw new InvalidNameException(field, "is required");
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidNameException(field, rule);
        }
        return value;
    }
}
