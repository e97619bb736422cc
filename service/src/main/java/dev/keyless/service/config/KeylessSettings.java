package dev.keyless.service.config;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The service's own settings, {@code keyless.*} (environment: {@code KEYLESS_*}). Secrets among
 * them (bootstrap token, master key) are only ever handed to the code that consumes them.
 */
@Singleton
public class KeylessSettings {
    private final Path dataDir;
    private final String bootstrapTeam;
    private final String bootstrapToken;
    private final String masterKey;
    private final String issuer;
    private final Duration jwksStaleTtl;
    private final Duration jwksRefetchInterval;
    private final boolean jwksAllowPrivateAddresses;

    public KeylessSettings(
            @Value("${keyless.data-dir:./data}") String dataDir,
            @Value("${keyless.bootstrap-team:default}") String bootstrapTeam,
            @Nullable @Value("${keyless.bootstrap-token:}") String bootstrapToken,
            @Nullable @Value("${keyless.master-key:}") String masterKey,
            @Value("${keyless.issuer:keyless}") String issuer,
            @Value("${keyless.jwks.stale-ttl:24h}") Duration jwksStaleTtl,
            @Value("${keyless.jwks.refetch-interval:30s}") Duration jwksRefetchInterval,
            @Value("${keyless.jwks.allow-private-addresses:false}") boolean jwksAllowPrivateAddresses) {
        this.dataDir = Path.of(dataDir);
        this.bootstrapTeam = bootstrapTeam;
        this.bootstrapToken = blankToNull(bootstrapToken);
        this.masterKey = blankToNull(masterKey);
        this.issuer = issuer;
        this.jwksStaleTtl = jwksStaleTtl;
        this.jwksRefetchInterval = jwksRefetchInterval;
        this.jwksAllowPrivateAddresses = jwksAllowPrivateAddresses;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String bootstrapTeam() {
        return bootstrapTeam;
    }

    /** The security admin token to create at first start, or null to generate one. */
    public @Nullable String bootstrapToken() {
        return bootstrapToken;
    }

    /** Base64 of the 256-bit master key, or null to use the key file in the data dir. */
    public @Nullable String masterKey() {
        return masterKey;
    }

    public String issuer() {
        return issuer;
    }

    public Duration jwksStaleTtl() {
        return jwksStaleTtl;
    }

    public Duration jwksRefetchInterval() {
        return jwksRefetchInterval;
    }

    /**
     * Whether issuer and key URLs may point at loopback, private or link-local addresses. Off by
     * default: otherwise an admin could make the service probe the internal network.
     */
    public boolean jwksAllowPrivateAddresses() {
        return jwksAllowPrivateAddresses;
    }
}
