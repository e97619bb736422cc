package dev.keyless.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.agent.AgentFixture.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.agent.api.Json;
import dev.keyless.protocol.AgentRequests.HostCertificate;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent renews its host certificate at about two thirds of its lifetime: against a WireMock
 * service handing out certificates made by ssh-keygen, with a real sshd serving the result to a
 * real ssh client that trusts only the host CA.
 */
class HostCertificateRenewalIT {
    private AgentFixture fixture;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new AgentFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void renewsAtTwoThirdsOfTheLifetimeInstallsAtomicallyAndSshdServesTheNewCertificate() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        AgentRuntime runtime = fixture.runtime(clock);
        runtime.sessions().installTrust();
        fixture.awaitSshdListening(2);
        Path installed = fixture.sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub");
        String enrolled = Files.readString(installed).strip();
        String renewed = hostCertificate("+2h", "4242");
        fixture.service.stubFor(post(urlPathEqualTo(BASE + "/host-certificate"))
                .willReturn(okJson(Json.MAPPER.writeValueAsString(
                        new HostCertificate(renewed, List.of(AgentFixture.publicKey(fixture.hostCa)))))));

        // The enrolled certificate lives an hour: not due at half of it.
        clock.advance(Duration.ofMinutes(30));
        assertThat(runtime.renewal().renewIfDue()).isFalse();
        assertThat(renewalRequests()).isZero();
        assertThat(runtime.renewal().due())
                .isBetween(
                        Instant.now().plus(Duration.ofMinutes(33)),
                        Instant.now().plus(Duration.ofMinutes(41)));

        clock.advance(Duration.ofMinutes(11));
        assertThat(runtime.renewal().renewIfDue()).isTrue();

        assertThat(renewalRequests()).isOne();
        assertThat(fixture.service
                        .findAll(postRequestedFor(urlPathEqualTo(BASE + "/host-certificate")))
                        .get(0)
                        .getHeader("Authorization"))
                .startsWith("KeylessAgent ");
        assertThat(Files.readString(installed).strip()).isEqualTo(renewed).isNotEqualTo(enrolled);
        fixture.awaitSshdListening(3); // reloaded
        CommandResult scan = Commands.run(List.of(
                "ssh-keyscan", "-c", "-t", "ed25519", "-p", Integer.toString(fixture.sshd.port()), "127.0.0.1"));
        assertThat(scan.stdout()).as(scan.stderr()).contains(renewed.split(" ", -1)[1]);
        Path key = fixture.certificate("renew-job", "nobody-here", "1");
        CommandResult ssh = fixture.ssh("nobody-here", key, "true");
        assertThat(ssh.stderr())
                .as("the client verified the host through the host CA")
                .doesNotContain("Host key");
        // The next renewal is due at two thirds of the new two hours (ssh-keygen starts them now).
        assertThat(runtime.renewal().due())
                .isBetween(
                        Instant.now().plus(Duration.ofMinutes(67)),
                        Instant.now().plus(Duration.ofMinutes(81)));
    }

    @Test
    void aFailedRenewalKeepsTheInstalledCertificateAndRetriesSoon() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        AgentRuntime runtime = fixture.runtime(clock);
        Path installed = fixture.sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub");
        String enrolled = Files.readString(installed);
        fixture.service.stubFor(post(urlPathEqualTo(BASE + "/host-certificate"))
                .willReturn(aResponse().withStatus(503)));
        clock.advance(Duration.ofMinutes(45));

        assertThat(runtime.renewal().renewIfDue()).isFalse();

        assertThat(Files.readString(installed)).isEqualTo(enrolled);
        assertThat(runtime.renewal().due()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));

        // A certificate that is not one is refused the same way.
        fixture.service.stubFor(post(urlPathEqualTo(BASE + "/host-certificate"))
                .willReturn(okJson("{\"host_certificate\":\"ssh-ed25519 AAAA\\nHostCertificate /etc/shadow\"}")));
        clock.advance(Duration.ofMinutes(2));
        assertThat(runtime.renewal().renewIfDue()).isFalse();
        assertThat(Files.readString(installed)).isEqualTo(enrolled);
    }

    @Test
    void aRotatedHostCaMakesTheRenewalDueAtOnce() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        AgentRuntime runtime = fixture.runtime(clock);
        Instant due = runtime.renewal().due();
        assertThat(due).isAfter(clock.instant().plus(Duration.ofMinutes(30)));

        // The key that signed the installed certificate is still the newest: nothing changes.
        runtime.renewal().hostCaKeys(List.of(AgentFixture.publicKey(fixture.hostCa)));
        assertThat(runtime.renewal().due()).isEqualTo(due);

        Path rotated = SshKeygen.generate(fixture.work, "host_ca_2", "ed25519", 0, "host-ca-2");
        runtime.renewal().hostCaKeys(List.of(AgentFixture.publicKey(fixture.hostCa), AgentFixture.publicKey(rotated)));
        assertThat(runtime.renewal().due()).isEqualTo(clock.instant());
    }

    private int renewalRequests() {
        return fixture.service
                .findAll(postRequestedFor(urlPathEqualTo(BASE + "/host-certificate")))
                .size();
    }

    /** A host certificate for the sshd's host key, signed by the test host CA with ssh-keygen. */
    private String hostCertificate(String validity, String serial) throws Exception {
        Path copy = fixture.work.resolve("renewal-" + serial + ".pub");
        Files.copy(fixture.sshd.hostPublicKey(), copy);
        Commands.runChecked(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                fixture.hostCa.toString(),
                "-h",
                "-I",
                AgentFixture.SERVER,
                "-n",
                "127.0.0.1",
                "-V",
                validity,
                "-z",
                serial,
                copy.toString()));
        return Files.readString(fixture.work.resolve("renewal-" + serial + "-cert.pub"))
                .strip();
    }
}
