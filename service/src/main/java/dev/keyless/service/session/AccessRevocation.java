package dev.keyless.service.session;

import dev.keyless.service.connection.ConnectionRetired;
import dev.keyless.service.role.RoleChanged;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;

/**
 * After a role is deleted or redefined, or a connection deactivated or deleted, revokes the live
 * sessions that were granted under it, as {@link PolicyRevocation} does for policy changes.
 */
@Singleton
final class AccessRevocation {
    private final SessionService sessions;

    AccessRevocation(SessionService sessions) {
        this.sessions = sessions;
    }

    @EventListener
    void onRoleChanged(RoleChanged change) {
        String reason = change.deleted() ? "role was deleted" : "role's connection or claim conditions changed";
        sessions.revokeRole(change.team(), change.role(), reason, change.admin());
    }

    @EventListener
    void onConnectionRetired(ConnectionRetired change) {
        String reason = change.deleted() ? "connection was deleted" : "connection was deactivated";
        sessions.revokeConnection(change.team(), change.connection(), reason, change.admin());
    }
}
