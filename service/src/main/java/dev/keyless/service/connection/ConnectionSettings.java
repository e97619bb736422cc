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

    /** A new connection in {@code DRAFT}, proposed by its creator and approved by nobody yet. */
    WorkloadConnection toDraft(String team, long generation, String createdBy, Instant now) {
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
                ConnectionState.DRAFT,
                generation,
                contentHash(),
                createdBy,
                now,
                now,
                Approval.proposed(createdBy, now));
    }

    /**
     * SHA-256 over the canonical JSON of the settings: names a version in audit events, and is
     * what a second security admin approves.
     */
    String contentHash() {
        return hash(Json.write(content()));
    }

    /** The settings as an ordered map: the hashed form, also how a pending change is stored. */
    Map<String, Object> content() {
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
        return content;
    }

    /** The settings of a live connection. */
    static ConnectionSettings of(WorkloadConnection w) {
        return new ConnectionSettings(
                w.name(),
                w.provider(),
                w.issuer(),
                w.jwksUri(),
                w.jwksPinned(),
                w.audiences(),
                w.algorithms(),
                w.requiredClaims(),
                w.maxTokenAge(),
                w.clockSkew());
    }

    /** Reads back what {@link #content()} wrote. */
    @SuppressWarnings("unchecked")
    static ConnectionSettings fromContent(Map<String, Object> m) {
        return new ConnectionSettings(
                (String) m.get("name"),
                (String) m.get("provider"),
                (String) m.get("issuer"),
                (String) m.get("jwks_uri"),
                (String) m.get("jwks_pinned"),
                List.copyOf((List<String>) m.get("audiences")),
                List.copyOf((List<String>) m.get("algorithms")),
                (Map<String, Object>) m.get("required_claims"),
                Duration.ofSeconds(((Number) m.get("max_token_age_seconds")).longValue()),
                Duration.ofSeconds(((Number) m.get("clock_skew_seconds")).longValue()));
    }

    private static String hash(String canonical) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
