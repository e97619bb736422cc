package dev.keyless.service.agent;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.accesstoken.AgentRequestVerifier;
import dev.keyless.service.accesstoken.AgentRequestVerifier.AgentRequest;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.ca.SshPublicKeys;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns an {@link AgentCall} and the exact body bytes into an {@link AgentPrincipal}: the header is
 * verified with the key the agent enrolled, for this method, path with query and body, and its
 * {@code jti} is claimed in the database, so a header is good for one request on any replica.
 */
@Singleton
final class AgentAuthenticator {
    private static final String SCHEME = "KeylessAgent ";
    private static final int MAX_HEADER_CHARS = 4096;
    static final Duration LAST_SEEN_RESOLUTION = Duration.ofMinutes(1);

    private final Db db;
    private final Clock clock;
    private final AgentRequestVerifier verifier;

    AgentAuthenticator(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.verifier = new AgentRequestVerifier(clock);
    }

    AgentPrincipal authenticate(AgentCall call, byte[] body) {
        String authorization = call.authorization();
        if (authorization == null || !authorization.startsWith(SCHEME) || authorization.length() > MAX_HEADER_CHARS) {
            throw refused(
                    ProblemType.AGENT_UNAUTHENTICATED,
                    "Send a signed agent request as 'Authorization: KeylessAgent <jws>'");
        }
        String jws = authorization.substring(SCHEME.length()).trim();
        String agentId = AgentRequestVerifier.agentIdOf(jws);
        Agent agent = db.read(c -> AgentRepository.find(c, agentId))
                .filter(a -> a.team().equals(call.team()))
                .orElseThrow(() -> refused(
                        ProblemType.AGENT_UNAUTHENTICATED, "No agent with this key id is enrolled in this team"));
        AgentRequest request;
        try {
            request = verifier.verify(
                    jws,
                    ed25519(agent.publicKey()),
                    new AgentRequestVerifier.Received(call.method(), call.target(), body));
        } catch (AgentRequestVerifier.Rejected e) {
            throw refused(e.type(), e.getMessage());
        }
        if (!request.team().equals(agent.team()) || !request.server().equals(agent.server())) {
            throw refused(
                    ProblemType.AGENT_UNAUTHENTICATED,
                    "The agent request names another team or server than the agent enrolled for");
        }
        Instant now = clock.instant();
        String version = request.agentVersion() == null ? agent.agentVersion() : request.agentVersion();
        boolean first = db.write(c -> {
            if (!AgentRepository.claimRequest(c, agent.id(), request.jti(), request.keepUntil())) {
                return false;
            }
            if (stale(agent, now, version)) {
                AgentRepository.touch(c, agent.id(), now, version);
            }
            return true;
        });
        if (!first) {
            throw refused(
                    ProblemType.AGENT_REQUEST_REPLAYED,
                    "This signed agent request was used before; sign each request afresh");
        }
        return new AgentPrincipal(agent.id(), agent.team(), agent.server());
    }

    /**
     * Whether a call updates the agent's row: at most once per {@link #LAST_SEEN_RESOLUTION} per
     * agent, or when its version changed. Thousands of agents long-polling every 25 s would
     * otherwise rewrite every agent row all the time; the Servers page needs the minute only. (The
     * {@code jti} claim above is the one write every request needs.)
     */
    static boolean stale(Agent agent, Instant now, String version) {
        return agent.lastSeenAt() == null
                || !agent.lastSeenAt().plus(LAST_SEEN_RESOLUTION).isAfter(now)
                || !Objects.equals(version, agent.agentVersion());
    }

    @Scheduled(fixedDelay = "60s", initialDelay = "60s")
    void purgeExpired() {
        db.write(c -> AgentRepository.purgeRequests(c, clock.instant()));
    }

    /** The raw 32-byte key inside an ssh-ed25519 public key blob (its last 32 bytes). */
    static byte[] ed25519(String openSshLine) {
        SshPublicKey key = SshPublicKeys.parse(openSshLine);
        byte[] blob = key.blob();
        return Arrays.copyOfRange(blob, blob.length - 32, blob.length);
    }

    private static KeylessException refused(ProblemType type, String detail) {
        return new KeylessException(type, detail);
    }
}
