package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminCreated;
import dev.keyless.protocol.AdminRequests.AdminView;
import dev.keyless.protocol.AdminRequests.CreateAdmin;
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
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A team's admins: creation (security admins only) and authentication of admin tokens.
 *
 * <p>Every admin has an owner, for the four-eyes rules on trust settings: the creator of an admin
 * is shown its token, so an admin created by X is owned by X's owner. Two admins are their own
 * owners: the bootstrap admin, and the one security admin created while the team has a single
 * security admin — the hand-over that lets a fresh team get its second person.
 */
@Singleton
public class AdminService {
    /** {@code created_by} of the bootstrap admin. */
    public static final String SYSTEM = "system";

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final AdminTokenService tokens;

    AdminService(Db db, Clock clock, AuditService audit, AdminTokenService tokens) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.tokens = tokens;
    }

    public AdminCreated create(AdminPrincipal by, CreateAdmin request) {
        by.require(AdminRole.SECURITY_ADMIN);
        String name = name(request.name());
        if (SYSTEM.equals(name)) {
            // "system" is the creator recorded for the bootstrap admin; no admin may pass for it.
            throw KeylessException.invalid("name", "'" + SYSTEM + "' is reserved");
        }
        AdminRole role = parseRole(request.role());
        return db.write(c -> {
            // Serializes admin creation per team, so two concurrent creations cannot both be the
            // hand-over admin that becomes its own owner.
            TeamService.bumpConfigVersion(c, by.team());
            String owner = ownerOfNew(c, by.team(), name, role, by.name());
            if (!insertOwned(c, by.team(), name, role, by.name(), owner)) {
                throw new KeylessException(ProblemType.ALREADY_EXISTS, "An admin named '" + name + "' already exists");
            }
            AdminTokenService.Minted minted =
                    tokens.mint(c, by.team(), name, "initial", by.name(), tokens.lifetime(c, by.team(), null));
            audit.record(AuditEntry.of(by.team(), AuditEventType.ADMIN_CREATE)
                    .by(by)
                    .detail("admin", name)
                    .detail("admin_role", role.wireName())
                    .detail("owner", owner)
                    .detail("token_id", minted.token().id())
                    .detail("expires_at", String.valueOf(minted.token().expiresAt())));
            return new AdminCreated(name, role.wireName(), minted.created().token());
        });
    }

    /** The team's admins, by name; tokens are stored hashed and never shown again. */
    public List<AdminView> list(AdminPrincipal by) {
        by.require(AdminRole.SECURITY_ADMIN, AdminRole.AUDITOR);
        return db.read(c -> AdminRepository.list(c, by.team()));
    }

    /**
     * Stores an admin with a known token hash (bootstrap: {@code createdBy} "system", its own
     * owner); false if the name is taken. The token, named {@code initial}, does not expire: it is
     * for first set-up, and is revoked once the team has its own admins or SSO.
     */
    public boolean insert(Connection c, String team, String name, AdminRole role, String tokenHash, String createdBy)
            throws SQLException {
        String owner = SYSTEM.equals(createdBy) ? name : ownerOfNew(c, team, name, role, createdBy);
        if (!insertOwned(c, team, name, role, createdBy, owner)) {
            return false;
        }
        tokens.insertGiven(c, team, name, tokenHash, createdBy);
        return true;
    }

    /**
     * The admin an SSO person is, created on first sign-in (its own owner: no one else ever held
     * its credential) and given the role its claims map to now. One person, one admin, however
     * many browser sessions. Inside the caller's transaction.
     */
    public String ssoAdmin(
            Connection c, String team, String issuer, String subject, String preferredName, AdminRole role)
            throws SQLException {
        String subjectHash = AdminTokens.hash(issuer + "\n" + subject);
        Optional<String> known = AdminIdentityRepository.admin(c, team, subjectHash);
        if (known.isPresent()) {
            AdminIdentityRepository.setRole(c, team, known.get(), role.name());
            return known.get();
        }
        String base = ssoName(preferredName);
        String name = base;
        for (int i = 0; !insertOwned(c, team, name, role, "sso", name); i++) {
            name = base.substring(0, Math.min(base.length(), 55)) + "-" + subjectHash.substring(i, i + 6);
        }
        AdminIdentityRepository.insert(c, team, name, subjectHash, issuer, subject, clock.instant());
        return name;
    }

    /** An admin name from the IdP's preferred name: lower case, the name grammar's characters only. */
    static String ssoName(String preferred) {
        String s = preferred == null ? "" : preferred.toLowerCase(java.util.Locale.ROOT);
        int at = s.indexOf('@');
        s = (at > 0 ? s.substring(0, at) : s).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        if (s.isEmpty() || SYSTEM.equals(s)) {
            s = "sso-admin";
        }
        return s.length() > 63 ? s.substring(0, 63) : s;
    }

    /** The four-eyes facts of an admin of the team, inside the caller's transaction. */
    public static Optional<AdminFacts> facts(Connection c, String team, String name) throws SQLException {
        return AdminRepository.facts(c, team, name);
    }

    private static String ownerOfNew(Connection c, String team, String name, AdminRole role, String createdBy)
            throws SQLException {
        if (role == AdminRole.SECURITY_ADMIN && securityAdmins(c, team) == 1) {
            return name;
        }
        return facts(c, team, createdBy)
                .map(AdminFacts::owner)
                .orElseThrow(() -> new IllegalStateException("the creating admin is not stored"));
    }

    private static long securityAdmins(Connection c, String team) throws SQLException {
        return AdminRepository.count(c, team, AdminRole.SECURITY_ADMIN);
    }

    private boolean insertOwned(Connection c, String team, String name, AdminRole role, String createdBy, String owner)
            throws SQLException {
        return AdminRepository.insert(c, team, name, role, createdBy, clock.instant(), owner);
    }

    /**
     * Authenticates {@code Authorization: Bearer <admin token>} for the team in the path (see
     * {@link AdminTokenService#authenticate}); on a blocking thread.
     */
    public AdminPrincipal authenticate(String team, String authorization) {
        return tokens.authenticate(team, authorization);
    }

    /** The admin whose token this is, whatever its team ({@code GET /v1/whoami}). */
    public AdminPrincipal identify(String authorization) {
        return tokens.identify(authorization);
    }

    static Optional<String> bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() || token.length() > 512 ? Optional.empty() : Optional.of(token);
    }

    private static String name(String name) {
        try {
            return Names.admin("name", name);
        } catch (InvalidNameException e) {
            throw KeylessException.invalid(e.field(), e.rule());
        }
    }

    static AdminRole parseRole(String role) {
        if (role != null) {
            for (AdminRole r : AdminRole.values()) {
                if (r.wireName().equals(role)) {
                    return r;
                }
            }
        }
        throw KeylessException.invalid(
                "role",
                "must be one of "
                        + Arrays.stream(AdminRole.values())
                                .map(AdminRole::wireName)
                                .toList());
    }
}
