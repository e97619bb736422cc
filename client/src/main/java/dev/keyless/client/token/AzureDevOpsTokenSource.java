package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.net.URI;
import java.util.Map;

/**
 * Azure DevOps Pipelines: {@code POST $SYSTEM_OIDCREQUESTURI?api-version=7.1} with {@code
 * Authorization: Bearer $SYSTEM_ACCESSTOKEN}; the JWT is the answer's {@code oidcToken}. The
 * pipeline must map the job access token into the step's environment ({@code env:
 * SYSTEM_ACCESSTOKEN: $(System.AccessToken)}). The audience is fixed by Azure.
 */
public final class AzureDevOpsTokenSource implements PlatformTokenSource {
    static final String URI_VAR = "SYSTEM_OIDCREQUESTURI";
    static final String TOKEN_VAR = "SYSTEM_ACCESSTOKEN";

    private final Map<String, String> env;
    private final TokenHttp http;

    public AzureDevOpsTokenSource(Map<String, String> env, TokenHttp http) {
        this.env = Map.copyOf(env);
        this.http = http;
    }

    @Override
    public String name() {
        return "azure-devops";
    }

    @Override
    public String describe() {
        return "Azure DevOps OIDC endpoint (" + URI_VAR + ")";
    }

    @Override
    public String fetch(String audience) {
        String url = env.get(URI_VAR);
        if (url == null || url.isBlank()) {
            throw new TokenSourceException(
                    Reason.NOT_CONFIGURED,
                    "Azure DevOps did not provide " + URI_VAR,
                    "run inside an Azure Pipelines job");
        }
        String bearer = env.get(TOKEN_VAR);
        if (bearer == null || bearer.isBlank()) {
            throw new TokenSourceException(
                    Reason.NOT_CONFIGURED,
                    TOKEN_VAR + " is not set",
                    "map it into the step: 'env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)'");
        }
        String full = url + (url.contains("?") ? "&" : "?") + "api-version=7.1";
        String body = http.send(
                "Azure DevOps",
                URI.create(full),
                "POST",
                "{}",
                Map.of("Authorization", "Bearer " + bearer, "Content-Type", "application/json"));
        return TokenHttp.field("Azure DevOps", body, "oidcToken");
    }
}
