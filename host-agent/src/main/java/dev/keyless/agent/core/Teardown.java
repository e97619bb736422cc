package dev.keyless.agent.core;

import dev.keyless.agent.safety.VerifiedSession;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.AgentState.LocalSession;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Removes one session from the host, in an order that closes doors before emptying the room:
 * principals file (no new logins, when no other session shares the account), sudoers file, the
 * session's processes, then the account and its home. With another live session on the account
 * only the processes of this session's certificate are killed (see ProcFsProcessKiller).
 */
final class Teardown {
    private static final System.Logger LOG = System.getLogger(Teardown.class.getName());

    record Result(boolean accountDeleted, long millis) {}

    private final Host host;
    private final AgentState state;

    Teardown(Host host, AgentState state) {
        this.host = host;
        this.state = state;
    }

    /** Tears the session down and forgets it; a session unknown here only loses its sudoers file. */
    Result end(String id) {
        long started = System.nanoTime();
        LocalSession local = state.sessions.get(id);
        if (local == null) {
            host.sudoers().remove(id);
            return new Result(false, elapsed(started));
        }
        String user = local.principal();
        boolean shared = sharedWithOthers(id, user);
        if (!shared) {
            host.trust().removePrincipals(user);
        }
        host.sudoers().remove(id);
        boolean deleted = false;
        long killed;
        if (shared) {
            host.killer().killCertificate(user, local.serial());
            killed = elapsed(started);
        } else {
            host.killer().killUser(user);
            killed = elapsed(started);
            deleted = host.accounts().delete(user);
        }
        LOG.log(
                Level.INFO,
                "session {0}: processes killed after {1} ms, done after {2} ms",
                id,
                killed,
                elapsed(started));
        state.sessions.remove(id);
        return new Result(deleted, elapsed(started));
    }

    /** Undoes a half-done provisioning; leaves an account other sessions still use. */
    void undo(VerifiedSession session) {
        host.sudoers().remove(session.id());
        String user = session.principal();
        if (!sharedWithOthers(session.id(), user)) {
            host.trust().removePrincipals(user);
            if (host.accounts().exists(user)) {
                host.killer().killUser(user);
                host.accounts().delete(user);
            }
        }
    }

    /** Removes an account that no session uses. */
    void removeAccount(String user) {
        host.trust().removePrincipals(user);
        host.killer().killUser(user);
        host.accounts().delete(user);
    }

    private boolean sharedWithOthers(String id, String user) {
        return state.sessions.entrySet().stream()
                .anyMatch(
                        e -> !e.getKey().equals(id) && e.getValue().principal().equals(user));
    }

    private static long elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
