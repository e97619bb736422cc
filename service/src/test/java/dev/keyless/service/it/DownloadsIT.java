package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /downloads/} from a {@code keyless.downloads.dir}, anonymously: the listing, each file with
 * its media type, length and ETag (its SHA-256), 304 for a matching If-None-Match, and a
 * SHA256SUMS that the real {@code sha256sum -c} accepts for the bytes served. A service without
 * clients answers a 404 problem saying how to provide them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownloadsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    Path work;

    RunningService service;
    RunningService empty;
    Path clients;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("downloads-it");
        clients = Files.createDirectories(work.resolve("clients"));
        for (String name : List.of("keyless.jar", "keyless-agent.jar")) {
            byte[] bytes = new byte[200_000 + ThreadLocalRandom.current().nextInt(1000)];
            ThreadLocalRandom.current().nextBytes(bytes);
            Files.write(clients.resolve(name), bytes);
        }
        Files.writeString(clients.resolve("secret.txt"), "not a client");
        service = RunningService.start(TestDatabase.H2, Map.of("keyless.downloads.dir", clients.toString()));
        empty = RunningService.start(
                TestDatabase.H2,
                Map.of(
                        "keyless.downloads.dir",
                        Files.createDirectories(work.resolve("none")).toString()));
    }

    @AfterAll
    void stop() throws Exception {
        for (RunningService s : new RunningService[] {service, empty}) {
            if (s != null) {
                s.close();
            }
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void listsTheClientsWithTheirDigests() throws Exception {
        HttpResponse<String> list = get(service, "/downloads/", null, HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(list.body());
        assertThat(body.path("files").findValuesAsText("name")).containsExactly("keyless.jar", "keyless-agent.jar");
        for (JsonNode file : body.path("files")) {
            Path local = clients.resolve(file.path("name").asText());
            assertThat(file.path("sha256").asText()).isEqualTo(sha256(Files.readAllBytes(local)));
            assertThat(file.path("size").asLong()).isEqualTo(Files.size(local));
            assertThat(file.path("url").asText()).isEqualTo("/downloads/" + local.getFileName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"keyless.jar", "keyless-agent.jar"})
    void servesEachClientWithTypeLengthAndEtag(String name) throws Exception {
        byte[] expected = Files.readAllBytes(clients.resolve(name));
        HttpResponse<byte[]> file = get(service, "/downloads/" + name, null, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo(expected);
        assertThat(file.headers().firstValue("content-type")).hasValue("application/java-archive");
        assertThat(file.headers().firstValueAsLong("content-length")).hasValue((long) expected.length);
        String etag = "\"" + sha256(expected) + "\"";
        assertThat(file.headers().firstValue("etag")).hasValue(etag);

        HttpResponse<byte[]> again = get(service, "/downloads/" + name, etag, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void sha256sumsMatchesTheBytesServedAsSha256sumChecksThem() throws Exception {
        HttpResponse<String> sums = get(service, "/downloads/SHA256SUMS", null, HttpResponse.BodyHandlers.ofString());
        assertThat(sums.statusCode()).isEqualTo(200);
        assertThat(sums.headers().firstValue("content-type")).get().asString().startsWith("text/plain");
        Path fetched = Files.createDirectories(work.resolve("fetched"));
        for (String name : List.of("keyless.jar", "keyless-agent.jar")) {
            get(service, "/downloads/" + name, null, HttpResponse.BodyHandlers.ofFile(fetched.resolve(name)));
        }
        Files.writeString(fetched.resolve("SHA256SUMS"), sums.body());
        CommandResult check =
                Commands.run(List.of("sh", "-c", "cd '" + fetched + "' && sha256sum --strict -c SHA256SUMS"));
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        assertThat(check.stdout()).contains("keyless.jar: OK").contains("keyless-agent.jar: OK");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"secret.txt", "..%2Fclients%2Fkeyless.jar", "%2e%2e", "keyless.jar%00", "VERSION"})
    void servesNothingButTheClients(String name) throws Exception {
        HttpResponse<String> response = get(service, "/downloads/" + name, null, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("not a client");
    }

    @Test
    void withoutClientsSaysHowToProvideThem() throws Exception {
        for (String path : List.of("/downloads/", "/downloads/keyless.jar", "/downloads/SHA256SUMS")) {
            HttpResponse<String> response = get(empty, path, null, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.path("type").asText()).isEqualTo("urn:keyless:problem:not-found");
            assertThat(problem.path("detail").asText()).contains("KEYLESS_DOWNLOADS_DIR");
        }
    }

    private <T> HttpResponse<T> get(
            RunningService target, String path, String ifNoneMatch, HttpResponse.BodyHandler<T> handler)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.uri() + path));
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), handler);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
