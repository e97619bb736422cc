package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminCreated;
import dev.keyless.protocol.AdminRequests.AdminView;
import dev.keyless.protocol.AdminRequests.CreateAdmin;
import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.Db;
import dev.keyless.service.policy.InvalidNameException;
import dev.keyless.service.policy.Names;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
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
    private final SecureRandom random;
    private final Clock clock;
    private final AuditService audit;

    AdminService(Db db, SecureRandom random, Clock clock, AuditService audit) {
        this.db = db;
        this.random = random;
        this.clock = clock;
        this.audit = audit;
    }

    public AdminCreated create(AdminPrincipal by, CreateAdmin request) {
        by.require(AdminRole.SECURITY_ADMIN);
        String name = name(request.name());
        if (SYSTEM.equals(name)) {
            // "system" is the creator recorded for the bootstrap admin; no admin may pass for it.
            throw KeylessException.invalid("name", "'" + SYSTEM + "' is reserved");
        }
        AdminRole role = parseRole(request.role());
        String token = AdminTokens.generate(random);
        db.write(c -> {
            // Serializes admin creation per team, so two concurrent creations cannot both be the
            // hand-over admin that becomes its own owner.
            TeamService.bumpConfigVersion(c, by.team());
            String owner = ownerOfNew(c, by.team(), name, role, by.name());
            if (!insertOwned(c, by.team(), name, role, AdminTokens.hash(token), by.name(), owner)) {
                throw new KeylessException(ProblemType.ALREADY_EXISTS, "An admin named '" + name + "' already exists");
            }
            audit.record(AuditEntry.of(by.team(), AuditEventType.ADMIN_CREATE)
                    .actor("admin", by.name())
                    .detail("admin", name)
                    .detail("admin_role", role.wireName())
                    .detail("owner", owner));
            return null;
        });
        return new AdminCreated(name, role.wireName(), token);
    }

    /** The team's admins, by name; tokens are stored hashed and never shown again. */
    public List<AdminView> list(AdminPrincipal by) {
        by.require(AdminRole.SECURITY_ADMIN, AdminRole.AUDITOR);
        return db.read(c -> Db.query(
                c,
                "SELECT name, role, owner, created_by, created_at FROM admin WHERE team = ? ORDER BY name",
                rs -> new AdminView(
                        rs.getString("name"),
                        AdminRole.valueOf(rs.getString("role")).wireName(),
                        rs.getString("owner"),
                        rs.getString("created_by"),
                        Db.instant(rs, "created_at")),
                by.team()));
    }

    /**
     * Stores an admin with a known token hash (bootstrap: {@code createdBy} "system", its own
     * owner); false if the name is taken.
     */
    public boolean insert(Connection c, String team, String name, AdminRole role, String tokenHash, String createdBy)
            throws SQLException {
        String owner = SYSTEM.equals(createdBy) ? name : ownerOfNew(c, team, name, role, createdBy);
        return insertOwned(c, team, name, role, tokenHash, createdBy, owner);
    }

    /** The four-eyes facts of an admin of the team, inside the caller's transaction. */
    public static Optional<AdminFacts> facts(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT name, role, owner, created_at FROM admin WHERE team = ? AND name = ?",
                rs -> new AdminFacts(
                        rs.getString("name"),
                        AdminRole.valueOf(rs.getString("role")),
                        rs.getString("owner"),
                        Db.instant(rs, "created_at")),
                team,
                name);
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
        return Db.queryOne(
                        c,
                        "SELECT COUNT(*) FROM admin WHERE team = ? AND role = ?",
                        rs -> rs.getLong(1),
                        team,
                        AdminRole.SECURITY_ADMIN.name())
                .orElse(0L);
    }

    private boolean insertOwned(
            Connection c, String team, String name, AdminRole role, String tokenHash, String createdBy, String owner)
            throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO admin (team, name, role, token_hash, created_by, created_at, owner)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                team,
                name,
                role.name(),
                tokenHash,
                createdBy,
                clock.instant(),
                owner);
    }

    /** Authenticates {@code Authorization: Bearer <admin token>} for the team in the path. */
    public AdminPrincipal authenticate(String team, String authorization) {
        // An unknown token and a token of another team get the same answer: neither reveals the other.
        return holder(authorization)
                .filter(a -> a.team().equals(team))
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "The admin token is not valid for this team"));
    }

    /**
     * The admin whose token this is, whatever its team ({@code GET /v1/whoami}): what the CLI names
     * when a token is used with another team. It tells the holder about its own token only.
     */
    public AdminPrincipal identify(String authorization) {
        return holder(authorization)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "The admin token is not valid for any team"));
    }

    private Optional<AdminPrincipal> holder(String authorization) {
        String token = bearer(authorization)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "Send the admin token as 'Authorization: Bearer <token>'"));
        return db.read(c -> Db.queryOne(
                c,
                "SELECT team, name, role FROM admin WHERE token_hash = ?",
                rs -> new AdminPrincipal(rs.getString(1), rs.getString(2), AdminRole.valueOf(rs.getString(3))),
                AdminTokens.hash(token)));
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
