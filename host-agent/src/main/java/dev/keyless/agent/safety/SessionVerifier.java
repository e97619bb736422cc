package dev.keyless.agent.safety;

import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.sudo.InvalidSudoRuleException;
import dev.keyless.protocol.sudo.RoleNames;
import dev.keyless.protocol.sudo.SudoCommand;
import dev.keyless.protocol.sudo.SudoRuleGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Defence in depth: re-checks a session received from the service against the same grammars the
 * service applies at write time (shared through {@code dev.keyless.protocol.sudo}), so that a
 * compromised or buggy service cannot make the agent touch a non-{@code wl_} account, write a
 * sudoers line that was never valid, or pass a value to a file name. Stateless and thread-safe.
 */
public final class SessionVerifier {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern SERIAL = Pattern.compile("[0-9]{1,20}");

    private SessionVerifier() {}

    /** Verifies {@code session} or throws {@link SessionRejectedException} with a fixed reason. */
    public static VerifiedSession verify(AgentSession session) {
        if (session == null) {
            throw new SessionRejectedException("session: missing");
        }
        if (session.id() == null || !UUID.matcher(session.id()).matches()) {
            throw new SessionRejectedException("id: must be a lower-case UUID");
        }
        if (!RoleNames.isRole(session.role())) {
            throw new SessionRejectedException("role: " + RoleNames.RULE);
        }
        if (!RoleNames.principalFor(session.role()).equals(session.principal())) {
            throw new SessionRejectedException("principal: must be wl_ followed by the role");
        }
        if (session.serial() == null || !SERIAL.matcher(session.serial()).matches()) {
            throw new SessionRejectedException("serial: must be an unsigned 64-bit decimal");
        }
        try {
            Long.parseUnsignedLong(session.serial());
        } catch (NumberFormatException e) {
            throw new SessionRejectedException("serial: must be an unsigned 64-bit decimal");
        }
        if (session.validBefore() == null) {
            throw new SessionRejectedException("valid_before: missing");
        }
        return new VerifiedSession(
                session.id(),
                session.role(),
                session.principal(),
                session.serial(),
                sudo(session.sudo()),
                session.validBefore());
    }

    /** Whether a received session id may name a file and a sudoers entry. */
    public static boolean isSessionId(String id) {
        return id != null && UUID.matcher(id).matches();
    }

    private static List<SudoCommand> sudo(List<String> rules) {
        if (rules == null) {
            return List.of();
        }
        if (rules.size() > SudoRuleGrammar.MAX_RULES) {
            throw new SessionRejectedException("sudo: at most " + SudoRuleGrammar.MAX_RULES + " rules");
        }
        List<SudoCommand> commands = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            try {
                commands.add(SudoRuleGrammar.parseText(i, rules.get(i)));
            } catch (InvalidSudoRuleException e) {
                throw new SessionRejectedException(e.getMessage());
            }
        }
        return commands;
    }
}
