package dev.keyless.agent.core;

import dev.keyless.agent.safety.SessionVerifier;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.AgentState.LocalSession;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.sudo.RoleNames;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Makes the host match the service: a provisioned session the service no longer lists as live is
 * torn down, and every {@code keyless-*} sudoers file, principals file and {@code wl_} account (uid
 * in the reserved range) that belongs to no remaining session is removed. A session provisioned in
 * the last few seconds is kept even if the list predates it.
 */
final class Reconciler {
    private static final System.Logger LOG = System.getLogger(Reconciler.class.getName());
    static final Duration GRACE = Duration.ofSeconds(10);

    private final Host host;
    private final AgentState state;
    private final Clock clock;
    private final Consumer<String> finish;

    Reconciler(Host host, AgentState state, Clock clock, Consumer<String> finish) {
        this.host = host;
        this.state = state;
        this.clock = clock;
        this.finish = finish;
    }

    void reconcile(List<AgentSession> live) {
        Set<String> liveIds = new HashSet<>();
        for (AgentSession session : live) {
            if (session != null && SessionVerifier.isSessionId(session.id())) {
                liveIds.add(session.id());
            }
        }
        Instant graceStart = clock.instant().minus(GRACE);
        for (Map.Entry<String, LocalSession> entry : List.copyOf(state.sessions.entrySet())) {
            if (!liveIds.contains(entry.getKey())
                    && entry.getValue().provisionedAt().isBefore(graceStart)) {
                LOG.log(Level.INFO, "session {0} is no longer live at the service", entry.getKey());
                finish.accept(entry.getKey());
            }
        }
        removeLeftovers();
    }

    private void removeLeftovers() {
        Set<String> ids = state.sessions.keySet();
        Set<String> users = new HashSet<>();
        state.sessions.values().forEach(session -> users.add(session.principal()));
        for (String id : host.sudoers().sessionIds()) {
            if (!ids.contains(id)) {
                LOG.log(Level.INFO, "removing leftover sudoers file of session {0}", id);
                host.sudoers().remove(id);
            }
        }
        for (String user : host.trust().principalUsers()) {
            if (!users.contains(user) && RoleNames.isPrincipal(user)) {
                LOG.log(Level.INFO, "removing leftover principals file of {0}", user);
                host.trust().removePrincipals(user);
            }
        }
        Teardown teardown = new Teardown(host, state);
        for (String user : host.accounts().list()) {
            if (users.contains(user) || !RoleNames.isPrincipal(user)) {
                continue;
            }
            OptionalInt uid = host.accounts().uid(user);
            if (uid.isPresent() && host.uids().contains(uid.getAsInt())) {
                LOG.log(Level.INFO, "removing leftover account {0}", user);
                teardown.removeAccount(user);
            }
        }
    }
}
