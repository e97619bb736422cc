package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.Problem.FieldError;
import dev.keyless.protocol.sudo.RoleNames;
import dev.keyless.service.problem.KeylessException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a login report at the edge, field by field, before any of it reaches the audit trail:
 * an agent's values are bounded to what sshd and our own certificates can produce (and so to the
 * audit columns), and a value outside them is a 400 naming the field, never a failed write.
 */
final class LoginReports {
    private static final Pattern SERIAL = Pattern.compile("[0-9]{1,20}");
    private static final Pattern KEY_ID = Pattern.compile("[\\x20-\\x7e]{1,256}");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9.:%-]{1,255}");
    private static final Pattern SESSION_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private LoginReports() {}

    /** A report whose every field is within bounds; role and session are set if the key id is ours. */
    record CheckedLogin(
            String eventType,
            String user,
            String serial,
            String keyId,
            String sourceAddress,
            String role,
            String session) {}

    static CheckedLogin check(String team, Login login) {
        List<FieldError> errors = new ArrayList<>();
        String type = "login".equals(login.type())
                ? AuditEventType.SERVER_SSH_LOGIN
                : "logout".equals(login.type()) ? AuditEventType.SERVER_SSH_LOGOUT : null;
        if (type == null) {
            errors.add(new FieldError("type", "must be login or logout"));
        }
        if (!RoleNames.isPrincipal(login.user())) {
            errors.add(new FieldError("user", "must be wl_ followed by a role name"));
        }
        optional(errors, "serial", login.serial(), SERIAL, "must be a decimal number of at most 20 digits");
        optional(errors, "source_address", login.sourceAddress(), ADDRESS, "must be a host name or address");
        String keyId = login.keyId();
        String role = null;
        String session = null;
        if (keyId != null && !KEY_ID.matcher(keyId).matches()) {
            errors.add(new FieldError("key_id", "must be at most 256 printable ASCII characters"));
        } else if (keyId != null && keyId.startsWith("keyless:" + team + ":")) {
            // keyless:<team>:<role>:<session id>[:<run id>], as the CA writes it
            String[] parts = keyId.split(":", -1);
            if (parts.length >= 4
                    && RoleNames.isRole(parts[2])
                    && SESSION_ID.matcher(parts[3]).matches()) {
                role = parts[2];
                session = parts[3];
            } else {
                errors.add(new FieldError("key_id", "is not keyless:<team>:<role>:<session id>[:<run id>]"));
            }
        }
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        return new CheckedLogin(
                type, login.user(), login.serial(), login.keyId(), login.sourceAddress(), role, session);
    }

    private static void optional(List<FieldError> errors, String field, String value, Pattern allowed, String rule) {
        if (value != null && !allowed.matcher(value).matches()) {
            errors.add(new FieldError(field, rule));
        }
    }
}
