package dev.keyless.protocol.sudo;

import java.util.regex.Pattern;

/**
 * The role-name grammar and the Unix user it maps to, shared by the service (write time) and the
 * host agent (defence in depth, at use time). ASCII only, so Unicode look-alikes never pass.
 * Messages name the rule, never the rejected value. Stateless and thread-safe.
 */
public final class RoleNames {
    /**
     * {@code wl_} plus at most 29 characters is 32, the longest name useradd accepts; design.md's
     * {@code {0,29}} would allow 33, so the last character is taken off (as the service does).
     */
    private static final Pattern ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,28}");

    /** The prefix of every just-in-time Unix account. */
    public static final String PRINCIPAL_PREFIX = "wl_";

    /** The rule, for messages. */
    public static final String RULE = "must match [a-z][a-z0-9_-]{0,28}";

    private RoleNames() {}

    /** Whether {@code role} is a valid role name. */
    public static boolean isRole(String role) {
        return role != null && ROLE.matcher(role).matches();
    }

    /** Whether {@code user} is {@code wl_} followed by a valid role name. */
    public static boolean isPrincipal(String user) {
        return user != null && user.startsWith(PRINCIPAL_PREFIX) && isRole(user.substring(PRINCIPAL_PREFIX.length()));
    }

    /**
     * The Unix user and certificate principal of a role: {@code wl_<role>}.
     *
     * @throws IllegalArgumentException when the role breaks the grammar
     */
    public static String principalFor(String role) {
        if (!isRole(role)) {
            throw new IllegalArgumentException("role " + RULE);
        }
        return PRINCIPAL_PREFIX + role;
    }
}
