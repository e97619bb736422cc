package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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

    @ParameterizedTest(name = "SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void signalClosesSessionsStopsTheCommandAndRemovesTheDirectory(String signal) throws Exception {
        Path work = Files.createDirectory(tmp.resolve("work"));
        Path marker = tmp.resolve("started");
        Path out = tmp.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
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
                "echo $$ > " + marker + "; exec sleep 60");
        pb.environment().clear();
        pb.environment()
                .putAll(Map.of(
                        "PATH", System.getenv("PATH"),
                        "KEYLESS_ADDR", service.url(),
                        "KEYLESS_CONNECTION", "github",
                        "MY_JWT", FakeService.PLATFORM_TOKEN,
                        "KEYLESS_TEMP_DIR", work.toString()));
        pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(new File("/dev/null"));
        Process cli = pb.start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
            assertThat(Instant.now())
                    .as("command started; output: %s", read(out))
                    .isBefore(deadline);
            assertThat(cli.isAlive()).as("cli alive; output: %s", read(out)).isTrue();
            Thread.sleep(50);
        }
        long commandPid = Long.parseLong(Files.readString(marker).strip());

        new ProcessBuilder("kill", "-" + signal, Long.toString(cli.pid()))
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
