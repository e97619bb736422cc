package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminTokenCreated;
import dev.keyless.protocol.AdminRequests.AdminTokenPolicy;
import dev.keyless.protocol.AdminRequests.AdminTokenView;
import dev.keyless.protocol.AdminRequests.CreateAdminToken;
import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Admin API tokens: minted for the calling admin with a name and an expiry within the team's
 * lifetimes, listed (never the token), revoked, and checked on every admin call. An expired or
 * revoked token is refused with its own problem type, so the holder learns which check failed.
 */
@Singleton
public class AdminTokenService {
    /** A token's last-used time is written at most this often, not on every call. */
    static final Duration LAST_USED_COARSENESS = Duration.ofMinutes(1);

    private final Db db;
    private final SecureRandom random;
    private final Clock clock;
    private final AuditService audit;
    private final AdminTokenLifetimes defaults;

    AdminTokenService(
            Db db,
            SecureRandom random,
            Clock clock,
            AuditService audit,
            @Value("${keyless.admin-tokens.default-ttl:90d}") Duration defaultTtl,
            @Value("${keyless.admin-tokens.max-ttl:365d}") Duration maxTtl) {
        this.db = db;
        this.random = random;
        this.clock = clock;
        this.audit = audit;
        this.defaults = new AdminTokenLifetimes(defaultTtl, maxTtl);
    }

    /** A token for the calling admin itself: whoever sees a token holds it, so none is made for another. */
    public AdminTokenCreated create(AdminPrincipal by, CreateAdminToken request) {
        String name = name(request.name());
        return db.write(c -> {
            Duration ttl = lifetime(c, by.team(), request.expiresInSeconds());
            Minted minted = mint(c, by.team(), by.name(), name, by.name(), ttl);
            audit.record(AuditEntry.of(by.team(), AuditEventType.ADMIN_TOKEN_CREATE)
                    .by(by)
                    .detail("admin", by.name())
                    .detail("token_id", minted.token().id())
                    .detail("token_name", name)
                    .detail("expires_at", String.valueOf(minted.token().expiresAt())));
            return minted.created();
        });
    }

    /**
     * Stores a new token for {@code admin} inside the caller's transaction; {@code ttl} null for
     * none (the first token of a bootstrap or operator-created admin, for set-up).
     */
    Minted mint(Connection c, String team, String admin, String name, String createdBy, Duration ttl)
            throws SQLException {
        String token = AdminTokens.generate(random);
        Instant now = clock.instant();
        byte[] id = new byte[10];
        random.nextBytes(id);
        AdminToken stored = new AdminToken(
                "tok_" + HexFormat.of().formatHex(id),
                team,
                admin,
                name,
                createdBy,
                now,
                ttl == null ? null : now.plus(ttl),
                null,
                null,
                null);
        if (!AdminTokenRepository.insert(c, stored, AdminTokens.hash(token))) {
            throw new KeylessException(
                    ProblemType.ALREADY_EXISTS, "The admin '" + admin + "' already has a token named '" + name + "'");
        }
        return new Minted(stored, new AdminTokenCreated(stored.id(), name, admin, now, stored.expiresAt(), token));
    }

    /** Stores a token whose value the caller chose (the bootstrap token from the settings). */
    void insertGiven(Connection c, String team, String admin, String tokenHash, String createdBy) throws SQLException {
        byte[] id = new byte[10];
        random.nextBytes(id);
        AdminToken stored = new AdminToken(
                "tok_" + HexFormat.of().formatHex(id),
                team,
                admin,
                "initial",
                createdBy,
                clock.instant(),
                null,
                null,
                null,
                null);
        AdminTokenRepository.insert(c, stored, tokenHash);
    }

    /** Security admins and auditors see every token of the team; other admins their own. */
    public List<AdminTokenView> list(AdminPrincipal by, String admin) {
        boolean all = by.is(AdminRole.SECURITY_ADMIN) || by.is(AdminRole.AUDITOR);
        if (!all && admin != null && !admin.equals(by.name())) {
            throw forbiddenOthers(by);
        }
        String filter = all ? admin : by.name();
        Instant now = clock.instant();
        return db.read(c -> AdminTokenRepository.list(c, by.team(), filter)).stream()
                .map(t -> t.view(now))
                .toList();
    }

