package dev.keyless.agent.core;

import dev.keyless.agent.state.AgentState;
import java.util.HashSet;
import java.util.Set;

/**
 * Gives each role a uid from the reserved range, remembered in the state, so a uid that owned
 * files for one role never comes back for another (files left in /tmp stay attributable).
 */
final class UidAllocator {
    private final Host host;
    private final AgentState state;

    UidAllocator(Host host, AgentState state) {
        this.host = host;
        this.state = state;
    }

    int uidFor(String role) {
        Integer known = state.uids.get(role);
        if (known != null) {
            if (host.accounts().uidInUse(known)) {
                throw new IllegalStateException("uid " + known + " of the role is held by another account");
            }
            return known;
        }
        Set<Integer> given = new HashSet<>(state.uids.values());
        UidRange range = host.uids();
        for (int uid = range.first(); uid <= range.last(); uid++) {
            if (!given.contains(uid) && !host.accounts().uidInUse(uid)) {
                state.uids.put(role, uid);
                return uid;
            }
        }
        throw new IllegalStateException("the reserved uid range " + range.first() + "-" + range.last() + " is used up");
    }
}
