package dev.keyless.service.sso;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.SsoRequests.SsoView;
import java.util.LinkedHashMap;
import java.util.Map;

/** A team's stored SSO trust; {@code clientSecretSealed} is the master key's box, or null. */
record SsoSettings(
        String team,
        String issuer,
        String clientId,
        String clientSecretSealed,
        String redirectUri,
        String rolesClaim,
        Map<String, AdminRole> roles,
        String configuredBy,
        String configuredOwner,
        String approvedBy) {

    boolean approved() {
        return approvedBy != null;
    }

    SsoView view() {
        Map<String, String> wire = new LinkedHashMap<>();
        roles.forEach((k, v) -> wire.put(k, v.wireName()));
        return new SsoView(
                issuer,
                clientId,
                clientSecretSealed != null,
                redirectUri,
                rolesClaim,
                wire,
                configuredBy,
                approvedBy,
                approved() ? "approved" : "pending");
    }
}
