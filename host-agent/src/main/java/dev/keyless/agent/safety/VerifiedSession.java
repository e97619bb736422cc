package dev.keyless.agent.safety;

import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Instant;
import java.util.List;

/**
 * A session whose every field passed the agent's own grammars; only these reach the OS adapters.
 *
 * @param serial certificate serial, unsigned decimal
 */
public record VerifiedSession(
        String id, String role, String principal, String serial, List<SudoCommand> sudo, Instant validBefore) {
    public VerifiedSession {
        sudo = List.copyOf(sudo);
    }
}
