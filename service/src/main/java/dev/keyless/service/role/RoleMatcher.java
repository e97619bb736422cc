package dev.keyless.service.role;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Which of a connection's roles a verified token satisfies. Pure. */
public final class RoleMatcher {
    private RoleMatcher() {}

    public static List<WorkloadRole> matching(
            Collection<WorkloadRole> roles, String connection, Map<String, Object> claims) {
        return roles.stream()
                .filter(r -> r.connection().equals(connection))
                .filter(r -> r.conditions().mismatches(claims).isEmpty())
                .sorted(java.util.Comparator.comparing(WorkloadRole::name))
                .toList();
    }
}
