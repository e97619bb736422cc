package dev.keyless.agent.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.testkit.SshKeygen;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code keyless-agent enroll} takes the one-time token from a file or standard input, so it never
 * has to be on the command line; the old {@code --token} is refused and its token never sent. Against a WireMock
 * service on 127.0.0.1 with a host key made by ssh-keygen.
 */
class EnrollCommandIT {
    static final String ENROLL = "/v1/teams/t1/agents/enroll";
    static final String TOKEN = "kle_secret-enrolment-token-0123456789";

    WireMockServer service;
    Path dir;
    Path hostKey;
    final StringWriter err = new StringWriter();

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("enroll-command-it");
        hostKey = Path.of(SshKeygen.generate(dir, "host", "ed25519", 0, "host") + ".pub");
        service = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        service.start();
        service.stubFor(post(urlPathEqualTo(ENROLL))
                .willReturn(okJson("{\"agent_id\":\"agent-1\",\"host_certificate\":"
                        + "\"ssh-ed25519-cert-v01@openssh.com AAAAfake host\","
                        + "\"user_ca_public_keys\":[],\"host_ca_public_keys\":[]}")));
    }

    @AfterEach
    void stop() throws Exception {
        service.stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void readsTheTokenFromAFile() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, TOKEN + "\n");
        assertThat(enroll(null, "--token-file", file.toString())).isZero();
        assertSent(TOKEN);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void readsTheTokenFromStandardInputForDash() {
        assertThat(enroll(TOKEN + "\n", "--token-file", "-")).isZero();
        assertSent(TOKEN);
    }

    @Test
    void readsTheTokenFromStandardInputWithoutATokenOption() {
        assertThat(enroll("  " + TOKEN + "  \nignored second line\n")).isZero();
        assertSent(TOKEN);
    }

    @Test
    void refusesTheOldArgumentBecausePsShowsItAndSendsNothing() {
        assertThat(enroll(null, "--token", TOKEN)).isEqualTo(2);
        assertThat(err.toString()).contains("no longer accepted").contains("ps").contains("--token-file");
        assertThat(err.toString()).doesNotContain(TOKEN);
        assertThat(service.getAllServeEvents()).isEmpty();
    }

    @Test
    void refusesNoTokenAndBothOptionsWithoutCallingTheService() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThat(enroll(null, "--token-file", empty.toString())).isEqualTo(2);
        assertThat(enroll("")).isEqualTo(2);
        assertThat(enroll(null, "--token", TOKEN, "--token-file", empty.toString()))
                .isEqualTo(2);
        assertThat(service.getAllServeEvents()).isEmpty();
    }

    private int enroll(String stdin, String... tokenOptions) {
        EnrollCommand command = new EnrollCommand();
        command.stdin = new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.US_ASCII));
        command.console = () -> null; // as under systemd, a pipe or a test runner: no terminal
        List<String> args = new ArrayList<>(List.of(
                "--service",
                service.baseUrl(),
                "--team",
                "t1",
                "--server",
                "web-01",
                "--state-dir",
                dir.resolve("state").toString(),
                "--host-key",
                hostKey.toString()));
        args.addAll(List.of(tokenOptions));
        return new CommandLine(command).setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
    }

    private void assertSent(String token) {
        service.verify(
                1,
                postRequestedFor(urlPathEqualTo(ENROLL))
                        .withRequestBody(matchingJsonPath("$.enrollment_token", equalTo(token))));
    }
}
