package dev.keyless.service.platformtoken;

import dev.keyless.protocol.ConnectionRequests.CheckResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of {@link PlatformTokenVerifier#report}: one entry per check, passed or not, with
 * details that never echo token values; and the claims, only when the signature verified.
 */
public record TokenReport(boolean valid, List<CheckResult> checks, Optional<Map<String, Object>> verifiedClaims) {
    public TokenReport {
        checks = List.copyOf(checks);
    }
}
