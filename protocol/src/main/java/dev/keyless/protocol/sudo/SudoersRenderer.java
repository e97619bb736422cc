package dev.keyless.protocol.sudo;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the sudoers drop-in for one session, one line per command:
 *
 * <pre>
 * # keyless session 3f2a...: sudo rules for wl_deploy, removed when the session ends
 * wl_deploy ALL=(root) NOPASSWD: /usr/bin/systemctl restart app
 * wl_deploy ALL=(root) NOPASSWD: /usr/bin/id ""
 * </pre>
 *
 * <p>Escaping follows sudoers(5): in command arguments {@code , : = \} must be escaped with a
 * backslash; the grammar forbids {@code \}, so {@code , : =} are escaped here. A command without
 * arguments is written with {@code ""}, which sudoers reads as "no arguments allowed" (a bare path
 * would allow any). The host agent still runs {@code visudo -cf} before installing the file.
 * Stateless and thread-safe.
 */
public final class SudoersRenderer {
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private SudoersRenderer() {}

    /**
     * The sudoers file of one session: its role's account may run exactly {@code commands}.
     *
     * @param sessionId the session the file belongs to, {@code [A-Za-z0-9-]{1,64}}
     * @param role the role; the sudoers user is {@code wl_<role>}
     * @param commands validated commands; empty renders a file that grants nothing
     * @throws IllegalArgumentException when the session id or role breaks its grammar
     */
    public static String render(String sessionId, String role, List<SudoCommand> commands) {
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("session id must match [A-Za-z0-9-]{1,64}");
        }
        String user = RoleNames.principalFor(role);
        StringBuilder out = new StringBuilder(128 + commands.size() * 64);
        // "# " with a space: "#include" and "#includedir" at line start are directives, not comments.
        out.append("# keyless session ")
                .append(sessionId)
                .append(": sudo rules for ")
                .append(user)
                .append(", removed when the session ends\n");
        for (SudoCommand command : commands) {
            out.append(user)
                    .append(" ALL=(root) NOPASSWD: ")
                    .append(commandSpec(command))
                    .append('\n');
        }
        return out.toString();
    }

    /** One command as sudoers spells it. */
    static String commandSpec(SudoCommand command) {
        if (command.unrestricted()) {
            return "ALL";
        }
        if (command.arguments().isEmpty()) {
            return command.path() + " \"\"";
        }
        StringBuilder spec = new StringBuilder(command.path());
        for (String argument : command.arguments()) {
            spec.append(' ');
            for (int i = 0; i < argument.length(); i++) {
                char c = argument.charAt(i);
                if (c == ',' || c == ':' || c == '=' || c == '\\') {
                    spec.append('\\');
                }
                spec.append(c);
            }
        }
        return spec.toString();
    }
}
