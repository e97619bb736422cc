package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionState;
import dev.keyless.service.db.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated, defaulted connection spec: everything the admin controls, nothing the service does. */
record ConnectionSettings(
        String name,
        String provider,
        String issuer,
        String jwksUri,
        String jwksPinned,
        List<String> audiences,
        List<String> algorithms,
        Map<String, Object> requiredClaims,
        Duration maxTokenAge,
        Duration clockSkew) {

    WorkloadConnection toConnection(
            String team,
            ConnectionState state,
            long generation,
            String createdBy,
            Instant createdAt,
            Instant updatedAt) {
        return new WorkloadConnection(
                team,
                name,
                provider,
                issuer,
                jwksUri,
                jwksPinned,
                audiences,
                algorithms,
                requiredClaims,
                maxTokenAge,
                clockSkew,
                state,
                generation,
                contentHash(),
                createdBy,
                createdAt,
                updatedAt);
    }

    /** SHA-256 over the canonical JSON of the settings, so an audit event can name a version. */
    String contentHash() {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("name", name);
        content.put("provider", provider);
        content.put("issuer", issuer);
        content.put("jwks_uri", jwksUri);
        content.put("jwks_pinned", jwksPinned);
        content.put("audiences", audiences);
        content.put("algorithms", algorithms);
        content.put("required_claims", requiredClaims);
        content.put("max_token_age_seconds", maxTokenAge.toSeconds());
        content.put("clock_skew_seconds", clockSkew.toSeconds());
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(Json.write(content).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
