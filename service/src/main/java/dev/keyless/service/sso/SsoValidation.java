package dev.keyless.service.sso;

import dev.keyless.protocol.AdminRole;
import dev.keyless.service.problem.KeylessException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Field checks of SSO settings, as field errors of {@code invalid-request}. */
final class SsoValidation {
    private SsoValidation() {}

    static String url(String field, String value) {
        String v = text(field, value, 512);
        try {
            URI uri = new URI(v);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw KeylessException.invalid(field, "must be an absolute https URL");
            }
            if (uri.getRawFragment() != null) {
                throw KeylessException.invalid(field, "must have no fragment");
            }
        } catch (URISyntaxException e) {
            throw KeylessException.invalid(field, "must be an absolute https URL");
        }
        return v;
    }

    static String text(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw KeylessException.invalid(field, "is required");
        }
        if (value.length() > max) {
            throw KeylessException.invalid(field, "must be at most " + max + " characters");
        }
        return value;
    }

    static Map<String, AdminRole> roles(Map<String, String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw KeylessException.invalid("roles", "must map at least one claim value to an admin role");
        }
        Map<String, AdminRole> out = new LinkedHashMap<>();
        roles.forEach((value, role) -> {
            text("roles", value, 255);
            AdminRole r = null;
            for (AdminRole candidate : AdminRole.values()) {
                if (candidate.wireName().equals(role)) {
                    r = candidate;
                }
            }
            if (r == null) {
                throw KeylessException.invalid("roles." + value, "must be an admin role's name");
            }
            out.put(value, r);
        });
        return out;
    }
}
