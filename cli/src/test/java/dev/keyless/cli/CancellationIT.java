package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.DefaultSignals;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cancelled job, as a runner cancels it: {@code keyless exec} runs in its own JVM, the wrapped
 * command is running, and the CLI gets SIGINT or SIGTERM. The session must be closed, the command
 * stopped and the private directory removed before the JVM exits.
 */
class CancellationIT {
    private FakeService service;

    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        service = new FakeService();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /**
     * {@code INT-group} is Ctrl-C in a terminal or a runner that signals the process group: the
     * command dies of the same SIGINT, so the main thread starts closing while the shutdown hook
     * does too. The close answers slowly, so a hook that returned without waiting for the main
     * thread would let the JVM halt mid-close (the session left open, the directory left behind).
     */
    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM", "INT-group"})
    void signalClosesSessionsStopsTheCommandAndRemovesTheDirectory(String signal) throws Exception {
        boolean group = signal.endsWith("-group");
        service.wm.stubFor(post(urlPathMatching("/v1/teams/default/sessions/.*/close"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"state\":\"CLOSED\"}")
                        .withFixedDelay(500)));
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path marker = tmp.resolve("started");
        Path out = tmp.resolve("out.txt");
        Process cli = startCli(work, marker, out, group);
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
            assertThat(Instant.now())
                    .as("command started; output: %s", read(out))
                    .isBefore(deadline);
            assertThat(cli.isAlive()).as("cli alive; output: %s", read(out)).isTrue();
            Thread.sleep(50);
        }
        long commandPid = Long.parseLong(Files.readString(marker).strip());

        // setsid made the CLI's pid its process group id: "-pid" signals the whole group.
        String target = group ? "-" + cli.pid() : Long.toString(cli.pid());
        new ProcessBuilder("kill", "-" + (group ? "INT" : signal), "--", target)
                .start()
                .waitFor();
        assertThat(cli.waitFor(15, TimeUnit.SECONDS))
                .as("cli exited; output: %s", read(out))
                .isTrue();

        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-1/close")));
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("private directory removed").isEmpty();
        }
        waitUntilGone(commandPid);
        String output = read(out);
        assertThat(output).contains("session s-1 closed");
        assertThat(output).doesNotContain(FakeService.PLATFORM_TOKEN, FakeService.ACCESS_TOKEN);
    }

    /** {@code keyless exec} in its own JVM running a command that writes its pid to {@code marker}. */
    private Process startCli(Path work, Path marker, Path out, boolean group) throws Exception {
        List<String> launcher = group ? List.of("setsid") : List.of();
        ProcessBuilder pb = new ProcessBuilder(DefaultSignals.argv(Stream.concat(
                        launcher.stream(),
                        Stream.of(
                                Path.of(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                "-cp",
                                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                                KeylessCli.class.getName(),
                                "exec",
                                "--server",
                                "web-01",
                                "--jwt-env",
                                "MY_JWT",
                                "--debug",
                                "--",
                                "sh",
                                "-c",
                                "echo $$ > " + marker + "; exec sleep 60"))
                .toList()));
        pb.environment().clear();
        pb.environment()
                .putAll(Map.of(
                        "PATH", System.getenv("PATH"),
                        "KEYLESS_SERVICE_URL", service.url(),
                        "KEYLESS_CONNECTION", "github",
                        "MY_JWT", FakeService.PLATFORM_TOKEN,
                        "KEYLESS_TEMP_DIR", work.toString()));
        pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(new File("/dev/null"));
        return pb.start();
    }

    /**
     * SIGINT while the certificate request is in flight (a job cancelled during set-up): cleanup
     * waits for the request and closes the session it created, rather than exiting without it.
     */
    @Test
    void sigintDuringTheCertificateRequestClosesTheSessionItCreates() throws Exception {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/ssh/certificates"))
                .willReturn(FakeService.certificate().withFixedDelay(1_500)));
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path marker = tmp.resolve("started");
        Path out = tmp.resolve("out.txt");
        Process cli = startCli(work, marker, out, false);
        Instant deadline = Instant.now().plusSeconds(30);
        while (service.wm
                .findAll(postRequestedFor(urlPathEqualTo("/v1/teams/default/ssh/certificates")))
                .isEmpty()) {
            assertThat(Instant.now())
                    .as("certificate requested; output: %s", read(out))
                    .isBefore(deadline);
            Thread.sleep(20);
        }

        new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor();
        assertThat(cli.waitFor(15, TimeUnit.SECONDS))
                .as("cli exited; output: %s", read(out))
                .isTrue();

        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-1/close")));
        assertThat(read(out)).contains("session s-1 closed");
        assertThat(marker).as("the command never started").doesNotExist();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).as("private directory removed").isEmpty();
        }
    }

    private static void waitUntilGone(long pid) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(Instant.now()).as("wrapped command %s stopped", pid).isBefore(deadline);
            Thread.sleep(50);
        }
    }

    private static String read(Path p) throws Exception {
        return Files.exists(p) ? String.join("\n", Files.readAllLines(p)) : "";
    }
}
