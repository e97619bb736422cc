package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Azure DevOps Pipelines: {@code POST $SYSTEM_OIDCREQUESTURI?api-version=7.1} with {@code
 * Authorization: Bearer $SYSTEM_ACCESSTOKEN}; the JWT is the answer's {@code oidcToken}. The
 * pipeline must map the job access token into the step's environment ({@code env:
 * SYSTEM_ACCESSTOKEN: $(System.AccessToken)}). The audience is fixed by Azure ({@code
 * api://AzureADTokenExchange}).
 *
 * <p>With {@code AZURESUBSCRIPTION_SERVICE_CONNECTION_ID} set (the {@code AzureCLI}/{@code
 * AzurePowerShell} tasks set it to their service connection; a script step can map it) the request
 * adds {@code serviceConnectionId=ID} and Azure answers with that service connection's token,
 * subject {@code sc://ORG/PROJECT/CONNECTION}; without it, with the pipeline's own token, subject
 * {@code p://ORG/PROJECT/PIPELINE}. {@code X-TFS-FedAuthRedirect: Suppress} makes a refused
 * credential a 401 rather than a redirect to a sign-in page.
 */
public final class AzureDevOpsTokenSource implements PlatformTokenSource {
    static final String URI_VAR = "SYSTEM_OIDCREQUESTURI";
    static final String TOKEN_VAR = "SYSTEM_ACCESSTOKEN";
    static final String SERVICE_CONNECTION_VAR = "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID";

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
        String connection = serviceConnection();
        return "Azure DevOps OIDC endpoint (" + URI_VAR
                + (connection == null ? ", pipeline token" : ", service connection " + connection) + ")";
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
        String connection = serviceConnection();
        if (connection != null) {
            full += "&serviceConnectionId=" + URLEncoder.encode(connection, StandardCharsets.UTF_8);
        }
        String body = http.send(
                "Azure DevOps",
                URI.create(full),
                "POST",
                "{}",
                Map.of(
                        "Authorization",
                        "Bearer " + bearer,
                        "Content-Type",
                        "application/json",
                        "X-TFS-FedAuthRedirect",
                        "Suppress"));
        return TokenHttp.field("Azure DevOps", body, "oidcToken");
    }

    /** The service connection to ask a token for, or null for the pipeline's own. */
    private String serviceConnection() {
        String id = env.get(SERVICE_CONNECTION_VAR);
        return id == null || id.isBlank() ? null : id.strip();
    }
}
