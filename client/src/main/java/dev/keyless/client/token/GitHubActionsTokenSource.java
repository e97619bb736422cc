package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * GitHub Actions: {@code GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD} with {@code Authorization:
 * bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN}; the JWT is the answer's {@code value}. The runner sets
 * both variables only for jobs with {@code permissions: id-token: write}, and never for pull
 * requests from forks. Every fetch mints a new token.
 */
public final class GitHubActionsTokenSource implements PlatformTokenSource {
    static final String URL_VAR = "ACTIONS_ID_TOKEN_REQUEST_URL";
    static final String TOKEN_VAR = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";
    static final String HINT = "add 'permissions: id-token: write' to the job (or workflow); pull requests from"
            + " forks never get an OIDC token";

    private final Map<String, String> env;
    private final TokenHttp http;

    public GitHubActionsTokenSource(Map<String, String> env, TokenHttp http) {
        this.env = Map.copyOf(env);
        this.http = http;
    }

    @Override
    public String name() {
        return "github-actions";
    }

    @Override
    public String describe() {
        return "GitHub Actions OIDC endpoint (" + URL_VAR + ")";
    }

    @Override
    public String fetch(String audience) {
        String url = env.get(URL_VAR);
        String bearer = env.get(TOKEN_VAR);
        if (url == null || url.isBlank() || bearer == null || bearer.isBlank()) {
            throw new TokenSourceException(
                    Reason.NOT_CONFIGURED, "GitHub Actions did not provide " + URL_VAR + "/" + TOKEN_VAR, HINT);
        }
        String full = url;
        if (audience != null) {
            full += (url.contains("?") ? "&" : "?") + "audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8);
        }
        String body = http.send(
                "GitHub Actions",
                URI.create(full),
                "GET",
                null,
                Map.of("Authorization", "bearer " + bearer, "Accept", "application/json"));
        return TokenHttp.field("GitHub Actions", body, "value");
    }
}
