package dev.keyless.service.platformtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.service.platformtoken.jwks.InvalidProviderSettingsException;
import dev.keyless.service.platformtoken.jwks.IssuerEndpoints;
import dev.keyless.service.platformtoken.jwks.JwksLocation;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProviderPresetTest {

    static Stream<Arguments> resolved() {
        return Stream.of(
                Arguments.of(
                        "github-actions",
                        null,
                        null,
                        "https://token.actions.githubusercontent.com",
                        new JwksLocation.Direct(
                                URI.create("https://token.actions.githubusercontent.com/.well-known/jwks"))),
                Arguments.of(
                        "github-actions",
                        "https://ghes.example.com/_services/token",
                        null,
                        "https://ghes.example.com/_services/token",
                        new JwksLocation.Direct(
                                URI.create("https://ghes.example.com/_services/token/.well-known/jwks"))),
                Arguments.of(
                        "gitlab",
                        "https://gitlab.example.com",
                        null,
                        "https://gitlab.example.com",
                        new JwksLocation.Direct(URI.create("https://gitlab.example.com/oauth/discovery/keys"))),
                Arguments.of(
                        "jenkins",
                        "https://jenkins.example.com/oidc/",
                        null,
                        "https://jenkins.example.com/oidc/",
                        new JwksLocation.Direct(URI.create("https://jenkins.example.com/oidc/jwks"))),
                Arguments.of(
                        "circleci",
                        "https://oidc.circleci.com/org/0b1c2d3e-4f50",
                        null,
                        "https://oidc.circleci.com/org/0b1c2d3e-4f50",
                        new JwksLocation.Discovery(
                                URI.create(
                                        "https://oidc.circleci.com/org/0b1c2d3e-4f50/.well-known/openid-configuration"),
                                "https://oidc.circleci.com/org/0b1c2d3e-4f50")),
                Arguments.of(
                        "kubernetes",
                        "https://oidc.eks.example.com/id/ABC",
                        null,
                        "https://oidc.eks.example.com/id/ABC",
                        new JwksLocation.Direct(URI.create("https://oidc.eks.example.com/id/ABC/openid/v1/jwks"))),
                Arguments.of(
                        "gcp",
                        null,
                        null,
                        "https://accounts.google.com",
                        new JwksLocation.Direct(URI.create("https://www.googleapis.com/oauth2/v3/certs"))),
                Arguments.of(
                        "azure",
                        "https://vstoken.dev.azure.com/6f5e4d3c-2b1a",
                        null,
                        "https://vstoken.dev.azure.com/6f5e4d3c-2b1a",
                        new JwksLocation.Discovery(
                                URI.create(
                                        "https://vstoken.dev.azure.com/6f5e4d3c-2b1a/.well-known/openid-configuration"),
                                "https://vstoken.dev.azure.com/6f5e4d3c-2b1a")),
                Arguments.of(
                        "generic",
                        "https://idp.example.com",
                        "https://keys.example.com/jwks.json?v=2",
                        "https://idp.example.com",
                        new JwksLocation.Direct(URI.create("https://keys.example.com/jwks.json?v=2"))),
                Arguments.of(
                        "generic",
                        "http://127.0.0.1:8080",
                        null,
                        "http://127.0.0.1:8080",
                        new JwksLocation.Discovery(
                                URI.create("http://127.0.0.1:8080/.well-known/openid-configuration"),
                                "http://127.0.0.1:8080")),
                Arguments.of(
                        "kubernetes",
                        "http://[::1]:6443",
                        null,
                        "http://[::1]:6443",
                        new JwksLocation.Direct(URI.create("http://[::1]:6443/openid/v1/jwks"))),
                Arguments.of(
                        "jenkins",
                        "http://localhost:8080/oidc",
                        null,
                        "http://localhost:8080/oidc",
                        new JwksLocation.Direct(URI.create("http://localhost:8080/oidc/jwks"))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("resolved")
    void resolvesIssuerAndKeyLocation(
            String preset, String issuer, String jwksUri, String wantIssuer, JwksLocation want) {
        IssuerEndpoints endpoints = ProviderPreset.fromId(preset).resolve(issuer, jwksUri);
        assertThat(endpoints.issuer()).isEqualTo(wantIssuer);
        assertThat(endpoints.jwks()).isEqualTo(want);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("gitlab", null, null, "issuer"),
                Arguments.of("generic", "  ", null, "issuer"),
                Arguments.of("gitlab", "http://gitlab.example.com", null, "issuer"),
                Arguments.of("generic", "http://127.0.0.1.evil.example", null, "issuer"),
                Arguments.of("generic", "http://localhost.evil.example", null, "issuer"),
                Arguments.of("generic", "http://10.0.0.1", null, "issuer"),
                Arguments.of("generic", "https://user:pw@idp.example.com", null, "issuer"),
                Arguments.of("generic", "https://idp.example.com?x=1", null, "issuer"),
                Arguments.of("generic", "idp.example.com", null, "issuer"),
                Arguments.of("generic", "https://idp.example.com", "http://keys.example.com/jwks", "jwks_uri"),
                Arguments.of("generic", "https://idp.example.com", "file:///etc/passwd", "jwks_uri"),
                Arguments.of("circleci", "https://oidc.circleci.com/org/", null, "issuer"),
                Arguments.of("circleci", "https://evil.example/org/abc", null, "issuer"),
                Arguments.of("azure", "https://vstoken.dev.azure.com/a/b", null, "issuer"),
                Arguments.of("nope", "https://idp.example.com", null, "provider"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("refused")
    void refusesInvalidSettings(String preset, String issuer, String jwksUri, String field) {
        assertThatThrownBy(() -> ProviderPreset.fromId(preset).resolve(issuer, jwksUri))
                .isInstanceOfSatisfying(InvalidProviderSettingsException.class, e -> assertThat(e.field())
                        .isEqualTo(field));
    }
}
