package dev.keyless.service.platformtoken;

import dev.keyless.service.platformtoken.jwks.EndpointRules;
import dev.keyless.service.platformtoken.jwks.InvalidProviderSettingsException;
import dev.keyless.service.platformtoken.jwks.IssuerEndpoints;
import dev.keyless.service.platformtoken.jwks.JwksLocation;
import java.net.URI;
import java.util.Arrays;

/**
 * Where each platform publishes its keys, so an admin types as little as possible. Settings the
 * admin gives always win over the preset; a preset without a default issuer requires one.
 */
public enum ProviderPreset {
    /** GitHub.com; for GHES give the issuer {@code https://HOST/_services/token}. */
    GITHUB_ACTIONS("github-actions", "https://token.actions.githubusercontent.com", "/.well-known/jwks", null, null),
    /** Issuer is the instance URL. */
    GITLAB("gitlab", null, "/oauth/discovery/keys", null, null),
    /** Issuer as the OIDC provider plugin shows it, e.g. {@code https://JENKINS/oidc}. */
    JENKINS("jenkins", null, "/jwks", null, null),
    /** Issuer {@code https://oidc.circleci.com/org/<org-id>}; keys by discovery. */
    CIRCLECI("circleci", null, null, null, "https://oidc.circleci.com/org/"),
    /** The cluster's service-account issuer. */
    KUBERNETES("kubernetes", null, "/openid/v1/jwks", null, null),
    GCP("gcp", "https://accounts.google.com", null, "https://www.googleapis.com/oauth2/v3/certs", null),
    /** Issuer {@code https://vstoken.dev.azure.com/<org-id>}; keys by discovery. */
    AZURE("azure", null, null, null, "https://vstoken.dev.azure.com/"),
    /** Any issuer: an explicit {@code jwks_uri}, or OIDC discovery. */
    GENERIC("generic", null, null, null, null);

    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final String id;
    private final String defaultIssuer;
    private final String jwksPath;
    private final String fixedJwksUri;
    private final String issuerPrefix;

    ProviderPreset(String id, String defaultIssuer, String jwksPath, String fixedJwksUri, String issuerPrefix) {
        this.id = id;
        this.defaultIssuer = defaultIssuer;
        this.jwksPath = jwksPath;
        this.fixedJwksUri = fixedJwksUri;
        this.issuerPrefix = issuerPrefix;
    }

    /** The wire name, e.g. {@code github-actions}. */
    public String id() {
        return id;
    }

    /** The preset with this wire name. */
    public static ProviderPreset fromId(String id) {
        return Arrays.stream(values())
                .filter(p -> p.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new InvalidProviderSettingsException("provider", "unknown provider preset"));
    }

    /**
     * Applies the preset to what the admin gave.
     *
     * @param issuer the admin's issuer, or null/blank for the preset's default
     * @param jwksUri an explicit JWKS URL, or null/blank for the preset's location or discovery
     * @throws InvalidProviderSettingsException when a required value is missing or a URL breaks
     *     {@link EndpointRules}
     */
    public IssuerEndpoints resolve(String issuer, String jwksUri) {
        String effective = isBlank(issuer) ? defaultIssuer : issuer;
        if (effective == null) {
            throw new InvalidProviderSettingsException("issuer", "the " + id + " provider needs an issuer");
        }
        EndpointRules.check("issuer", effective, false, EndpointRules.MAX_ISSUER_LENGTH);
        if (issuerPrefix != null && !hasOneSegmentAfterPrefix(effective)) {
            throw new InvalidProviderSettingsException(
                    "issuer", "the " + id + " issuer must be " + issuerPrefix + "<org-id>");
        }
        return new IssuerEndpoints(effective, location(effective, jwksUri));
    }

    private JwksLocation location(String issuer, String jwksUri) {
        if (!isBlank(jwksUri)) {
            return new JwksLocation.Direct(
                    EndpointRules.check("jwks_uri", jwksUri, true, EndpointRules.MAX_JWKS_URI_LENGTH));
        }
        if (fixedJwksUri != null) {
            return new JwksLocation.Direct(URI.create(fixedJwksUri));
        }
        // Issuers may end in '/'; the well-known paths are appended to the issuer without it.
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        if (jwksPath != null) {
            return new JwksLocation.Direct(
                    EndpointRules.check("jwks_uri", base + jwksPath, true, EndpointRules.MAX_JWKS_URI_LENGTH));
        }
        return new JwksLocation.Discovery(EndpointRules.check("issuer", base + DISCOVERY_PATH, false), issuer);
    }

    private boolean hasOneSegmentAfterPrefix(String issuer) {
        String rest = issuer.startsWith(issuerPrefix) ? issuer.substring(issuerPrefix.length()) : "";
        return rest.matches("[A-Za-z0-9-]{1,64}");
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
