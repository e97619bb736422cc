package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpMethod;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Browser sessions of SSO admins: a random cookie value (stored only hashed), an idle and an
 * absolute timeout, a CSRF token that every state-changing call must echo in {@code
 * X-CSRF-Token}, and a logout that ends the session in the database, so no replica accepts it
 * again.
 */
@Singleton
public class ConsoleSessions {
    /** The cookie: HttpOnly, Secure, SameSite=Strict, path /. */
    public static final String COOKIE = "keyless_console";

    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    private final Db db;
    private final SecureRandom random;
    private final Clock clock;
    private final AuditService audit;
    private final Duration idleTimeout;
    private final Duration maxAge;

    ConsoleSessions(
            Db db,
            SecureRandom random,
            Clock clock,
            AuditService audit,
            @Value("${keyless.console.session-idle-timeout:30m}") Duration idleTimeout,
            @Value("${keyless.console.session-max-age:12h}") Duration maxAge) {
        this.db = db;
        this.random = random;
        this.clock = clock;
        this.audit = audit;
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
    }

    /** A new session; the answer's cookie value is shown to the browser only. */
    public Started start(String team, String admin, String clientIp, java.util.Map<String, String> auditDetails) {
        String cookie = AdminTokens.opaque(random);
        Instant now = clock.instant();
        AdminSession session =
                new AdminSession(team, admin, AdminTokens.opaque(random), now, now, now.plus(maxAge), null);
        db.write(c -> {
            AdminSessionRepository.insert(c, AdminTokens.hash(cookie), session);
            AuditEntry entry = AuditEntry.of(team, AuditEventType.ADMIN_LOGIN)
                    .actor("admin", admin)
                    .clientIp(clientIp);
            auditDetails.forEach(entry::detail);
            audit.record(entry);
            return null;
        });
        return new Started(cookie, session);
    }

    /**
     * The admin of a live session of this team; for a state-changing method the CSRF token must
     * match. On a blocking thread: it reads and writes the database.
     */
    public AdminPrincipal authenticate(String team, String cookie, HttpMethod method, String csrf) {
        AdminSessionRepository.Found found = db.read(c -> AdminSessionRepository.find(c, AdminTokens.hash(cookie)))
                .filter(f -> f.session().team().equals(team))
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "The console session is not valid for this team; sign in"));
        AdminSession s = found.session();
        Instant now = clock.instant();
        String dead = s.deadAt(now, idleTimeout);
        if (dead != null) {
            throw new KeylessException(
                    ProblemType.ADMIN_SESSION_EXPIRED, "The console session " + dead + "; sign in again");
        }
        if (!SAFE.contains(method) && !matches(s.csrfToken(), csrf)) {
            throw new KeylessException(
                    ProblemType.CSRF_REJECTED,
                    "A state-changing call from the console must carry the session's " + CSRF_HEADER + " header");
        }
        if (s.lastSeenAt().isBefore(now.minusSeconds(5))) {
            db.write(c -> {
                AdminSessionRepository.touch(c, AdminTokens.hash(cookie), now);
                return null;
            });
        }
        return new AdminPrincipal(s.team(), s.admin(), AdminRole.valueOf(found.role()));
    }

    /** The session behind a cookie, for the console's own pages; null when none is live. */
    public AdminSession live(String cookie) {
        if (cookie == null) {
            return null;
        }
        Instant now = clock.instant();
        return db.read(c -> AdminSessionRepository.find(c, AdminTokens.hash(cookie)))
                .map(AdminSessionRepository.Found::session)
                .filter(s -> s.deadAt(now, idleTimeout) == null)
                .orElse(null);
    }

    /** Ends the session (the CSRF token must match); audited once; a second logout is a no-op. */
    public void end(String cookie, String csrf, String clientIp) {
        AdminSession s = live(cookie);
        if (s == null) {
            return;
        }
        if (!matches(s.csrfToken(), csrf)) {
            throw new KeylessException(
                    ProblemType.CSRF_REJECTED, "Logout must carry the session's " + CSRF_HEADER + " header");
        }
        db.write(c -> {
            if (AdminSessionRepository.end(c, AdminTokens.hash(cookie), clock.instant())) {
                audit.record(AuditEntry.of(s.team(), AuditEventType.ADMIN_LOGOUT)
                        .actor("admin", s.admin())
                        .clientIp(clientIp));
            }
            return null;
        });
    }

    /** What the console's script needs: who is signed in, and the CSRF token to echo. */
    public dev.keyless.protocol.SsoRequests.ConsoleSession describe(String cookie, AdminSession s) {
        String role = db.read(c -> AdminService.facts(c, s.team(), s.admin()))
                .map(f -> f.role().wireName())
                .orElse("");
        return new dev.keyless.protocol.SsoRequests.ConsoleSession(
                s.team(), s.admin(), role, s.csrfToken(), s.expiresAt());
    }

    public Duration maxAge() {
        return maxAge;
    }

    private static boolean matches(String expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** A started session and the cookie value that names it. */
    public record Started(String cookie, AdminSession session) {
        public String csrfToken() {
            return session.csrfToken();
        }
    }
}
