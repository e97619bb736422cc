package dev.keyless.service.ca;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKeyRepository.Row;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.sealing.SecretBox;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The teams' SSH CAs. Private keys are stored sealed under the master key and opened only into
 * memory. Several keys of a kind may be active during a rotation: all are published, the newest
 * signs. A rotation adds a key (it signs from then on, the old one stays trusted); retiring drops
 * every key but the newest. Each replica re-reads the keys at least every {@link #RELOAD}, so a
 * rotation on one replica reaches the others within that time; the overlap must be longer.
 */
@Singleton
public class CaService {
    static final Duration RELOAD = Duration.ofSeconds(10);

    private record CaKeys(Ed25519CertificateAuthority signer, List<String> publicKeyLines, Instant loadedAt) {}

    private final Db db;
    private final SecretBox secrets;
    private final SecureRandom random;
    private final Clock clock;
    private final AuditService audit;
    private final Map<String, CaKeys> loaded = new ConcurrentHashMap<>();

    CaService(Db db, SecretBox secrets, SecureRandom random, Clock clock, AuditService audit) {
        this.db = db;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
        this.audit = audit;
    }

    /** Creates the team's CA of this kind if it has none, inside the caller's transaction. */
    public void ensure(Connection c, String team, CaKind kind) throws SQLException {
        if (!rows(c, team, kind).isEmpty()) {
            return;
        }
        add(c, team, kind);
    }

    /**
     * A security admin starts a rotation: a new key signs from now on; every older key stays
     * published and trusted until {@link #retire}. Returns the published keys, newest last.
     */
    public List<String> rotate(AdminPrincipal by, CaKind kind) {
        by.require(AdminRole.SECURITY_ADMIN);
        db.write(c -> {
            lock(c, by.team());
            String keyId = add(c, by.team(), kind);
            audit.record(AuditEntry.of(by.team(), AuditEventType.CA_ROTATE)
                    .by(by)
                    .detail("kind", kind.column())
                    .detail("new_key", keyId));
            return keyId;
        });
        loaded.remove(by.team() + "/" + kind);
        return publicKeys(by.team(), kind);
    }

    /** A security admin ends a rotation: every key but the newest stops being trusted. */
    public List<String> retire(AdminPrincipal by, CaKind kind) {
        by.require(AdminRole.SECURITY_ADMIN);
        db.write(c -> {
            lock(c, by.team());
            List<Row> rows = rows(c, by.team(), kind);
            if (rows.size() < 2) {
                throw new KeylessException(
                        ProblemType.CA_NOTHING_TO_RETIRE,
                        "The " + kind.column() + " CA has a single key: rotate before retiring");
            }
            Row newest = newest(rows);
            List<String> old = new java.util.ArrayList<>();
            for (Row r : rows) {
                if (!r.keyId().equals(newest.keyId())) {
                    CaKeyRepository.retire(c, by.team(), kind, r.keyId());
                    old.add(r.keyId());
                }
            }
            audit.record(AuditEntry.of(by.team(), AuditEventType.CA_RETIRE)
                    .by(by)
                    .detail("kind", kind.column())
                    .detail("retired_keys", String.join(",", old)));
            return old;
        });
        loaded.remove(by.team() + "/" + kind);
        return publicKeys(by.team(), kind);
    }

    /** Serializes rotations of one team's CA across replicas (the team row is the lock). */
    private static void lock(Connection c, String team) throws SQLException {
        TeamService.lock(c, team);
    }

    private String add(Connection c, String team, CaKind kind) throws SQLException {
        Ed25519CertificateAuthority ca = Ed25519CertificateAuthority.generate(random);
        String keyId = ca.publicKey().fingerprintSha256();
        CaKeyRepository.insert(
                c,
                team,
                kind,
                keyId,
                ca.publicKeyLine("keyless-" + kind.column() + "-ca@" + team),
                secrets.seal(ca.seed(), aad(team, kind, keyId)),
                // Strictly after every existing key of the kind: the newest signs.
                Math.max(
                        clock.millis(),
                        rows(c, team, kind).stream()
                                        .mapToLong(Row::createdAt)
                                        .max()
                                        .orElse(0L)
                                + 1));
        return keyId;
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
        String key = team + "/" + kind;
        CaKeys keys = loaded.computeIfAbsent(key, k -> db.read(c -> load(c, team, kind)));
        if (clock.instant().isAfter(keys.loadedAt().plus(RELOAD))) {
            keys = db.read(c -> load(c, team, kind));
            loaded.put(key, keys);
        }
        return keys;
    }

    private static Row newest(List<Row> rows) {
        return rows.stream().max(Comparator.comparingLong(Row::createdAt)).orElseThrow();
    }

    private CaKeys load(Connection c, String team, CaKind kind) throws SQLException {
        List<Row> rows = rows(c, team, kind);
        if (rows.isEmpty()) {
            throw new dev.keyless.service.problem.KeylessException(
                    dev.keyless.protocol.ProblemType.NOT_FOUND, "The team has no " + kind.column() + " CA");
        }
        Row newest = newest(rows);
        byte[] seed = secrets.open(newest.sealed(), aad(team, kind, newest.keyId()));
        try {
            return new CaKeys(
                    Ed25519CertificateAuthority.fromSeed(seed),
                    rows.stream().map(Row::publicKey).toList(),
                    clock.instant());
        } finally {
            java.util.Arrays.fill(seed, (byte) 0);
        }
    }

    private static List<Row> rows(Connection c, String team, CaKind kind) throws SQLException {
        return CaKeyRepository.active(c, team, kind);
    }

    /** Binds each sealed key to its row, so sealed values cannot be swapped between rows. */
    static String aad(String team, CaKind kind, String keyId) {
        return "ca:" + kind.column() + ":" + team + ":" + keyId;
    }
}
