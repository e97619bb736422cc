package dev.keyless.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service image Jib writes under {@code -Prelease} ({@code service/target/keyless-service-image.tar},
 * skipped when it was not built): its manifest and config say what a container runtime will do
 * (entrypoint, non-root user, port 8080, data volume), and the image runs: its layers, unpacked
 * in order, are the root of a chroot in private mount and pid namespaces (no container runtime
 * is installed here), where the entrypoint starts as the image's user and answers {@code
 * /health}, writing its database into the volume directory.
 */
class ServiceImageScenario {
    static final Path IMAGE = Path.of("../service/target/keyless-service-image.tar");
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    Process container;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(Files.exists(IMAGE), "no " + IMAGE + ": build it with ./mvnw -pl service -am package -Prelease");
        dir = Files.createTempDirectory("keyless-image");
        Commands.runChecked(List.of("tar", "-xf", IMAGE.toAbsolutePath().toString(), "-C", dir.toString()));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (container != null) {
            container.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        Stack.deleteTree(dir);
    }

    @Test
    void theImageRunsTheServiceAsANonRootUserOnPort8080WithItsDataInTheVolume() throws Exception {
        JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
        assertThat(manifest.path("RepoTags").get(0).asText()).startsWith("keyless-service:");
        JsonNode config =
                JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile());
        assertThat(config.path("architecture").asText()).isEqualTo("amd64");
        assertThat(config.path("os").asText()).isEqualTo("linux");
        JsonNode run = config.path("config");
        List<String> entrypoint = new ArrayList<>();
        run.path("Entrypoint").forEach(part -> entrypoint.add(part.asText()));
        assertThat(entrypoint).startsWith("java").endsWith("dev.keyless.service.Application");
        assertThat(run.path("User").asText()).isEqualTo("10001:0");
        assertThat(run.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(run.path("Volumes").has("/var/lib/keyless")).isTrue();
        List<String> env = new ArrayList<>();
        run.path("Env").forEach(e -> env.add(e.asText()));
        assertThat(env).contains("KEYLESS_DATA_DIR=/var/lib/keyless/data", "PATH=/opt/java/bin");

        Path root = Files.createDirectories(dir.resolve("rootfs"));
        for (JsonNode layer : manifest.path("Layers")) {
            Commands.runChecked(
                    List.of("tar", "-xzf", dir.resolve(layer.asText()).toString(), "-C", root.toString()));
        }
        assertThat(root.resolve("opt/java/bin/java")).isExecutable();

        int port = Ports.free();
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        ProcessBuilder builder = new ProcessBuilder(
                        "unshare",
                        "--mount",
                        "--pid",
                        "--fork",
                        "--kill-child",
                        "sh",
                        "-c",
                        "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\" && mount -t tmpfs tmpfs \"$0/tmp\""
                                + " && chmod 1777 \"$0/tmp\" && exec chroot --userspec=10001:0 \"$0\" \"$@\"",
                        root.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("container.log").toFile());
        builder.command().addAll(entrypointPath(entrypoint));
        Map<String, String> environment = builder.environment();
        environment.clear();
        for (String e : env) {
            environment.put(e.substring(0, e.indexOf('=')), e.substring(e.indexOf('=') + 1));
        }
        // What "docker run -e" would pass; PATH must also let the outer sh find unshare's tools.
        environment.put("PATH", "/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        environment.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        environment.put("KEYLESS_MASTER_KEY", Base64.getEncoder().encodeToString(master));
        container = builder.start();

        HttpClient http = HttpClient.newHttpClient();
        boolean healthy = HostAgentScenario.within(120_000, () -> {
            try {
                return http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                                .timeout(Duration.ofSeconds(2))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(healthy).as(Files.readString(dir.resolve("container.log"))).isTrue();
        CommandResult owners = Commands.run(List.of(
                "stat", "-c", "%u:%g %n", root.resolve("var/lib/keyless").toString()));
        assertThat(owners.stdout()).startsWith("0:0");
        assertThat(Files.getAttribute(root.resolve("var/lib/keyless/data"), "unix:uid"))
                .isEqualTo(10001);
        try (var files = Files.list(root.resolve("var/lib/keyless/data"))) {
            List<Path> written = files.toList();
            assertThat(written)
                    .as("the service writes its data into the volume")
                    .isNotEmpty();
            for (Path file : written) {
                assertThat(Files.getAttribute(file, "unix:uid"))
                        .as(file.toString())
                        .isEqualTo(10001);
            }
        }
        CommandResult processes = Commands.run(List.of("ps", "-o", "user=", "--ppid", Long.toString(container.pid())));
        assertThat(processes.stdout().strip())
                .as("the service runs as the image's user")
                .isEqualTo("10001");
    }

    /** {@code java} resolved through the image's PATH, as a container runtime resolves it. */
    private static List<String> entrypointPath(List<String> entrypoint) {
        List<String> argv = new ArrayList<>(entrypoint);
        if (!argv.get(0).startsWith("/")) {
            argv.set(0, "/opt/java/bin/" + argv.get(0));
        }
        return argv;
    }
}
