package dev.keyless.client.token;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each platform's token source with the environment its platform sets, over real HTTP. */
class TokenSourcesTest {
    private static final String AUD = "https://keyless.example.com";
    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJrIn0.c2ln";
    private static final String REQUEST_TOKEN = "runner-request-token-xyz";
    private static final String SERVICE_CONNECTION = "2f1e0d9c-8b7a-4c6d-9e5f-0a1b2c3d4e5f";
    private static final String SERVICE_CONNECTION_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYzovL2EvYi9jIn0.c2ln";

    private WireMockServer wm;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        wm.stubFor(get(urlPathEqualTo("/gh/token"))
                .withQueryParam("audience", equalTo(AUD))
                .withHeader("Authorization", equalTo("bearer " + REQUEST_TOKEN))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"count\":1,\"value\":\"" + JWT + "\"}")));
        wm.stubFor(post(urlPathEqualTo("/azure/oidc"))
                .withQueryParam("api-version", equalTo("7.1"))
                .withQueryParam("serviceConnectionId", absent())
                .withHeader("Authorization", equalTo("Bearer " + REQUEST_TOKEN))
                .withHeader("X-TFS-FedAuthRedirect", equalTo("Suppress"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"oidcToken\":\"" + JWT + "\"}")));
        wm.stubFor(post(urlPathEqualTo("/azure/oidc"))
                .withQueryParam("api-version", equalTo("7.1"))
                .withQueryParam("serviceConnectionId", equalTo(SERVICE_CONNECTION))
                .withHeader("Authorization", equalTo("Bearer " + REQUEST_TOKEN))
                .withHeader("X-TFS-FedAuthRedirect", equalTo("Suppress"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"oidcToken\":\"" + SERVICE_CONNECTION_JWT + "\"}")));
        wm.stubFor(get(urlPathEqualTo("/computeMetadata/v1/instance/service-accounts/default/identity"))
                .withQueryParam("audience", equalTo(AUD))
                .withQueryParam("format", equalTo("full"))
                .withHeader("Metadata-Flavor", equalTo("Google"))
                .willReturn(aResponse().withBody(JWT)));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private TokenSources sources(Map<String, String> env, Path k8sFile) {
        return new TokenSources(
                env,
                TokenHttp.fromEnv(Map.of()),
                new TokenSources.Settings(
                        TokenSources.DEFAULT_ID_TOKEN_VARIABLE,
                        null,
                        k8sFile,
                        URI.create(wm.baseUrl()),
                        tmp.resolve("no-dmi-product-name")));
    }

    static Stream<Arguments> platforms() {
        return Stream.of(
                Arguments.of(
                        "github-actions",
                        Map.of(
                                "GITHUB_ACTIONS",
                                "true",
                                "ACTIONS_ID_TOKEN_REQUEST_URL",
                                "{base}/gh/token?api-version=2.0",
                                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                                REQUEST_TOKEN)),
                Arguments.of("gitlab", Map.of("GITLAB_CI", "true", "KEYLESS_ID_TOKEN", JWT)),
                Arguments.of(
                        "azure-devops",
                        Map.of(
                                "TF_BUILD",
                                "True",
                                "SYSTEM_OIDCREQUESTURI",
                                "{base}/azure/oidc",
                                "SYSTEM_ACCESSTOKEN",
                                REQUEST_TOKEN)),
                Arguments.of("circleci", Map.of("CIRCLECI", "true", "CIRCLE_OIDC_TOKEN_V2", JWT)),
                Arguments.of("jenkins", Map.of("JENKINS_URL", "https://ci.example.com/", "KEYLESS_ID_TOKEN", JWT)),
                Arguments.of("kubernetes", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1")),
                Arguments.of("gcp", Map.of("GCE_METADATA_HOST", "ignored-in-test")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void detectsThePlatformAndFetchesItsToken(String platform, Map<String, String> raw) throws Exception {
        Map<String, String> env = new HashMap<>();
        raw.forEach((k, v) -> env.put(k, v.replace("{base}", wm.baseUrl())));
        Path k8s = Files.writeString(tmp.resolve("token"), JWT + "\n");
        PlatformTokenSource source = sources(env, k8s).select(null, null, null);
        assertThat(source.name()).isEqualTo(platform);
        assertThat(source.fetch(AUD)).isEqualTo(JWT);
        assertThat(source.describe()).doesNotContain(JWT).doesNotContain(REQUEST_TOKEN);
    }

    static Stream<Arguments> missing() {
        return Stream.of(
                Arguments.of(
                        "github without id-token permission",
                        Map.of("GITHUB_ACTIONS", "true"),
                        "ACTIONS_ID_TOKEN_REQUEST_URL",
                        "permissions: id-token: write"),
                Arguments.of(
                        "gitlab job without id_tokens", Map.of("GITLAB_CI", "true"), "KEYLESS_ID_TOKEN", "id_tokens"),
                Arguments.of(
                        "azure without the access token mapped",
                        Map.of("SYSTEM_OIDCREQUESTURI", "http://x/"),
                        "SYSTEM_ACCESSTOKEN",
                        "$(System.AccessToken)"),
                Arguments.of(
                        "circleci without the variable", Map.of("CIRCLECI", "true"), "CIRCLE_OIDC_TOKEN_V2", "OIDC"),
                Arguments.of(
                        "jenkins without a binding",
                        Map.of("JENKINS_URL", "https://ci/"),
                        "KEYLESS_ID_TOKEN",
                        "withCredentials"),
                Arguments.of("nothing at all", Map.of(), "looked for GitHub Actions", "--jwt-env"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missing")
    void missingVariablesGiveHintedErrors(String name, Map<String, String> env, String message, String hint) {
        TokenSourceException e = catchThrowableOfType(
                TokenSourceException.class,
                () -> sources(env, tmp.resolve("none")).select(null, null, null).fetch(AUD));
        assertThat(e.reason()).isEqualTo(TokenSourceException.Reason.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains(message);
        assertThat(e.hint()).contains(hint);
    }

    @Test
    void aGoogleComputeEngineMachineIsDetectedByItsDmiProductName() throws Exception {
        Path product = Files.writeString(tmp.resolve("product_name"), "Google Compute Engine\n");
        TokenSources onGce = new TokenSources(
                Map.of(),
                TokenHttp.fromEnv(Map.of()),
                new TokenSources.Settings(
                        TokenSources.DEFAULT_ID_TOKEN_VARIABLE,
                        null,
                        tmp.resolve("no-k8s-token"),
                        URI.create(wm.baseUrl()),
                        product));
        assertThat(onGce.detect().name()).isEqualTo("gcp");

        Files.writeString(product, "Standard PC (Q35 + ICH9, 2009)\n");
        assertThatThrownBy(onGce::detect)
                .isInstanceOf(TokenSourceException.class)
                .hasMessageContaining("no platform token found")
                .hasMessageContaining(product + " naming Google");
    }

    @Test
    void genericSourcesTakePrecedenceOverDetection() throws Exception {
        Map<String, String> env = Map.of("GITLAB_CI", "true", "MY_JWT", JWT);
        assertThat(sources(env, tmp).select(null, "MY_JWT", null).fetch(null)).isEqualTo(JWT);
        Path file = Files.writeString(tmp.resolve("jwt"), JWT);
        assertThat(sources(env, tmp).select("gitlab", null, file).name()).isEqualTo("jwt-file");
        assertThat(sources(env, tmp).select("circleci", null, null).name()).isEqualTo("circleci");
    }

    @Test
    void kubernetesTokenIsReReadOnEveryFetch() throws Exception {
        Path file = Files.writeString(tmp.resolve("token"), JWT);
        PlatformTokenSource source = sources(Map.of(), file).named("kubernetes");
        assertThat(source.fetch(null)).isEqualTo(JWT);
        String rotated = "eyJhbGciOiJSUzI1NiJ9.eyJyb3RhdGVkIjp0cnVlfQ.c2ln";
        Files.writeString(file, rotated);
        assertThat(source.fetch(null)).isEqualTo(rotated);
    }

    @Test
    void azureDevOpsAsksForTheServiceConnectionsTokenWhenOneIsNamed() {
        Map<String, String> env = Map.of(
                "TF_BUILD",
                "True",
                "SYSTEM_OIDCREQUESTURI",
                wm.baseUrl() + "/azure/oidc",
                "SYSTEM_ACCESSTOKEN",
                REQUEST_TOKEN,
                "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
                SERVICE_CONNECTION);
        PlatformTokenSource source = sources(env, tmp).select(null, null, null);
        assertThat(source.fetch(AUD)).isEqualTo(SERVICE_CONNECTION_JWT);
        assertThat(source.describe()).contains("service connection " + SERVICE_CONNECTION);
    }

    @Test
    void kubernetesTokenPathFromTheEnvironment() throws Exception {
        Path mounted = Files.writeString(tmp.resolve("keyless-token"), JWT + "\n");
        Map<String, String> env =
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KEYLESS_KUBERNETES_TOKEN_FILE", mounted.toString());
        TokenSources sources = TokenSources.fromEnv(env);
        assertThat(sources.settings().kubernetesTokenFile()).isEqualTo(mounted);
        // detected without --jwt-file, and re-read from the variable's path on every fetch
        PlatformTokenSource source = sources.select(null, null, null);
        assertThat(source.name()).isEqualTo("kubernetes");
        assertThat(source.describe()).contains(mounted.toString()).doesNotContain(JWT);
        assertThat(source.fetch(null)).isEqualTo(JWT);
        String rotated = "eyJhbGciOiJSUzI1NiJ9.eyJyb3RhdGVkIjp0cnVlfQ.c2ln";
        Files.writeString(mounted, rotated);
        assertThat(source.fetch(null)).isEqualTo(rotated);
    }

    @Test
    void kubernetesTokenPathDefaultsWhenTheVariableIsUnsetOrBlank() {
        assertThat(TokenSources.fromEnv(Map.of()).settings().kubernetesTokenFile())
                .isEqualTo(TokenSources.DEFAULT_KUBERNETES_TOKEN);
        assertThat(TokenSources.fromEnv(Map.of("KEYLESS_KUBERNETES_TOKEN_FILE", "  "))
                        .settings()
                        .kubernetesTokenFile())
                .isEqualTo(TokenSources.DEFAULT_KUBERNETES_TOKEN);
    }

    @Test
    void aMissingKubernetesTokenNamesThePathAndTheVariable() {
        Path missing = tmp.resolve("not-mounted");
        Map<String, String> env =
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KEYLESS_KUBERNETES_TOKEN_FILE", missing.toString());
        // nothing mounted there: detection does not pick Kubernetes and says where it looked
        TokenSourceException notDetected = catchThrowableOfType(
                TokenSourceException.class, () -> TokenSources.fromEnv(env).select(null, null, null));
        assertThat(notDetected.getMessage()).contains(missing.toString()).contains("KEYLESS_KUBERNETES_TOKEN_FILE");
        // named explicitly, the read fails naming the file, and the hint the variable
        TokenSourceException named = catchThrowableOfType(
                TokenSourceException.class,
                () -> TokenSources.fromEnv(env).named("kubernetes").fetch(null));
        assertThat(named.reason()).isEqualTo(TokenSourceException.Reason.NOT_CONFIGURED);
        assertThat(named.getMessage()).contains(missing.toString());
        assertThat(named.hint()).contains("KEYLESS_KUBERNETES_TOKEN_FILE");
    }

    @Test
    void aVariableThatIsNotAJwtIsRefusedWithoutEchoingIt() {
        PlatformTokenSource source =
                sources(Map.of("MY_JWT", "not-a-jwt-secret-value"), tmp).select(null, "MY_JWT", null);
        TokenSourceException e = catchThrowableOfType(TokenSourceException.class, () -> source.fetch(null));
        assertThat(e.getMessage()).contains("MY_JWT").doesNotContain("not-a-jwt-secret-value");
    }

    @Test
    void platformEndpointRefusalNamesTheHostNotTheCredential() {
        Map<String, String> env = Map.of(
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                wm.baseUrl() + "/gh/token?x=1",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
                "wrong-credential-value");
        TokenSourceException e = catchThrowableOfType(
                TokenSourceException.class, () -> sources(env, tmp).detect().fetch(AUD));
        assertThat(e.getMessage())
                .contains(URI.create(wm.baseUrl()).getHost())
                .contains("404")
                .doesNotContain("wrong-credential-value");
    }
}
