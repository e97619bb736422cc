package dev.keyless.service.ratelimit;

import static dev.keyless.protocol.AdminRole.AUDITOR;
import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exchange's abuse limits. Limits are per replica: N replicas behind a load balancer let N
 * times the limit through in the worst case, which is the usual trade (Vault and Envoy's local
 * limits work the same way) against a shared counter that would put a database write on every
 * refused request. Team settings are re-read every 10 s, so a change reaches all replicas within
 * that.
 */
@Singleton
public class RateLimits {
    private static final Duration SETTINGS_TTL = Duration.ofSeconds(10);
    private static final int MAX_BUCKETS = 100_000;
    /**
     * Explain answers anyone holding a token, so it must not serve as a fast probe: fixed limits,
     * whatever the team's exchange settings.
     */
    public static final int EXPLAIN_PER_CLIENT_IP = 10;

    public static final int EXPLAIN_PER_TEAM = 120;

    private record Cached(RateLimitSettings settings, long readAtNanos) {}

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final KeylessMetrics metrics;
    private final RateLimitSettings defaults;
    private final TokenBuckets byConnection = new TokenBuckets(MAX_BUCKETS);
    private final TokenBuckets byClientIp = new TokenBuckets(MAX_BUCKETS);
    private final TokenBuckets explainByTeam = new TokenBuckets(MAX_BUCKETS);
    private final TokenBuckets explainByClientIp = new TokenBuckets(MAX_BUCKETS);
    private final ConcurrentHashMap<String, Cached> settings = new ConcurrentHashMap<>();

    RateLimits(
            Db db,
            Clock clock,
            AuditService audit,
            KeylessMetrics metrics,
            @Value("${keyless.rate-limits.per-connection:0}") int perConnection,
            @Value("${keyless.rate-limits.per-client-ip:0}") int perClientIp) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.metrics = metrics;
        this.defaults = validate(new RateLimitSettings(perConnection, perClientIp));
    }

    /**
     * Takes one request of the connection's and the client's budget; throws {@code rate-limited}
     * (429, {@code Retry-After}) when either is spent. {@code connection} must exist in the team.
     */
    public void check(String team, String connection, String clientIp) {
        RateLimitSettings s = settingsOf(team);
        long now = System.nanoTime();
        if (s.perClientIp() > 0 && clientIp != null) {
            Duration wait = byClientIp.take(team + "\n" + clientIp, s.perClientIp(), now);
            if (!wait.isZero()) {
                metrics.rateLimited(team, "workload/authenticate", "client_ip");
                throw new RateLimitedException("per-client-address", wait);
            }
        }
        if (s.perConnection() > 0) {
            Duration wait = byConnection.take(team + "\n" + connection, s.perConnection(), now);
            if (!wait.isZero()) {
                metrics.rateLimited(team, "workload/authenticate", "connection");
                throw new RateLimitedException("per-connection", wait);
            }
        }
    }

    /** Takes one {@code workload/explain} call of the team's and the client's budget, or 429. */
    public void checkExplain(String team, String clientIp) {
        long now = System.nanoTime();
        Duration wait = explainByClientIp.take(team + "\n" + clientIp, EXPLAIN_PER_CLIENT_IP, now);
        if (!wait.isZero()) {
            metrics.rateLimited(team, "workload/explain", "client_ip");
            throw new RateLimitedException("explain per-client-address", wait);
        }
        wait = explainByTeam.take(team, EXPLAIN_PER_TEAM, now);
        if (!wait.isZero()) {
            metrics.rateLimited(team, "workload/explain", "team");
            throw new RateLimitedException("explain per-team", wait);
        }
    }

    public RateLimitSettings get(AdminPrincipal by) {
        by.require(SECURITY_ADMIN, DEVOPS_ADMIN, AUDITOR);
        return db.read(c -> RateLimitRepository.find(c, by.team())).orElse(defaults);
    }

    public RateLimitSettings put(AdminPrincipal by, RateLimitSettings requested) {
        by.require(SECURITY_ADMIN);
        RateLimitSettings s = validate(requested);
        db.write(c -> {
            TeamService.configVersion(c, by.team());
            RateLimitRepository.put(c, by.team(), s, clock.instant());
            audit.record(AuditEntry.of(by.team(), AuditEventType.TEAM_RATE_LIMITS_UPDATE)
                    .by(by)
                    .detail("per_connection", Integer.toString(s.perConnection()))
                    .detail("per_client_ip", Integer.toString(s.perClientIp())));
            return null;
        });
        settings.remove(by.team());
        return s;
    }

    private RateLimitSettings settingsOf(String team) {
        long now = System.nanoTime();
        Cached c = settings.get(team);
        if (c == null || now - c.readAtNanos() > SETTINGS_TTL.toNanos()) {
            RateLimitSettings s =
                    db.read(conn -> RateLimitRepository.find(conn, team)).orElse(defaults);
            c = new Cached(s, now);
            settings.put(team, c);
        }
        return c.settings();
    }

    private static RateLimitSettings validate(RateLimitSettings s) {
        if (s.perConnection() < 0 || s.perConnection() > RateLimitSettings.MAX) {
            throw KeylessException.invalid(
                    "per_connection", "must be between 0 (no limit) and " + RateLimitSettings.MAX);
        }
        if (s.perClientIp() < 0 || s.perClientIp() > RateLimitSettings.MAX) {
            throw KeylessException.invalid(
                    "per_client_ip", "must be between 0 (no limit) and " + RateLimitSettings.MAX);
        }
        return s;
    }
}
