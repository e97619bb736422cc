package dev.keyless.client.job;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A job's first step: a fresh platform token from its source, exchanged for an access token, both
 * registered with the job's masker and each step reported to its listener. Stateless.
 */
final class JobExchange {
    private JobExchange() {}

    /** One exchange of a fresh platform token from {@code tokens}, run when the supplier is called. */
    static Supplier<AccessToken> of(
            KeylessClient client, PlatformTokenSource tokens, JobSpec spec, JobContext context) {
        Objects.requireNonNull(spec.connection(), "an exchange needs the spec's connection");
        return () -> {
            JobListener listener = context.listener();
            long t0 = System.nanoTime();
            AccessToken at = client.authenticate(
                    spec.connection(),
                    () -> {
                        long f0 = System.nanoTime();
                        String token = context.masker().register(tokens.fetch(spec.audience()));
                        listener.step("platform token fetched from " + tokens.name(), since(f0));
                        return token;
                    },
                    spec.roleHint());
            context.masker().register(at.accessToken());
            listener.step(
                    "exchanged at connection " + spec.connection() + " for role " + at.role() + " (" + at.principal()
                            + ")",
                    since(t0));
            return at;
        };
    }

    static Duration since(long nanoStart) {
        return Duration.ofNanos(System.nanoTime() - nanoStart);
    }
}
