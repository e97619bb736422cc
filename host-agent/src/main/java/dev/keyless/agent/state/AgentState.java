package dev.keyless.agent.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the agent must remember across restarts, saved as {@code state.json} (0600) in the
 * state dir. Mutable; the agent mutates it under its one lock and saves after every change.
 */
public final class AgentState {
    public String agentId;
    public String serviceUrl;
    /** The PEM bundle that replaces the JDK trust store for the service's TLS; null for none. */
    public String caBundle;

    public String team;
    public String server;
    public String hostCertificate;
    public long lastSeq;
    public Instant lastContact;
    public List<String> userCaKeys = new ArrayList<>();
    public List<String> hostCaKeys = new ArrayList<>();
    /** Role to uid: once given to a role, a uid is never given to another role. */
    public Map<String, Integer> uids = new TreeMap<>();
    /** Sessions this agent provisioned and has not torn down yet. */
    public Map<String, LocalSession> sessions = new TreeMap<>();
    /** Revoked certificate serial to the time it may leave the KRL. */
    public Map<String, Instant> revoked = new TreeMap<>();

    /** One provisioned session. */
    public record LocalSession(
            String role, String principal, String serial, Instant validBefore, Instant provisionedAt) {}
}
