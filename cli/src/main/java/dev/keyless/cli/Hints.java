package dev.keyless.cli;

import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.Problem;
import java.util.Map;

/** One-line suggestions for the common causes of a refusal; never contain a token. */
final class Hints {
    private Hints() {}

    /**
     * @param audience the audience this run requested, or null
     * @param source the name of the token source this run used, or null if none was picked yet
     */
    static String forProblem(KeylessProblemException e, Map<String, String> env, String audience, String source) {
        Problem p = e.problem();
        String check = e.check();
        return switch (check) {
            case "token-audience-mismatch" -> audienceHint(p, env, audience, source);
            case "token-expired",
                    "token-not-yet-valid",
                    "token-too-old" -> "check this machine's clock ('keyless doctor'"
                    + " shows the skew against the service) and that the token is fetched right before use";
            case "token-claim-mismatch" -> "claim " + (p.claim() != null ? p.claim() : "?")
                    + (p.expected() != null ? " must match '" + p.expected() + "'" : " does not match") + forkHint(env)
                    + "; 'keyless explain' shows every condition";
            case "role-not-matched", "role-hint-mismatch" -> "no role accepts this job's claims" + forkHint(env)
                    + "; 'keyless explain' shows which conditions fail";
            case "role-ambiguous" -> "several roles match: pick one with --role / KEYLESS_ROLE";
            case "connection-not-found" -> "check --connection / KEYLESS_CONNECTION and --team / KEYLESS_TEAM";
            case "not-found" -> String.valueOf(p.detail()).startsWith("No team named")
                    ? "the team does not exist on this service (or is not visible to you): check --team /"
                            + " KEYLESS_TEAM; an operator lists teams with 'keyless admin teams list'"
                    : null;
            case "admin-unauthenticated" -> "the admin token is not one of this team's: check --team / KEYLESS_TEAM"
                    + " (a token works only in its own team, and a team that does not exist gets the same"
                    + " answer) and the variable of --admin-token-env";
            case "connection-not-active" -> "the connection is not ACTIVE: a security admin must activate it";
            case "token-replayed" -> "a platform token can be exchanged once; GitLab and CircleCI give one per job"
                    + " and a Kubernetes projected token changes only when the kubelet rotates it,"
                    + " so use one 'keyless exec' for all servers";
            case "token-issuer-mismatch",
                    "token-key-unknown",
                    "token-signature-invalid" -> "the token comes from another issuer than the connection's: check --connection and the token source ('keyless doctor')";
            case "policy-denied" -> "no policy grants this role the server; ask a security admin";
            case "server-not-found" -> "check the server name (keyless admin servers list)";
            case "access-token-expired" -> "the access token lived shorter than the job; run the commands in one 'keyless exec'";
            case "session-limit-reached" -> "too many open sessions for this role; close finished ones with 'keyless sessions close'";
            default -> e.status() >= 500 ? "the service failed; retry later or report the request id" : null;
        };
    }

    /**
     * Where the audience comes from: the request ({@code --audience}) for the sources that ask for a
     * token per audience, the platform's own configuration for the others, where {@code --audience}
     * changes nothing.
     */
    private static String audienceHint(Problem p, Map<String, String> env, String audience, String source) {
        String expected = p.expected() != null ? "'" + p.expected() + "'" : "another one";
        String fixed =
                switch (source == null ? "" : source) {
                    case "kubernetes" -> "the audience of a projected token is set in the pod spec: set the volume's"
                            + " serviceAccountToken.audience to " + expected;
                    case "circleci" -> "CircleCI's CIRCLE_OIDC_TOKEN_V2 always has the organization id as its audience:"
                            + " the connection must allow it (it expects " + expected + ")";
                    case "azure-devops" -> "Azure DevOps tokens always have the audience api://AzureADTokenExchange:"
                            + " the connection must allow it (it expects " + expected + ")";
                    case "jenkins" -> "the audience is set on the Jenkins OIDC credential: set it to " + expected;
                    case "jwt-env", "jwt-file" -> "this token was minted before keyless saw it, with its own audience"
                            + " ('keyless doctor' shows its aud): mint it for " + expected
                            + ", or allow its audience on the connection";
                    case "gitlab" -> "the audience is the aud of the job's id_tokens entry: set it to " + expected;
                    default -> null;
                };
        if (fixed != null) {
            return fixed + " (--audience does not change a " + source + " token)";
        }
        return "the token was requested for audience '"
                + (audience == null ? "(platform default)" : audience)
                + "' but the connection expects "
                + expected
                + ": set --audience / KEYLESS_AUDIENCE"
                + (isGitLab(env) ? " and the aud of the job's id_tokens entry" : "");
    }

    private static boolean isGitLab(Map<String, String> env) {
        return "true".equalsIgnoreCase(env.getOrDefault("GITLAB_CI", ""));
    }

    private static String forkHint(Map<String, String> env) {
        String event = env.getOrDefault("GITHUB_EVENT_NAME", "");
        if (event.startsWith("pull_request")) {
            return " (this is a pull request run: its ref and, for forks, repository differ from a branch run)";
        }
        if ("merge_request_event".equals(env.get("CI_PIPELINE_SOURCE"))) {
            return " (this is a merge request pipeline: its ref differs from a branch pipeline)";
        }
        return "";
    }
}
