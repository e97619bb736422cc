package dev.keyless.service.session;

import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import java.time.Instant;
import java.util.List;

/** One certificate's session on one server. {@code sudo} holds the rendered sudo commands. */
public record SshSession(
        String id,
        String team,
        String connection,
        String role,
        String server,
        String principal,
        String serial,
        SessionState state,
        String subject,
        String accessTokenId,
        List<String> sudo,
        Instant validAfter,
        Instant validBefore,
        Instant createdAt,
        Instant closedAt,
        String reason) {

    /** The state as of {@code now}: a live session past its certificate's end has expired. */
    public SessionState stateAt(Instant now) {
        return !state.isFinal() && !now.isBefore(validBefore) ? SessionState.EXPIRED : state;
    }

    public AgentSession forAgent() {
        return new AgentSession(id, role, principal, serial, sudo, validBefore, state);
    }

    SessionView view(Instant now) {
        return new SessionView(
                id,
                stateAt(now),
                role,
                principal,
                server,
                serial,
                validAfter,
                validBefore,
                createdAt,
                closedAt,
                reason);
    }
}
