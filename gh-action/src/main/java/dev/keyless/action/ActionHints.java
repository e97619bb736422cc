package dev.keyless.action;

import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.Problem;
import java.util.Map;

/**
 * One-line suggestions for the common refusals, in the action's vocabulary (inputs, workflow
 * permissions). The CLI has its own copy in its own words; neither ever contains a token.
 */
final class ActionHints {
    private ActionHints() {}

    static String forProblem(KeylessProblemException e, Map<String, String> env, String audience) {
        Problem p = e.problem();
        return switch (e.check()) {
            case "token-audience-mismatch" -> "the OIDC token was requested for audience '" + audience
                    + "' but the connection expects "
                    + (p.expected() != null ? "'" + p.expected() + "'" : "another one")
                    + ": set the 'audience' input";
            case "token-expired", "token-not-yet-valid", "token-too-old" -> "check the runner's clock";
            case "token-claim-mismatch" -> "claim " + (p.claim() != null ? p.claim() : "?")
                    + (p.expected() != null ? " must match '" + p.expected() + "'" : " does not match")
                    + forkHint(env);
            case "role-not-matched", "role-hint-mismatch" -> "no role accepts this job's claims" + forkHint(env)
                    + "; 'keyless explain' shows which conditions fail";
            case "role-ambiguous" -> "several roles match: set the 'role' input";
            case "connection-not-found" -> "check the 'connection' and 'team' inputs";
            case "connection-not-active" -> "the connection is not ACTIVE: a security admin must activate it";
            case "token-replayed" -> "each OIDC token is exchanged once; the action fetches a fresh one per run,"
                    + " so another process used this one";
            case "token-issuer-mismatch", "token-key-unknown", "token-signature-invalid" -> "the connection does not"
                    + " trust this issuer: GitHub.com is https://token.actions.githubusercontent.com, GHES"
                    + " https://HOST/_services/token";
            case "policy-denied" -> "no policy grants this role the server; ask a security admin";
            case "server-not-found" -> "check the 'servers' input";
            case "session-limit-reached" -> "too many open sessions for this role";
            default -> e.status() >= 500 ? "the service failed; retry later or report the request id" : null;
        };
    }

    static String forkHint(Map<String, String> env) {
        if (env.getOrDefault("GITHUB_EVENT_NAME", "").startsWith("pull_request")) {
            return " (this is a pull request run: its ref and, for forks, repository differ from a branch run)";
        }
        return "";
    }
}
