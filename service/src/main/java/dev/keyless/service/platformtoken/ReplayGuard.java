package dev.keyless.service.platformtoken;

import dev.keyless.service.db.Db;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;

/**
 * One exchange per platform token, across all replicas and all teams: the replay key ({@link
 * VerifiedToken#replayKey()}) is inserted under a primary key and a duplicate means the token was
 * used before, in this team or another. Rows live until the token could no longer pass the expiry
 * check of any connection.
 *
 * <p>Its SQL stays here, by hand, rather than in a repository: the guard is the claim itself (one
 * {@code INSERT} whose duplicate-key failure is the answer, never a read-then-write that two
 * replicas could both pass), so the statement and its error handling are one unit.
 */
@Singleton
public class ReplayGuard {
    private final Db db;
    private final Clock clock;

    ReplayGuard(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Claims the key for the whole service; false if it was claimed before in any team. {@code team}
     * is only recorded, as the team that used the token first.
     *
     * @param keepUntil when the connection that took the token would refuse it as expired; the key
     *     is kept {@link VerificationSettings#MAX_CLOCK_SKEW} longer, since another connection
     *     trusting the same issuer may tolerate more skew and would otherwise accept it again
     */
    public boolean firstUse(String team, String replayKey, Instant keepUntil) {
        String hash = sha256(replayKey);
        Instant forgetAfter = keepUntil.plus(VerificationSettings.MAX_CLOCK_SKEW);
        return db.write(c -> Db.insertIfAbsent(
                c, "INSERT INTO used_token (key_hash, team, expires_at) VALUES (?, ?, ?)", hash, team, forgetAfter));
    }

    /** Whether the key was claimed already (by any team); reads only, claims nothing. */
    public boolean seen(String replayKey) {
        String hash = sha256(replayKey);
        return !db.read(c -> Db.query(c, "SELECT team FROM used_token WHERE key_hash = ?", rs -> 1, hash))
                .isEmpty();
    }

    @Scheduled(fixedDelay = "60s", initialDelay = "60s")
    void purgeExpired() {
        db.write(c -> Db.update(c, "DELETE FROM used_token WHERE expires_at < ?", clock.instant()));
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** How many used tokens the guard remembers, all teams. */
    static long entries(java.sql.Connection c) throws java.sql.SQLException {
        return Db.queryOne(c, "SELECT COUNT(*) FROM used_token", rs -> rs.getLong(1))
                .orElse(0L);
    }
}