    /** A security admin revokes any token of the team, another admin its own; revoking twice is a no-op. */
    public AdminTokenView revoke(AdminPrincipal by, String id) {
        return db.write(c -> {
            AdminToken token = AdminTokenRepository.find(c, by.team(), id)
                    .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "No admin token with this id"));
            if (!by.is(AdminRole.SECURITY_ADMIN) && !token.admin().equals(by.name())) {
                throw forbiddenOthers(by);
            }
            Instant now = clock.instant();
            if (AdminTokenRepository.revoke(c, by.team(), id, by.name(), now)) {
                audit.record(AuditEntry.of(by.team(), AuditEventType.ADMIN_TOKEN_REVOKE)
                        .by(by)
                        .detail("admin", token.admin())
                        .detail("token_id", id)
                        .detail("token_name", token.name()));
            }
            return AdminTokenRepository.find(c, by.team(), id).orElseThrow().view(now);
        });
    }

    public AdminTokenPolicy policy(AdminPrincipal by) {
        return db.read(c -> lifetimes(c, by.team())).view();
    }

    public AdminTokenPolicy putPolicy(AdminPrincipal by, AdminTokenPolicy request) {
        by.require(AdminRole.SECURITY_ADMIN);
        AdminTokenLifetimes lifetimes = validPolicy(request);
        db.write(c -> {
            AdminTokenRepository.putPolicy(c, by.team(), lifetimes, clock.instant());
            audit.record(AuditEntry.of(by.team(), AuditEventType.ADMIN_TOKEN_POLICY_UPDATE)
                    .by(by)
                    .detail(
                            "default_ttl_seconds",
                            String.valueOf(lifetimes.defaultTtl().toSeconds()))
                    .detail("max_ttl_seconds", String.valueOf(lifetimes.maxTtl().toSeconds())));
            return null;
        });
        return lifetimes.view();
    }

    /**
     * The admin a bearer token acts as, for the team in the path. Reads (and now and then writes)
     * the database: call it on a blocking thread, never on the event loop.
     */
    public AdminPrincipal authenticate(String team, String authorization) {
        return holder(team, authorization);
    }

    /**
     * The admin whose token this is, whatever its team ({@code GET /v1/whoami}): what the CLI names
     * when a token is used with another team. It tells the holder about its own token only.
     */
    public AdminPrincipal identify(String authorization) {
        return holder(null, authorization);
    }

    /** The admin a valid token acts as; {@code team} null accepts any team. */
    private AdminPrincipal holder(String team, String authorization) {
        String token = AdminService.bearer(authorization)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "Send the admin token as 'Authorization: Bearer <token>'"));
        AdminTokenRepository.Authenticated found = db.read(
                        c -> AdminTokenRepository.findByHash(c, AdminTokens.hash(token)))
                // An unknown token and a token of another team get the same answer.
                .filter(a -> team == null || a.token().team().equals(team))
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED,
                        team == null
                                ? "The admin token is not valid for any team"
                                : "The admin token is not valid for this team"));
        AdminToken t = found.token();
        Instant now = clock.instant();
        if (t.revokedAt() != null) {
            throw new KeylessException(
                    ProblemType.ADMIN_TOKEN_REVOKED,
                    "The admin token '" + t.name() + "' (" + t.id() + ") was revoked at " + t.revokedAt());
        }
        if (t.expiredAt(now)) {
            throw new KeylessException(
                    ProblemType.ADMIN_TOKEN_EXPIRED,
                    "The admin token '" + t.name() + "' (" + t.id() + ") expired at " + t.expiresAt());
        }
        if (t.lastUsedAt() == null || t.lastUsedAt().isBefore(now.minus(LAST_USED_COARSENESS))) {
            db.write(c -> {
                AdminTokenRepository.touch(c, t.id(), now, LAST_USED_COARSENESS);
                return null;
            });
        }
        return new AdminPrincipal(t.team(), t.admin(), AdminRole.valueOf(found.role()));
    }

    /** The lifetime of a new token: the team's default, or the one asked for within its maximum. */
    Duration lifetime(Connection c, String team, Long requestedSeconds) throws SQLException {
        AdminTokenLifetimes lifetimes = lifetimes(c, team);
        if (requestedSeconds == null) {
            return lifetimes.defaultTtl();
        }
        if (requestedSeconds < 1 || requestedSeconds > lifetimes.maxTtl().toSeconds()) {
            throw KeylessException.invalid(
                    "expires_in_seconds",
                    "must be between 1 and the team's maximum of "
                            + lifetimes.maxTtl().toSeconds() + " seconds (admin-token-policy)");
        }
        return Duration.ofSeconds(requestedSeconds);
    }

    private AdminTokenLifetimes lifetimes(Connection c, String team) throws SQLException {
        return AdminTokenRepository.policy(c, team).orElse(defaults);
    }

    private static AdminTokenLifetimes validPolicy(AdminTokenPolicy p) {
        if (p.defaultTtlSeconds() == null || p.defaultTtlSeconds() < 60) {
            throw KeylessException.invalid("default_ttl_seconds", "is required, at least 60");
        }
        if (p.maxTtlSeconds() == null || p.maxTtlSeconds() < p.defaultTtlSeconds()) {
            throw KeylessException.invalid("max_ttl_seconds", "is required, at least default_ttl_seconds");
        }
        return new AdminTokenLifetimes(
                Duration.ofSeconds(p.defaultTtlSeconds()), Duration.ofSeconds(p.maxTtlSeconds()));
    }

    private static KeylessException forbiddenOthers(AdminPrincipal by) {
        return new KeylessException(
                ProblemType.ADMIN_FORBIDDEN,
                "Only security admins (and auditors, to list) see or revoke other admins' tokens; this admin is "
                        + by.role().wireName(),
                null,
                null,
                by.role().wireName(),
                null);
    }

    private static String name(String name) {
        try {
            return Names.admin("name", name);
        } catch (InvalidNameException e) {
            throw KeylessException.invalid(e.field(), e.rule());
        }
    }

    /** A stored token and the one answer that shows it. */
    record Minted(AdminToken token, AdminTokenCreated created) {}
}
