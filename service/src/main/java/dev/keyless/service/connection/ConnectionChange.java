package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionRequests.FieldChange;
import dev.keyless.protocol.ConnectionRequests.PendingChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Trust settings proposed for an ACTIVE or INACTIVE connection, waiting for a second security admin. */
record ConnectionChange(
        String team,
        String connection,
        ConnectionSettings settings,
        String contentHash,
        String proposedBy,
        Instant proposedAt) {

    /** The change as admins see it: every field whose proposed value differs from the live one. */
    PendingChange view(WorkloadConnection live) {
        return new PendingChange(contentHash, proposedBy, proposedAt, diff(ConnectionSettings.of(live), settings));
    }

    /** What activating a Draft puts into effect: every setting, from nothing. */
    static List<FieldChange> additions(ConnectionSettings to) {
        List<FieldChange> changes = new ArrayList<>();
        to.content().forEach((field, value) -> changes.add(new FieldChange(field, null, value)));
        return List.copyOf(changes);
    }

    static List<FieldChange> diff(ConnectionSettings from, ConnectionSettings to) {
        Map<String, Object> before = from.content();
        Map<String, Object> after = to.content();
        List<FieldChange> changes = new ArrayList<>();
        for (Map.Entry<String, Object> e : after.entrySet()) {
            Object old = before.get(e.getKey());
            if (!Objects.equals(old, e.getValue())) {
                changes.add(new FieldChange(e.getKey(), old, e.getValue()));
            }
        }
        return List.copyOf(changes);
    }
}
