package dev.keyless.service.sso;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.protocol.AdminRole;
import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code team_sso} and {@code sso_login} tables. */
final class SsoRepository {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SsoRepository() {}

    static Optional<SsoSettings> find(Connection c, String team) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT team, issuer, client_id, client_secret_sealed, redirect_uri, roles_claim, role_map,"
                        + " configured_by, configured_owner, approved_by FROM team_sso WHERE team = ?",
                rs -> new SsoSettings(
                        rs.getString("team"),
                        rs.getString("issuer"),
                        rs.getString("client_id"),
                        rs.getString("client_secret_sealed"),
                        rs.getString("redirect_uri"),
                        rs.getString("roles_claim"),
                        roles(rs.getString("role_map")),
                        rs.getString("configured_by"),
                        rs.getString("configured_owner"),
                        rs.getString("approved_by")),
                team);
    }

    /** Replaces the team's settings; a change is never approved. */
    static void put(Connection c, SsoSettings s, Instant now) throws SQLException {
        Db.update(c, "DELETE FROM team_sso WHERE team = ?", s.team());
        Map<String, String> map = new LinkedHashMap<>();
        s.roles().forEach((k, v) -> map.put(k, v.name()));
        Db.update(
                c,
                "INSERT INTO team_sso (team, issuer, client_id, client_secret_sealed, redirect_uri, roles_claim, role_map,"
                        + " configured_by, configured_owner, approved_by, updated_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                s.team(),
                s.issuer(),
                s.clientId(),
                s.clientSecretSealed(),
                s.redirectUri(),
                s.rolesClaim(),
                json(map),
                s.configuredBy(),
                s.configuredOwner(),
                now);
    }

    static boolean approve(Connection c, String team, String by, Instant now) throws SQLException {
        return Db.update(
                        c,
                        "UPDATE team_sso SET approved_by = ?, updated_at = ? WHERE team = ? AND approved_by IS NULL",
                        by,
                        now,
                        team)
                == 1;
    }

    static void insertLogin(Connection c, String stateHash, Login login) throws SQLException {
        Db.update(
                c,
                "DELETE FROM sso_login WHERE expires_at < ?",
                login.expiresAt().minusSeconds(600));
        Db.update(
                c,
                "INSERT INTO sso_login (state_hash, team, nonce, code_verifier, expires_at) VALUES (?, ?, ?, ?, ?)",
                stateHash,
                login.team(),
                login.nonce(),
                login.codeVerifier(),
                login.expiresAt());
    }

    /** The sign-in under way for this state, removed so that a state is used once. */
    static Optional<Login> takeLogin(Connection c, String stateHash) throws SQLException {
        Optional<Login> login = Db.queryOne(
                c,
                "SELECT team, nonce, code_verifier, expires_at FROM sso_login WHERE state_hash = ?",
                rs -> new Login(
                        rs.getString("team"),
                        rs.getString("nonce"),
                        rs.getString("code_verifier"),
                        Db.instant(rs, "expires_at")),
                stateHash);
        if (login.isPresent() && Db.update(c, "DELETE FROM sso_login WHERE state_hash = ?", stateHash) != 1) {
            return Optional.empty();
        }
        return login;
    }

    private static Map<String, AdminRole> roles(String json) {
        try {
            Map<String, String> raw = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {});
            Map<String, AdminRole> out = new LinkedHashMap<>();
            raw.forEach((k, v) -> out.put(k, AdminRole.valueOf(v)));
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("team_sso.role_map is not a JSON object", e);
        }
    }

    private static String json(Map<String, String> map) {
        try {
            return JSON.writeValueAsString(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sealed client secret, for a master-key rotation. */
    record SealedSecret(String team, String clientId, String sealed) {}

    static List<SealedSecret> sealedSecrets(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT team, client_id, client_secret_sealed FROM team_sso"
                        + " WHERE client_secret_sealed IS NOT NULL ORDER BY team",
                rs -> new SealedSecret(rs.getString(1), rs.getString(2), rs.getString(3)));
    }

    static void reseal(Connection c, String team, String sealed) throws SQLException {
        Db.update(c, "UPDATE team_sso SET client_secret_sealed = ? WHERE team = ?", sealed, team);
    }

    /** A sign-in under way: the nonce and PKCE verifier it sent, until when it may finish. */
    record Login(String team, String nonce, String codeVerifier, Instant expiresAt) {}
}
