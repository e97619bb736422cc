package dev.keyless.service.agent;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.access.AgentRequestVerifier;
import dev.keyless.service.admin.PathTeam;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.ca.SshPublicKeys;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * Lets a controller take an {@link AgentPrincipal}: the {@code KeylessAgent} header is verified
 * with the key the agent enrolled, for this method, path and team, before the method runs.
 */
@Singleton
final class AgentPrincipalBinder implements TypedRequestArgumentBinder<AgentPrincipal> {
    private static final String SCHEME = "KeylessAgent ";

    private final Db db;
    private final Clock clock;
    private final AgentRequestVerifier verifier;

    AgentPrincipalBinder(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
        this.verifier = new AgentRequestVerifier(clock);
    }

    @Override
    public Argument<AgentPrincipal> argumentType() {
        return Argument.of(AgentPrincipal.class);
    }

    @Override
    public BindingResult<AgentPrincipal> bind(
            ArgumentConversionContext<AgentPrincipal> context, HttpRequest<?> source) {
        AgentPrincipal principal = authenticate(
                PathTeam.of(source),
                source.getHeaders().get(HttpHeaders.AUTHORIZATION),
                source.getMethodName(),
                source.getPath());
        return () -> Optional.of(principal);
    }

    private AgentPrincipal authenticate(String team, String authorization, String method, String path) {
        if (authorization == null || !authorization.startsWith(SCHEME) || authorization.length() > 4096) {
            throw unauthenticated("Send a signed agent request as 'Authorization: KeylessAgent <jws>'");
        }
        String jws = authorization.substring(SCHEME.length()).trim();
        String agentId = AgentRequestVerifier.agentIdOf(jws);
        Agent agent = db.read(c -> AgentRepository.find(c, agentId))
                .filter(a -> a.team().equals(team))
                .orElseThrow(() -> unauthenticated("No agent with this key id is enrolled in this team"));
        AgentRequestVerifier.AgentRequest request;
        try {
            request = verifier.verify(jws, ed25519(agent.publicKey()), method, path);
        } catch (AgentRequestVerifier.Rejected e) {
            throw unauthenticated(e.getMessage());
        }
        if (!request.team().equals(agent.team()) || !request.server().equals(agent.server())) {
            throw unauthenticated("The agent request names another team or server than the agent enrolled for");
        }
        db.write(c -> {
            AgentRepository.touch(c, agent.id(), clock.instant());
            return null;
        });
        return new AgentPrincipal(agent.id(), agent.team(), agent.server());
    }

    /** The raw 32-byte key inside an ssh-ed25519 public key blob (its last 32 bytes). */
    static byte[] ed25519(String openSshLine) {
        SshPublicKey key = SshPublicKeys.parse(openSshLine);
        byte[] blob = key.blob();
        return Arrays.copyOfRange(blob, blob.length - 32, blob.length);
    }

    private static KeylessException unauthenticated(String detail) {
        return new KeylessException(ProblemType.AGENT_UNAUTHENTICATED, detail);
    }
}
