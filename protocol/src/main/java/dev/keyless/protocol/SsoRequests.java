package dev.keyless.protocol;

import java.util.Map;

/** Requests and responses about a team's single sign-on for admins. */
public final class SsoRequests {
    private SsoRequests() {}

    /**
     * {@code PUT /v1/teams/{team}/sso}: the OIDC provider the team trusts for its admins. {@code
     * roles} maps a value of the {@code rolesClaim} claim (a string or a list of strings in the ID
     * token, e.g. {@code groups}) to an admin role's wire name; {@code clientSecret} is optional
     * (PKCE alone for a public client) and never shown again.
     */
    public record ConfigureSso(
            String issuer,
            String clientId,
            String clientSecret,
            String redirectUri,
            String rolesClaim,
            Map<String, String> roles) {}

    /**
     * The team's SSO settings (never the client secret). {@code state} is {@code pending} until a
     * security admin of another owner than {@code configuredBy}'s approves them, then {@code
     * approved}.
     */
    public record SsoView(
            String issuer,
            String clientId,
            boolean clientSecretSet,
            String redirectUri,
            String rolesClaim,
            Map<String, String> roles,
            String configuredBy,
            String approvedBy,
            String state) {}

    /** {@code GET /console/session}: who the browser is signed in as, and the CSRF token to echo. */
    public record ConsoleSession(
            String team, String admin, String role, String csrfToken, java.time.Instant expiresAt) {}
}
