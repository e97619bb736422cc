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

    /** A new session, field by field; the canonical constructor is for rows read back. */
    static Builder builder() {
        return new Builder();
    }

    /** Names each field of a starting session; closing time and reason stay unset. */
    static final class Builder {
        private String id;
        private String team;
        private String connection;
        private String role;
        private String server;
        private String subject;
        private String accessTokenId;
        private CertificateOptions certificate;
        private List<String> sudo = List.of();
        private SessionState state;
        private Instant createdAt;

        private Builder() {}

        Builder id(String value) {
            this.id = value;
            return this;
        }

        Builder team(String value) {
            this.team = value;
            return this;
        }

        Builder connection(String value) {
            this.connection = value;
            return this;
        }

        Builder role(String value) {
            this.role = value;
            return this;
        }

        Builder server(String value) {
            this.server = value;
            return this;
        }

        Builder subject(String value) {
            this.subject = value;
            return this;
        }

        Builder accessTokenId(String value) {
            this.accessTokenId = value;
            return this;
        }

        /** Principal, serial and validity of the session's certificate. */
        Builder certificate(CertificateOptions value) {
            this.certificate = value;
            return this;
        }

        /** The rendered sudo commands. */
        Builder sudo(List<String> value) {
            this.sudo = value;
            return this;
        }

        Builder state(SessionState value) {
            this.state = value;
            return this;
        }

        Builder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /** The team, read back for the lookups made before {@link #build}. */
        String team() {
            return team;
        }

        String server() {
            return server;
        }

        SshSession build() {
            return new SshSession(
                    id,
                    team,
                    connection,
                    role,
                    server,
                    certificate.principal().name(),
                    certificate.identity().serialText(),
                    state,
                    subject,
                    accessTokenId,
                    sudo,
                    certificate.validity().validAfter(),
                    certificate.validity().validBefore(),
                    createdAt,
                    null,
                    null);
        }
    }

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
