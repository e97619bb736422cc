package dev.keyless.cli;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.token.PlatformTokenSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of the subcommands that exchange a platform token: shared options and helpers. */
abstract class WorkloadCommand implements Callable<Integer> {
    @Mixin
    ServiceOptions service;

    @Mixin
    TokenOptions token;

    @Spec
    CommandSpec spec;

    /** The source this run picked, once it has; for error hints. */
    private PlatformTokenSource picked;

    Context ctx() {
        return KeylessCli.context(spec);
    }

    /** The audience this run asks for, or null before it is known; for error hints. */
    String requestedAudience() {
        try {
            return token.audience(service);
        } catch (RuntimeException e) {
            return null;
        }
    }

    KeylessClient client() {
        return service.client(ctx());
    }

    /** The name of the token source this run picked, or null before it has; for error hints. */
    String pickedSource() {
        return picked == null ? null : picked.name();
    }

    PlatformTokenSource source() {
        PlatformTokenSource source = token.source(ctx());
        picked = source;
        ctx().debug("token source: " + source.describe(), java.time.Duration.ZERO);
        return source;
    }
}
