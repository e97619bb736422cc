package dev.keyless.service.ca;

import dev.keyless.service.db.Db;
import dev.keyless.service.secret.SecretBox;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The teams' SSH CAs. Private keys are stored sealed under the master key and opened only into
 * memory. Several keys of a kind may be active during a rotation: all are published, the newest
 * signs.
 */
@Singleton
public class CaService {
    private record CaKeys(Ed25519CertificateAuthority signer, List<String> publicKeyLines) {}

    private record Row(String keyId, String publicKey, String sealed, long createdAt) {}

    private final Db db;
    private final SecretBox secrets;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<String, CaKeys> loaded = new ConcurrentHashMap<>();

    CaService(Db db, SecretBox secrets, SecureRandom random, Clock clock) {
        this.db = db;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
    }

    /** Creates the team's CA of this kind if it has none, inside the caller's transaction. */
    public void ensure(Connection c, String team, CaKind kind) throws SQLException {
        if (!rows(c, team, kind).isEmpty()) {
            return;
        }
        Ed25519CertificateAuthority ca = Ed25519CertificateAuthority.generate(random);
        String keyId = ca.publicKey().fingerprintSha256();
        Db.insertIfAbsent(
                c,
                "INSERT INTO ca_key (team, kind, key_id, public_key, sealed_private, active, created_at) VALUES (?, ?,"
                        + " ?, ?, ?, ?, ?)",
                team,
                kind.column(),
                keyId,
                ca.publicKeyLine("keyless-" + kind.column() + "-ca@" + team),
                secrets.seal(ca.seed(), aad(team, kind, keyId)),
                true,
                clock.instant());
    }

    /** The CA that signs new certificates of this kind for the team. */
    public Ed25519CertificateAuthority signer(String team, CaKind kind) {
        return keys(team, kind).signer();
    }

    /** OpenSSH public key lines of every active CA key of this kind. */
    public List<String> publicKeys(String team, CaKind kind) {
        return keys(team, kind).publicKeyLines();
    }

    private CaKeys keys(String team, CaKind kind) {
        return loaded.computeIfAbsent(team + "/" + kind, k -> db.read(c -> load(c, team, kind)));
    }

    private CaKeys load(Connection c, String team, CaKind kind) throws SQLException {
        List<Row> rows = rows(c, team, kind);
        if (rows.isEmpty()) {
            throw new dev.keyless.service.problem.KeylessException(
                    dev.keyless.protocol.ProblemType.NOT_FOUND, "The team has no " + kind.column() + " CA");
        }
        Row newest = rows.stream().max(Comparator.comparingLong(Row::createdAt)).orElseThrow();
        byte[] seed = secrets.open(newest.sealed(), aad(team, kind, newest.keyId()));
        try {
            return new CaKeys(
                    Ed25519CertificateAuthority.fromSeed(seed),
                    rows.stream().map(Row::publicKey).toList());
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    private static List<Row> rows(Connection c, String team, CaKind kind) throws SQLException {
        return Db.query(
                c,
                "SELECT key_id, public_key, sealed_private, created_at FROM ca_key WHERE team = ? AND kind = ? AND"
                        + " active = ? ORDER BY created_at",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
                team,
                kind.column(),
                true);
    }

    /** Binds each sealed key to its row, so sealed values cannot be swapped between rows. */
    private static String aad(String team, CaKind kind, String keyId) {
        return "ca:" + kind.column() + ":" + team + ":" + keyId;
    }
}
