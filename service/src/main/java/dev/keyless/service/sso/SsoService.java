package dev.keyless.service.sso;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SsoRequests.ConfigureSso;
import dev.keyless.protocol.SsoRequests.SsoView;
import dev.keyless.service.admin.AdminFacts;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.admin.ConsoleSessions;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A team's SSO for admins: settings written by one security admin and put into effect by another
 * of a different owner (so one credential cannot make itself a second person through an IdP it
 * controls), and the sign-in: {@link #begin} sends the browser to the provider with state, nonce
 * and a PKCE S256 challenge; {@link #complete} takes the state once, redeems the code with the
 * verifier, verifies the ID token and its nonce, maps its claims to a role and starts a session.
 */
@Singleton
public class SsoService {
    static final Duration LOGIN_WINDOW = Duration.ofMinutes(10);

    private final Db db;
    private final Clock clock;
    private final SecureRandom random;
    private final AuditService audit;
    private final SecretBox box;
    private final OidcProvider provider;
    private final SsoLogins logins;

    SsoService(
            Db db,
            Clock clock,
            SecureRandom random,
            AuditService audit,
            SecretBox box,
            OidcProvider provider,
            SsoLogins logins) {
        this.db = db;
        this.clock = clock;
        this.random = random;
        this.audit = audit;
        this.box = box;
        this.provider = provider;
        this.logins = logins;
    }

    public SsoView configure(AdminPrincipal by, ConfigureSso request) {
        by.require(AdminRole.SECURITY_ADMIN);
        Map<String, AdminRole> roles = SsoValidation.roles(request.roles());
        String issuer = SsoValidation.url("issuer", request.issuer());
        String redirect = SsoValidation.url("redirect_uri", request.redirectUri());
        String clientId = SsoValidation.text("client_id", request.clientId(), 255);
        String claim = SsoValidation.text("roles_claim", request.rolesClaim(), 128);
        String sealed = request.clientSecret() == null || request.clientSecret().isEmpty()
                ? null
                : box.seal(request.clientSecret().getBytes(StandardCharsets.UTF_8), aad(by.team(), clientId));
        return db.write(c -> {
            String owner = AdminService.facts(c, by.team(), by.name())
                    .map(AdminFacts::owner)
                    .orElseThrow();
            SsoSettings s = new SsoSettings(
                    by.team(), issuer, clientId, sealed, redirect, claim, roles, by.name(), owner, null);
            SsoRepository.put(c, s, clock.instant());
            audit.record(AuditEntry.of(by.team(), AuditEventType.SSO_CONFIGURE)
                    .by(by)
                    .detail("issuer", issuer)
                    .detail("client_id", clientId)
                    .detail("roles_claim", claim)
                    .detail("roles", s.view().roles().toString()));
            return s.view();
        });
    }

    public SsoView approve(AdminPrincipal by) {
        by.require(AdminRole.SECURITY_ADMIN);
        return db.write(c -> {
            SsoSettings s = SsoRepository.find(c, by.team())
                    .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "The team has no SSO settings"));
            String owner = AdminService.facts(c, by.team(), by.name())
                    .map(AdminFacts::owner)
                    .orElseThrow();
            if (owner.equals(s.configuredOwner())) {
                throw new KeylessException(
                        ProblemType.APPROVAL_FORBIDDEN,
                        "SSO settings are approved by a security admin other than the one who wrote them ("
                                + s.configuredBy() + ") and not held by the same person");
            }
            if (SsoRepository.approve(c, by.team(), by.name(), clock.instant())) {
                audit.record(AuditEntry.of(by.team(), AuditEventType.SSO_APPROVE)
                        .by(by)
                        .detail("issuer", s.issuer())
                        .detail("configured_by", s.configuredBy()));
            }
            return SsoRepository.find(c, by.team()).orElseThrow().view();
        });
    }

    public SsoView view(AdminPrincipal by) {
        by.require(AdminRole.SECURITY_ADMIN, AdminRole.AUDITOR);
        return db.read(c -> SsoRepository.find(c, by.team()))
                .map(SsoSettings::view)
                .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "The team has no SSO settings"));
    }

    /** Where to send the browser to sign in to the team's console. */
    public URI begin(String team) {
        SsoSettings s = approvedSettings(team);
        OidcProvider.Endpoints endpoints = provider.discover(s.issuer());
        String state = AdminTokens.opaque(random);
        String nonce = AdminTokens.opaque(random);
        String verifier = AdminTokens.opaque(random) + AdminTokens.opaque(random);
        db.write(c -> {
            SsoRepository.insertLogin(
                    c,
                    AdminTokens.hash(state),
                    new SsoRepository.Login(
                            team, nonce, verifier, clock.instant().plus(LOGIN_WINDOW)));
            return null;
        });
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", s.clientId());
        query.put("redirect_uri", s.redirectUri());
        query.put("scope", "openid profile email");
        query.put("state", state);
        query.put("nonce", nonce);
        query.put("code_challenge", challenge(verifier));
        query.put("code_challenge_method", "S256");
        StringBuilder url = new StringBuilder(endpoints.authorization().toString());
        url.append(url.indexOf("?") < 0 ? '?' : '&');
        query.forEach((k, v) -> url.append(k)
                .append('=')
                .append(OidcProvider.encodeComponent(v))
                .append('&'));
        url.setLength(url.length() - 1);
        return URI.create(url.toString());
    }

    /**
     * The provider's redirect back: a session for the person, or a refusal naming the step; either
     * is audited with {@code clientIp}, the browser's address.
     */
    public ConsoleSessions.Started complete(String code, String state, String error, String clientIp) {
        if (state == null || state.isEmpty()) {
            throw new SsoFailure("state", "the provider's answer carries no state");
        }
        SsoRepository.Login login = db.write(c -> SsoRepository.takeLogin(c, AdminTokens.hash(state)))
                .orElseThrow(() -> new SsoFailure("state", "the state is unknown or was used already"));
        return logins.finish(login, approvedSettings(login.team()), code, error, clientIp, this::clientSecret);
    }

    private String clientSecret(SsoSettings s) {
        return s.clientSecretSealed() == null
                ? null
                : new String(box.open(s.clientSecretSealed(), aad(s.team(), s.clientId())), StandardCharsets.UTF_8);
    }

    private SsoSettings approvedSettings(String team) {
        SsoSettings s = db.read(c -> SsoRepository.find(c, team))
                .orElseThrow(() -> new SsoFailure("settings", "the team has no SSO for admins"));
        if (!s.approved()) {
            throw new SsoFailure("settings", "the team's SSO settings await a second security admin's approval");
        }
        return s;
    }

    static String aad(String team, String clientId) {
        return "team_sso/" + team + "/" + clientId;
    }

    /** RFC 7636 4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
    static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
