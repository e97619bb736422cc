package dev.keyless.service.audit.stream;

import java.util.List;
import java.util.Map;

/**
 * ECS {@code event.category} and {@code event.type} of each Keyless event type, from the values ECS
 * allows for each category (authentication: start/end/info; session: start/end/info; iam:
 * user/admin/creation/deletion/change/info; configuration: access/creation/change/deletion/info;
 * host: change/info). Types not named here fall back on their last word ({@code .create},
 * {@code .update}, {@code .delete}), else configuration/change. Pure.
 */
final class EcsCategories {
    record Category(List<String> categories, List<String> types) {}

    private static final Map<String, Category> NAMED = Map.ofEntries(
            entry("workload.authenticate", List.of("authentication"), List.of("start")),
            entry("workload.explain", List.of("authentication"), List.of("info")),
            entry("ssh.certificate.issue", List.of("authentication", "iam"), List.of("creation")),
            entry("session.ready", List.of("session"), List.of("start")),
            entry("session.close", List.of("session"), List.of("end")),
            entry("session.expire", List.of("session"), List.of("end")),
            entry("session.revoke", List.of("session"), List.of("end")),
            entry("session.provision.fail", List.of("session"), List.of("info")),
            entry("server.account.create", List.of("iam"), List.of("user", "creation")),
            entry("server.account.delete", List.of("iam"), List.of("user", "deletion")),
            entry("server.ssh.login", List.of("authentication", "session"), List.of("start")),
            entry("server.ssh.logout", List.of("session"), List.of("end")),
            entry("admin.login", List.of("authentication"), List.of("start")),
            entry("admin.login.refuse", List.of("authentication"), List.of("start")),
            entry("admin.logout", List.of("authentication"), List.of("end")),
            entry("admin.create", List.of("iam"), List.of("admin", "creation")),
            entry("admin.token.create", List.of("iam"), List.of("admin", "creation")),
            entry("admin.token.revoke", List.of("iam"), List.of("admin", "deletion")),
            entry("agent.enroll", List.of("host"), List.of("change")),
            entry("agent.host-certificate.renew", List.of("host"), List.of("change")),
            entry("secret.reveal", List.of("configuration"), List.of("access")));

    private EcsCategories() {}

    static Category of(String eventType) {
        Category named = NAMED.get(eventType);
        if (named != null) {
            return named;
        }
        String last = eventType.substring(eventType.lastIndexOf('.') + 1);
        String type =
                switch (last) {
                    case "create", "put", "configure" -> "creation";
                    case "delete", "destroy", "retire" -> "deletion";
                    case "test" -> "info";
                    default -> "change";
                };
        return new Category(List.of("configuration"), List.of(type));
    }

    private static Map.Entry<String, Category> entry(String type, List<String> categories, List<String> types) {
        return Map.entry(type, new Category(categories, types));
    }
}
