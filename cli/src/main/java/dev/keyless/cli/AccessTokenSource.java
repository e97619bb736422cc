package dev.keyless.cli;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.job.JobContext;
import dev.keyless.client.job.JobSpec;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.token.Jwts;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * Where a workload command's access token comes from, decided in this one place: the token an
 * earlier {@code keyless authenticate} printed, in {@code $KEYLESS_TOKEN} (or the variable {@code
 * --token-env} names), when that is set; otherwise one exchange of a fresh platform token. This is
 * the two-step flow of {@code sft}: a platform token can be exchanged only once, so the second
 * command of a job must not exchange it again.
 *
 * <p>Mix it into a command ({@code @Mixin AccessTokenSource accessToken}) and call {@link #get} or
 * {@link #supplier} once per run. The variable's value is registered with the masker before
 * anything else happens, and never printed.
 */
public final class AccessTokenSource {
    /** The variable {@code keyless authenticate}'s output is meant to go to. */
    public static final String DEFAULT_VARIABLE = "KEYLESS_TOKEN";

    @Option(
            names = "--token-env",
            paramLabel = "VAR",
            defaultValue = DEFAULT_VARIABLE,
            description = "Variable holding an access token from `keyless authenticate` (default ${DEFAULT-VALUE});"
                    + " when it is unset, the platform token is exchanged.")
    String tokenEnv = DEFAULT_VARIABLE;

    /** The access token from the variable, if it is set (registered with the masker). */
    public Optional<String> fromEnvironment(Context ctx) {
        String value = ctx.env().get(tokenEnv);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(ctx.masker().register(value.strip()));
    }

    /** The name of the variable consulted, for messages. */
    public String variable() {
        return tokenEnv;
    }

    /**
     * The access token: from the variable when it is set, else one exchange as {@code spec}
     * describes, with {@code command}'s token source.
     */
    public AccessToken get(Context ctx, Supplier<PlatformTokenSource> platform, KeylessClient client, JobSpec spec) {
        return supplier(ctx, platform, client, spec).get();
    }

    /** As {@link #get} with {@code command}'s context and token source. */
    AccessToken get(WorkloadCommand command, KeylessClient client, JobSpec spec) {
        return get(command.ctx(), command::source, client, spec);
    }

    /**
     * The access token for a call that opens no session ({@code secrets ...}): from the variable,
     * else one exchange with {@code command}'s connection, audience and role hint.
     */
    String forCall(WorkloadCommand command) {
        Context ctx = command.ctx();
        Optional<String> given = fromEnvironment(ctx);
        if (given.isPresent()) {
            return given.get();
        }
        JobSpec spec = JobSpec.of(
                command.token.connection(), command.token.audience(command.service), command.token.role, List.of());
        return ctx.masker().register(get(command, command.client(), spec).accessToken());
    }

    /** As {@link #get} with {@code command}'s context and token source, deferred. */
    Supplier<AccessToken> supplier(WorkloadCommand command, KeylessClient client, JobSpec spec) {
        return supplier(command.ctx(), command::source, client, spec);
    }

    /**
     * As {@link #get}, deferred: {@link KeylessJob#open} calls it once its cleanup is in place.
     * {@code platform} is asked for a token source only when there is an exchange to make.
     */
    public Supplier<AccessToken> supplier(
            Context ctx, Supplier<PlatformTokenSource> platform, KeylessClient client, JobSpec spec) {
        Optional<String> given = fromEnvironment(ctx);
        if (given.isPresent()) {
            return () -> {
                AccessToken at = describe(given.get());
                ctx.debug("access token from $" + tokenEnv + " for role " + at.role(), java.time.Duration.ZERO);
                return at;
            };
        }
        JobContext jobContext = new JobContext(ctx.env(), ctx.masker(), ctx.listener());
        return () ->
                KeylessJob.exchange(client, platform.get(), spec, jobContext).get();
    }

    /**
     * An access token as the exchange would have answered it. Role and expiry are read from the
     * token's payload without verification, for messages only; the service verifies every use.
     */
    static AccessToken describe(String token) {
        Map<String, Object> claims = Jwts.claims(token).orElse(Map.of());
        String role = claims.get("role") instanceof String r ? r : null;
        long expiresIn = claims.get("exp") instanceof Number exp
                ? Math.max(0, exp.longValue() - Instant.now().getEpochSecond())
                : 0;
        return new AccessToken(token, "Bearer", expiresIn, role, role == null ? null : "wl_" + role);
    }
}
