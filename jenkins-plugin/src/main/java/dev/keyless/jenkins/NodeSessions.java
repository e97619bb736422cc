package dev.keyless.jenkins;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.Masker;
import dev.keyless.client.job.JobContext;
import dev.keyless.client.job.JobListener;
import dev.keyless.client.job.JobSpec;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.job.ServerAccess;
import dev.keyless.client.token.PlatformTokenSource;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jenkins.security.MasterToSlaveCallable;

/**
 * The {@link KeylessJob}s open in this JVM, keyed by id. The ssh-agent socket must live on the node
 * where the block's {@code sh} runs, so the job is opened there through the remoting channel (on
 * the built-in node the channel is local). All logic is {@code client/}'s {@code KeylessJob}.
 */
final class NodeSessions {
    private static final Map<String, KeylessJob> OPEN = new ConcurrentHashMap<>();

    private NodeSessions() {}

    /** What goes back over the channel once: plain secrets, never persisted. */
    record Opened(String id, Map<String, String> environment, List<String> secrets, String summary)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Opens the sessions on the node: exchange, certificates, READY, ssh-agent, ssh files. */
    static final class Open extends MasterToSlaveCallable<Opened, IOException> {
        private static final long serialVersionUID = 1L;
        private final SessionRequest request;
        private final String platformToken;
        private final Map<String, String> env;

        Open(SessionRequest request, String platformToken, Map<String, String> env) {
            this.request = request;
            this.platformToken = platformToken;
            this.env = Map.copyOf(env);
        }

        @Override
        public Opened call() throws IOException {
            Masker masker = new Masker();
            masker.register(platformToken);
            KeylessClient client = KeylessClient.builder(URI.create(request.serviceUrl()), request.team())
                    .env(env)
                    .build();
            JobSpec spec = new JobSpec(
                    request.connection(),
                    request.audience(), // the credential fixes the token's audience
                    request.role(),
                    request.servers(),
                    Duration.ofSeconds(request.timeoutSeconds()),
                    null);
            KeylessJob job;
            try {
                job = KeylessJob.open(
                        client, new FixedToken(platformToken), spec, new JobContext(env, masker, JobListener.NONE));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening the sessions", e);
            } catch (RuntimeException e) {
                // Refusals name the failed check and never the token; mask anyway.
                throw new IOException(masker.mask(e.getMessage()));
            }
            String id = UUID.randomUUID().toString();
            OPEN.put(id, job);
            String summary = job.servers().stream()
                    .map(NodeSessions::describe)
                    .collect(Collectors.joining(", "));
            return new Opened(id, job.environment(), List.copyOf(masker.secrets()), summary);
        }
    }

    /** Closes every session of a handle, stops its agent, deletes its files; idempotent. */
    static final class Close extends MasterToSlaveCallable<Boolean, IOException> {
        private static final long serialVersionUID = 1L;
        private final String id;

        Close(String id) {
            this.id = id;
        }

        @Override
        public Boolean call() {
            KeylessJob job = OPEN.remove(id);
            if (job == null) {
                return false;
            }
            job.close();
            return true;
        }
    }

    private static String describe(ServerAccess s) {
        return s.name() + " as " + s.principal() + " (session " + s.sessionId() + ")";
    }

    /** The credential's token, minted by Jenkins for this use; its audience is set on the credential. */
    private record FixedToken(String token) implements PlatformTokenSource {
        @Override
        public String name() {
            return "jenkins";
        }

        @Override
        public String describe() {
            return "jenkins (credential)";
        }

        @Override
        public String fetch(String audience) {
            return token;
        }

        @Override
        public String toString() {
            return "FixedToken[***]";
        }
    }
}
