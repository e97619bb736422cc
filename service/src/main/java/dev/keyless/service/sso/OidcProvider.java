package dev.keyless.service.sso;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.platformtoken.jwks.AddressRules;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HTTP side of an OIDC provider: its discovery document, its key set and its token endpoint.
 * Like a connection's JWKS, the service fetches only from public addresses unless the operator
 * allows private ones ({@code keyless.jwks.allow-private-addresses}); every failure is an {@link
 * SsoFailure} that names the step, never a token.
 */
@Singleton
class OidcProvider {
    private static final int MAX_BODY = 256 * 1024;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private final ObjectMapper json = new ObjectMapper();
    private final boolean allowPrivate;

    OidcProvider(KeylessSettings settings) {
        this.allowPrivate = settings.jwksAllowPrivateAddresses();
    }

    /** The provider's endpoints, from {@code <issuer>/.well-known/openid-configuration}. */
    Endpoints discover(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        JsonNode doc = get(URI.create(base + "/.well-known/openid-configuration"), "discovery");
        if (!issuer.equals(doc.path("issuer").asText())) {
            throw new SsoFailure("discovery", "the discovery document names another issuer");
        }
        return new Endpoints(uri(doc, "authorization_endpoint"), uri(doc, "token_endpoint"), uri(doc, "jwks_uri"));
    }

    String jwks(URI uri) {
        return get(uri, "jwks").toString();
    }

    /** The token endpoint's answer to the authorization code (RFC 6749 4.1.3, PKCE RFC 7636 4.5). */
    JsonNode redeem(
            Endpoints endpoints,
            String clientId,
            String clientSecret,
            String code,
            String redirectUri,
            String verifier) {
        Map<String, String> form = new java.util.LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("client_id", clientId);
        form.put("code_verifier", verifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(checked(endpoints.token(), "token"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        if (clientSecret != null) {
            String basic = encodeComponent(clientId) + ":" + encodeComponent(clientSecret);
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return send(request.build(), "token");
    }

    private JsonNode get(URI uri, String step) {
        return send(
                HttpRequest.newBuilder(checked(uri, step))
                        .timeout(Duration.ofSeconds(10))
                        .header("Accept", "application/json")
                        .GET()
                        .build(),
                step);
    }

    private JsonNode send(HttpRequest request, String step) {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new SsoFailure(step, "the provider answered HTTP " + response.statusCode());
            }
            if (response.body().length > MAX_BODY) {
                throw new SsoFailure(step, "the provider's answer is too large");
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new SsoFailure(step, "the provider could not be reached or answered no JSON");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SsoFailure(step, "interrupted");
        }
    }

    private URI checked(URI uri, String step) {
        if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && allowPrivate)) {
            throw new SsoFailure(step, "the provider's URLs must be https");
        }
        if (!allowPrivate) {
            try {
                for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                    if (!AddressRules.isPublic(a)) {
                        throw new SsoFailure(step, AddressRules.REFUSED);
                    }
                }
            } catch (java.net.UnknownHostException e) {
                throw new SsoFailure(step, "the provider's host name does not resolve");
            }
        }
        return uri;
    }

    private static URI uri(JsonNode doc, String field) {
        String value = doc.path(field).asText("");
        if (value.isEmpty()) {
            throw new SsoFailure("discovery", "the discovery document has no " + field);
        }
        return URI.create(value);
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> encodeComponent(e.getKey()) + "=" + encodeComponent(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encodeComponent(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    record Endpoints(URI authorization, URI token, URI jwks) {}
}
