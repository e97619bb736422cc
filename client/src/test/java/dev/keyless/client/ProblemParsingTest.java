package dev.keyless.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.protocol.ProblemType;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProblemParsingTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJl";
    private WireMockServer wm;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(
                        "audience mismatch names claim and expected value",
                        401,
                        "application/problem+json",
                        "{\"type\":\"urn:keyless:problem:token-audience-mismatch\",\"title\":\"t\",\"status\":401,"
                                + "\"detail\":\"The token's audience is not allowed\",\"check\":\"token-audience-mismatch\","
                                + "\"claim\":\"aud\",\"expected\":\"https://keyless.example.com\"}",
                        ProblemType.TOKEN_AUDIENCE_MISMATCH,
                        "token-audience-mismatch (HTTP 401): The token's audience is not allowed; claim aud;"
                                + " expected https://keyless.example.com"),
                Arguments.of(
                        "field errors listed",
                        400,
                        "application/problem+json",
                        "{\"type\":\"urn:keyless:problem:invalid-request\",\"status\":400,\"title\":\"bad\","
                                + "\"errors\":[{\"field\":\"server\",\"message\":\"must not be blank\"}]}",
                        ProblemType.INVALID_REQUEST,
                        "invalid-request (HTTP 400): bad; server: must not be blank"),
                Arguments.of(
                        "no check member falls back to the type's slug",
                        403,
                        "application/problem+json",
                        "{\"type\":\"urn:keyless:problem:policy-denied\",\"status\":403,\"detail\":\"no policy\","
                                + "\"state\":\"ACTIVE\"}",
                        ProblemType.POLICY_DENIED,
                        "policy-denied (HTTP 403): no policy; state ACTIVE"),
                Arguments.of(
                        "not a problem document",
                        404,
                        "text/html",
                        "<html>nope</html>",
                        null,
                        "about:blank (HTTP 404): The service answered without a problem document"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parsesProblemIntoOneLine(
            String name, int status, String contentType, String body, ProblemType type, String message) {
        wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .willReturn(aResponse()
                        .withStatus(status)
                        .withHeader("Content-Type", contentType)
                        .withBody(body)));
        KeylessClient client = KeylessClient.builder(URI.create(wm.baseUrl()), "default")
                .retryPolicy(RetryPolicy.NONE)
                .build();
        KeylessProblemException e =
                catchThrowableOfType(KeylessProblemException.class, () -> client.authenticate("github", TOKEN, null));
        assertThat(e.getMessage()).isEqualTo(message).doesNotContain(TOKEN);
        assertThat(e.type().orElse(null)).isEqualTo(type);
        assertThat(e.status()).isEqualTo(status);
    }
}
