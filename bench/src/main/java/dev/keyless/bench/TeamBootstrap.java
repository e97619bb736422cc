package dev.keyless.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Configures the benchmark team over the admin API the way the service's TeamSetup does: a second
 * security admin and a devops admin; devops creates a {@code github-actions} connection pinned to
 * the loopback JWKS, the second security admin activates it; role {@code deployer}, server
 * {@code web-01} (env=prod) and a policy with one sudo rule.
 */
final class TeamBootstrap {
    static final String CONNECTION = "github";
    static final String SERVER = "web-01";
    static final String AUDIENCE = "https://keyless.example.com";
    static final String ISSUER = "https://token.actions.githubusercontent.com";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI team;

    TeamBootstrap(URI service, String team) {
        this.team = service.resolve("/v1/teams/" + team + "/");
    }

    /** Configures the team; returns the devops admin's token (for the fleet benchmark's onboarding). */
    String configure(String bootstrapToken, String jwksUri) throws IOException, InterruptedException {
        String securityTwo = admin(bootstrapToken, "sec-two", "security_admin");
        String devops = admin(bootstrapToken, "ops", "devops_admin");
        post(
                "connections",
                devops,
                Map.of(
                        "name",
                        CONNECTION,
                        "provider",
                        "github-actions",
                        "jwks_uri",
                        jwksUri,
                        "audiences",
                        List.of(AUDIENCE),
                        "required_claims",
                        Map.of("repository_owner", "acme-corp")),
                201);
        post("connections/" + CONNECTION + "/activate", securityTwo, null, 200);
        post(
                "roles",
                bootstrapToken,
                Map.of(
                        "name",
                        "deployer",
                        "connection",
                        CONNECTION,
                        "claims",
                        Map.of("repository", "acme-corp/deploy-svc")),
                201);
        post(
                "servers",
                devops,
                Map.of("name", SERVER, "address", "127.0.0.1", "port", 22, "labels", Map.of("env", "prod")),
                201);
        post(
                "policies",
                bootstrapToken,
                Map.of(
                        "name", "deploy",
                        "roles", List.of("deployer"),
                        "servers", Map.of("labels", Map.of("env", "prod")),
                        "sudo", List.of(Map.of("command", "/usr/bin/systemctl restart app")),
                        "session_ttl_seconds", 600),
                201);
        return devops;
    }

    private String admin(String bootstrapToken, String name, String role) throws IOException, InterruptedException {
        return post("admins", bootstrapToken, Map.of("name", name, "role", role), 201)
                .get("token")
                .asText();
    }

    private JsonNode post(String path, String bearer, Object body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(team.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer)
                .header("Accept", "application/json");
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        if (response.statusCode() != expected) {
            // The problem's slug and detail never carry a token; the admin tokens stay unprinted.
            throw new IllegalStateException("team set-up: POST " + path + " answered " + response.statusCode() + " "
                    + json.path("check").asText("") + " " + json.path("detail").asText(""));
        }
        return json;
    }
}
