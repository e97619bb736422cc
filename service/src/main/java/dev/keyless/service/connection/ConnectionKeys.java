package dev.keyless.service.connection;

import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Json;
import dev.keyless.service.platformtoken.ProviderPreset;
import dev.keyless.service.platformtoken.SigningAlgorithm;
import dev.keyless.service.platformtoken.VerificationSettings;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import dev.keyless.service.platformtoken.jwks.JwkSetSources;
import dev.keyless.service.platformtoken.jwks.JwksFetchListener;
import dev.keyless.service.platformtoken.jwks.JwksFetchSettings;
import dev.keyless.service.platformtoken.jwks.JwksHealth;
import dev.keyless.service.platformtoken.jwks.PinnedJwkSetSource;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What verifying a token against a connection needs: its key source (one per connection, shared by
 * all requests, so the JWKS cache and its rate limits are per connection) and its settings.
 */
@Singleton
public class ConnectionKeys {
    private static final int MAX_PINNED_KEYS = 20;

    private final JwkSetSources sources;
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final Map<String, ParsedSettings> settings = new ConcurrentHashMap<>();

    ConnectionKeys(KeylessSettings settings, Clock clock, JwksFetchListener listener) {
        this.sources = new JwkSetSources(
                clock,
                JwksFetchSettings.defaults()
                        .withMaxStale(settings.jwksStaleTtl())
                        .withPrivateAddressesAllowed(settings.jwksAllowPrivateAddresses()),
                listener);
    }

    public JwkSetSource keysOf(WorkloadConnection c) {
        String id = c.team() + "/" + c.name();
        used.add(id);
        if (c.jwksPinned() != null) {
            return sources.pinned(
                    id,
                    c.contentHash(),
                    () -> PinnedJwkSetSource.of(Json.readMap(c.jwksPinned()), MAX_PINNED_KEYS, c.updatedAt()));
        }
        return sources.remote(
                id,
                ProviderPreset.fromId(c.provider())
                        .resolve(c.issuer(), c.jwksUri())
                        .jwks());
    }

    /**
     * The verification settings of the connection, built once per content hash: parsing the claim
     * conditions again on every exchange was hot-path work with an unchanging result.
     */
    public VerificationSettings settingsOf(WorkloadConnection c) {
        String id = c.team() + "/" + c.name();
        ParsedSettings cached = settings.get(id);
        if (cached == null || !cached.contentHash().equals(c.contentHash())) {
            cached = new ParsedSettings(c.contentHash(), parse(c));
            settings.put(id, cached);
        }
        return cached.settings();
    }

    private record ParsedSettings(String contentHash, VerificationSettings settings) {}

    private static VerificationSettings parse(WorkloadConnection c) {
        Set<SigningAlgorithm> algorithms = EnumSet.noneOf(SigningAlgorithm.class);
        c.algorithms().forEach(a -> SigningAlgorithm.fromJose(a).ifPresent(algorithms::add));
        return new VerificationSettings(
                c.issuer(),
                c.audiences(),
                algorithms,
                ClaimConditions.parse(c.requiredClaims()),
                c.maxTokenAge(),
                c.clockSkew());
    }

    /** Health of every key source used since start: {@code team/connection}, then key location. */
    public Map<String, Map<String, JwksHealth>> allHealth() {
        return sources.all();
    }

    /** Health of the key sources of one connection. */
    public Map<String, JwksHealth> health(String team, String connection) {
        return sources.health(team + "/" + connection);
    }

    /**
     * Health of the key sources of one team's connections used since start: connection name, then
     * key location.
     */
    public Map<String, Map<String, JwksHealth>> teamHealth(String team) {
        String prefix = team + "/";
        Map<String, Map<String, JwksHealth>> all = new TreeMap<>();
        for (String id : used) {
            if (id.startsWith(prefix)) {
                all.put(id.substring(prefix.length()), sources.health(id));
            }
        }
        return all;
    }
}
