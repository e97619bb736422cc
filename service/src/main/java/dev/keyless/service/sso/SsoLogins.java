package dev.keyless.service.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.admin.ConsoleSessions;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.Db;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The second half of a sign-in: redeem the code with the PKCE verifier, verify the ID token and
 * its nonce, map its claims to one admin role, and start the session of the one admin that person
 * is. Every refusal is audited ({@code admin.login.refuse}) with the step that failed.
 */
@Singleton
class SsoLogins {
    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final OidcProvider provider;
    private final AdminService admins;
    private final ConsoleSessions sessions;

    SsoLogins(
            Db db,
            Clock clock,
            AuditService audit,
            OidcProvider provider,
            AdminService admins,
            ConsoleSessions sessions) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.provider = provider;
        this.admins = admins;
        this.sessions = sessions;
    }

    ConsoleSessions.Started finish(
            SsoRepository.Login login,
            SsoSettings s,
            String code,
            String error,
            String clientIp,
            Function<SsoSettings, String> secret) {
        try {
            return finishChecked(login, s, code, error, clientIp, secret);
        } catch (SsoFailure e) {
            db.write(c -> {
                audit.record(AuditEntry.of(login.team(), AuditEventType.ADMIN_LOGIN_REFUSE)
                        .actor("sso", s.issuer())
                        .clientIp(clientIp)
                        .failure("sso-login-failed")
                        .detail("step", e.step())
                        .detail("reason", e.getMessage()));
                return null;
            });
            throw e;
        }
    }

    private ConsoleSessions.Started finishChecked(
            SsoRepository.Login login,
            SsoSettings s,
            String code,
            String error,
            String clientIp,
            Function<SsoSettings, String> secret) {
        if (!clock.instant().isBefore(login.expiresAt())) {
            throw new SsoFailure(
                    "state", "the sign-in took longer than " + SsoService.LOGIN_WINDOW.toMinutes() + " minutes");
        }
        if (error != null) {
            throw new SsoFailure("authorization", "the provider refused the sign-in");
        }
        if (code == null || code.isEmpty()) {
            throw new SsoFailure("authorization", "the provider's answer carries no code");
        }
        OidcProvider.Endpoints endpoints = provider.discover(s.issuer());
        JsonNode tokens =
                provider.redeem(endpoints, s.clientId(), secret.apply(s), code, s.redirectUri(), login.codeVerifier());
        String idToken = tokens.path("id_token").asText("");
        if (idToken.isEmpty()) {
            throw new SsoFailure("token", "the token endpoint answered no id_token");
        }
        JWTClaimsSet claims = IdTokenVerifier.verify(
                idToken, provider.jwks(endpoints.jwks()), s.issuer(), s.clientId(), login.nonce());
        AdminRole role = role(claims, s);
        String subject = claims.getSubject();
        String preferred = firstString(claims, "preferred_username", "email", "sub");
        return db.write(c -> {
            String admin = admins.ssoAdmin(c, login.team(), s.issuer(), subject, preferred, role);
            return sessions.start(
                    login.team(), admin, clientIp, Map.of("issuer", s.issuer(), "role", role.wireName(), "via", "sso"));
        });
    }

    /** The one role the claim's values map to; none or several is a refusal. */
    static AdminRole role(JWTClaimsSet claims, SsoSettings s) {
        Object value = claims.getClaim(s.rolesClaim());
        Collection<?> values = value instanceof Collection<?> list ? list : value == null ? List.of() : List.of(value);
        Set<AdminRole> roles = new TreeSet<>();
        for (Object v : values) {
            AdminRole r = v instanceof String str ? s.roles().get(str) : null;
            if (r != null) {
                roles.add(r);
            }
        }
        if (roles.isEmpty()) {
            throw new SsoFailure("roles", "no value of the claim '" + s.rolesClaim() + "' maps to an admin role");
        }
        if (roles.size() > 1) {
            throw new SsoFailure(
                    "roles", "the claim '" + s.rolesClaim() + "' maps to several admin roles; an admin has one");
        }
        return roles.iterator().next();
    }

    private static String firstString(JWTClaimsSet claims, String... names) {
        for (String n : names) {
            if (claims.getClaim(n) instanceof String v && !v.isBlank()) {
                return v;
            }
        }
        return claims.getSubject();
    }
}
