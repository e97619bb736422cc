package dev.keyless.service.audit;

import dev.keyless.service.caller.AdminPrincipal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What happened, before it gets its place in the chain. Built fluently because most events set
 * only a few of the many fields. Never put a token, key or secret in any field.
 */
public final class AuditEntry {
    final String team;
    final String type;
    String outcome = "success";
    String actorType;
    String actorId;
    String connection;
    String role;
    String subject;
    final Map<String, String> claims = new TreeMap<>();
    String clientIp;
    String tokenId;
    Long tokenTtlSeconds;
    String server;
    String sessionId;
    String serial;
    String reason;
    final Map<String, String> details = new TreeMap<>();

    private AuditEntry(String team, String type) {
        this.team = team;
        this.type = type;
    }

    public static AuditEntry of(String team, String type) {
        return new AuditEntry(team, type);
    }

    public AuditEntry failure(String reasonSlug) {
        this.outcome = "failure";
        this.reason = reasonSlug;
        return this;
    }

    public AuditEntry actor(String actorType, String actorId) {
        this.actorType = actorType;
        this.actorId = actorId;
        return this;
    }

    /** An admin's change: the admin as the actor, and the address the admin called from. */
    public AuditEntry by(AdminPrincipal admin) {
        return actor("admin", admin.name()).clientIp(admin.clientIp());
    }

    public AuditEntry connection(String connection) {
        this.connection = connection;
        return this;
    }

    public AuditEntry role(String role) {
        this.role = role;
        return this;
    }

    public AuditEntry subject(String subject) {
        this.subject = subject;
        return this;
    }

    public AuditEntry claims(Map<String, String> runClaims) {
        this.claims.putAll(runClaims);
        return this;
    }

    public AuditEntry clientIp(String clientIp) {
        this.clientIp = clientIp;
        return this;
    }

    public AuditEntry token(String tokenId, Long ttlSeconds) {
        this.tokenId = tokenId;
        this.tokenTtlSeconds = ttlSeconds;
        return this;
    }

    public AuditEntry server(String server) {
        this.server = server;
        return this;
    }

    public AuditEntry session(String sessionId) {
        this.sessionId = sessionId;
        return this;
    }

    public AuditEntry serial(String serial) {
        this.serial = serial;
        return this;
    }

    /** How long the session lasted, for the events that end one. */
    public AuditEntry sessionDuration(java.time.Duration duration) {
        return detail("duration_seconds", Long.toString(Math.max(0, duration.toSeconds())));
    }

    public AuditEntry detail(String key, String value) {
        if (value != null) {
            this.details.put(key, value);
        }
        return this;
    }
}
