package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Host certificate renewal by a signed agent request, with the lifetime the service setting gives,
 * and CA rotation: the new key signs, both are published until the old one is retired.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaRotationIT {
    RunningService service;
    TeamSetup team;
    Api api;
    KeylessClient client;
    TestAgent agent;
    Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("ca-rotation");
        service = RunningService.start(
                TestDatabase.H2,
                Map.of("keyless.session.ready-wait", "0ms", "keyless.agent.host-certificate-ttl", "90s"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        agent = TestAgent.enroll(service, team, "web-01", dir);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void anAgentRenewsItsHostCertificateForItsEnrolledKeyWithTheConfiguredLifetime() throws Exception {
        Api.Response r = agent.call("POST", T + "/agents/host-certificate", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        Path cert = dir.resolve("renewed-cert.pub");
        Files.writeString(cert, r.json().get("host_certificate").asText() + "\n");
        String listing = SshKeygen.listCertificate(cert).stdout();
        assertThat(listing).contains("host certificate").contains("web-01");
        assertThat(hostKeyOf(cert))
                .as("certifies the enrolled host key")
                .isEqualTo(fingerprint(
                        Files.readString(dir.resolve("host-web-01.pub")).strip()));
        // Valid: from <after> to <before>, 90 s after now, backdated a tenth (9 s).
        Instant before = Instant.parse(listing.replaceAll("(?s).*Valid: from \\S+ to (\\S+).*", "$1") + "Z");
        assertThat(before)
                .isBetween(Instant.now().plusSeconds(80), Instant.now().plusSeconds(95));
        assertThat(r.json().get("host_ca_public_keys").get(0).asText()).startsWith("ssh-ed25519 ");

        Api.Response unsigned = api.post(T + "/agents/host-certificate", team.security, null);
        assertThat(unsigned.slug()).isEqualTo("agent-unauthenticated");
    }

    @Test
    void rotatingAndRetiringTheUserCa() throws Exception {
        List<String> before = lines(api.get(T + "/ca/user", null).body());
        assertThat(before).hasSize(1);
        assertThat(api.post(T + "/ca/user/rotate", team.devops, null).slug()).isEqualTo("admin-forbidden");
        assertThat(api.post(T + "/ca/user/retire", team.security, null).slug()).isEqualTo("ca-nothing-to-retire");
        assertThat(api.post(T + "/ca/neither/rotate", team.security, null).slug())
                .isEqualTo("not-found");

        Api.Response rotated = api.post(T + "/ca/user/rotate", team.security, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        List<String> during = lines(api.get(T + "/ca/user", null).body());
        assertThat(during).hasSize(2).startsWith(before.get(0));
        assertThat(signer(certificate())).as("the new key signs").isEqualTo(fingerprint(during.get(1)));
        Api.Response events = agent.call("GET", T + "/agents/events?after=0&wait_seconds=0", null);
        assertThat(events.json().get("user_ca_public_keys").size())
                .as("agents trust both")
                .isEqualTo(2);

        Api.Response retired = api.post(T + "/ca/user/retire", team.security, null);
        assertThat(retired.status()).as(retired.body()).isEqualTo(200);
        assertThat(lines(api.get(T + "/ca/user", null).body())).containsExactly(during.get(1));
        assertThat(signer(certificate())).isEqualTo(fingerprint(during.get(1)));
        assertThat(api.get(T + "/audit?type=ca.rotate", team.auditor).json().get("events"))
                .hasSize(1);
        assertThat(api.get(T + "/audit?type=ca.retire", team.auditor).json().get("events"))
                .hasSize(1);
    }

    private CertificateResponse certificate() throws Exception {
        return AgentApiIT.certificate(client, team, dir, "web-01");
    }

    /** The SHA256 fingerprint of the CA that signed the certificate, as ssh-keygen -L prints it. */
    private String signer(CertificateResponse cert) throws Exception {
        Path file = dir.resolve("cert-" + System.nanoTime() + "-cert.pub");
        Files.writeString(file, cert.certificate() + "\n");
        return SshKeygen.listCertificate(file).stdout().replaceAll("(?s).*Signing CA: \\S+ (SHA256:\\S+).*", "$1");
    }

    private String fingerprint(String publicKeyLine) throws Exception {
        Path file = dir.resolve("ca-" + System.nanoTime() + ".pub");
        Files.writeString(file, publicKeyLine + "\n");
        return dev.keyless.testkit.Commands.runChecked(List.of("ssh-keygen", "-l", "-f", file.toString()))
                .stdout()
                .split(" ", -1)[1];
    }

    private static String hostKeyOf(Path cert) {
        return dev.keyless.testkit.Commands.runChecked(List.of("ssh-keygen", "-L", "-f", cert.toString()))
                .stdout()
                .replaceAll("(?s).*Public key: \\S+ (SHA256:\\S+).*", "$1");
    }

    private static List<String> lines(String body) {
        return body.strip().lines().filter(l -> !l.isBlank()).toList();
    }
}
