package dev.keyless.service.admin;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code admin_token} and {@code team_admin_token_policy} tables. */
final class AdminTokenRepository {
    private static final String COLUMNS =
            "id, team, admin, name, created_by, created_at, expires_at, last_used_at, revoked_at, revoked_by";

    private AdminTokenRepository() {}

    /** False if the admin already has a token of that name. */
    static boolean insert(Connection c, AdminToken t, String tokenHash) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO admin_token (id, team, admin, name, token_hash, created_by, created_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                t.id(),
                t.team(),
                t.admin(),
                t.name(),
                tokenHash,
                t.createdBy(),
                t.createdAt(),
                t.expiresAt());
    }

    /** The token with this hash with its admin's role, in any team. */
    static Optional<Authenticated> findByHash(Connection c, String tokenHash) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT t.id, t.team, t.admin, t.name, t.created_by, t.created_at, t.expires_at, t.last_used_at,"
                        + " t.revoked_at, t.revoked_by, a.role FROM admin_token t"
                        + " JOIN admin a ON a.team = t.team AND a.name = t.admin WHERE t.token_hash = ?",
                rs -> new Authenticated(token(rs), rs.getString("role")),
                tokenHash);
    }

    static Optional<AdminToken> find(Connection c, String team, String id) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM admin_token WHERE team = ? AND id = ?",
                AdminTokenRepository::token,
                team,
                id);
    }

    /** The team's tokens, or one admin's when {@code admin} is not null; newest first. */
    static List<AdminToken> list(Connection c, String team, String admin) throws SQLException {
        if (admin == null) {
            return Db.query(
                    c,
                    "SELECT " + COLUMNS + " FROM admin_token WHERE team = ? ORDER BY created_at DESC, id",
                    AdminTokenRepository::token,
                    team);
        }
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM admin_token WHERE team = ? AND admin = ? ORDER BY created_at DESC, id",
                AdminTokenRepository::token,
                team,
                admin);
    }

    /** Marks the token used, unless another request did in the last {@code coarseness}. */
    static void touch(Connection c, String id, Instant now, Duration coarseness) throws SQLException {
        Db.update(
                c,
                "UPDATE admin_token SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                now,
                id,
                now.minus(coarseness));
    }

    /** False if it was revoked already. */
    static boolean revoke(Connection c, String team, String id, String by, Instant now) throws SQLException {
        return Db.update(
                        c,
                        "UPDATE admin_token SET revoked_at = ?, revoked_by = ? WHERE team = ? AND id = ? AND revoked_at IS NULL",
                        now,
                        by,
                        team,
                        id)
                == 1;
    }

    static Optional<AdminTokenLifetimes> policy(Connection c, String team) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT default_ttl_seconds, max_ttl_seconds FROM team_admin_token_policy WHERE team = ?",
                rs -> new AdminTokenLifetimes(Duration.ofSeconds(rs.getLong(1)), Duration.ofSeconds(rs.getLong(2))),
                team);
    }

    static void putPolicy(Connection c, String team, AdminTokenLifetimes p, Instant now) throws SQLException {
        if (Db.update(
                        c,
                        "UPDATE team_admin_token_policy SET default_ttl_seconds = ?, max_ttl_seconds = ?, updated_at = ?"
                                + " WHERE team = ?",
                        p.defaultTtl().toSeconds(),
                        p.maxTtl().toSeconds(),
                        now,
                        team)
                == 0) {
            Db.update(
                    c,
                    "INSERT INTO team_admin_token_policy (team, default_ttl_seconds, max_ttl_seconds, updated_at)"
                            + " VALUES (?, ?, ?, ?)",
                    team,
                    p.defaultTtl().toSeconds(),
                    p.maxTtl().toSeconds(),
                    now);
        }
    }

    private static AdminToken token(ResultSet rs) throws SQLException {
        return new AdminToken(
                rs.getString("id"),
                rs.getString("team"),
                rs.getString("admin"),
                rs.getString("name"),
                rs.getString("created_by"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "expires_at"),
                Db.instant(rs, "last_used_at"),
                Db.instant(rs, "revoked_at"),
                rs.getString("revoked_by"));
    }

    /** A token found by its hash, with the role of the admin it acts as (an enum name). */
    record Authenticated(AdminToken token, String role) {}
}
