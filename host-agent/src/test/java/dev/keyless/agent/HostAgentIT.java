package dev.keyless.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.agent.AgentFixture.BASE;
import static dev.keyless.agent.AgentFixture.await;
import static dev.keyless.agent.AgentFixture.sudoersFile;
import static dev.keyless.agent.AgentFixture.userExists;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyless.agent.api.Json;
import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent against a WireMock service, with real useradd, visudo, sudo, sshd, ssh and ssh-keygen. */
class HostAgentIT {
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
    void provisionsFromTheEventStreamServesSshAndTearsDownOnEnd() throws Exception {
        AgentRuntime runtime = fixture.runtime(Clock.systemUTC());
        runtime.loop().start();
        fixture.awaitSshdListening(2); // the agent installed its drop-in and reloaded sshd
        assertThat(Files.readString(fixture.dropInDir.resolve("keyless.conf")))
                .contains(
                        "TrustedUserCAKeys ",
                        "AuthorizedPrincipalsFile ",
                        "RevokedKeys ",
                        "HostCertificate ",
                        "ExposeAuthInfo yes");

        AgentSession session = fixture.session(
                "agentit", "1001", List.of("/usr/bin/true"), Instant.now().plusSeconds(300), SessionState.PENDING);
        fixture.liveSessions(session);
        long queued = System.nanoTime();
        fixture.events(new AgentEvent(1, AgentRequests.SESSION_START, session));
        await(Duration.ofSeconds(5), () -> !requests(session, "ready").isEmpty());
        long readyMillis = Duration.ofNanos(System.nanoTime() - queued).toMillis();
        JsonNode ready = Json.MAPPER.readTree(requests(session, "ready").get(0).getBodyAsString());
        System.out.printf(
                "TIMING session.start visible -> ready received: %d ms (agent provisioning %d ms)%n",
                readyMillis, ready.get("duration_ms").asLong());
        assertThat(ready.get("account_created").asBoolean()).isTrue();
        assertThat(requests(session, "ready").get(0).getHeader("Authorization")).startsWith("KeylessAgent ey");

        assertThat(userExists("wl_agentit")).isTrue();
        Path sudoers = sudoersFile(session.id());
        assertThat(Files.getPosixFilePermissions(sudoers)).isEqualTo(PosixFilePermissions.fromString("r--r-----"));
        assertThat(Files.getOwner(sudoers).getName()).isEqualTo("root");
        assertThat(Commands.run(List.of("visudo", "-c", "-f", sudoers.toString()))
                        .succeeded())
                .isTrue();
        assertThat(Files.readString(fixture.trustDir.resolve("principals/wl_agentit")))
                .isEqualTo("wl_agentit\n");

        Path key = fixture.certificate("job1", "wl_agentit", "1001");
        CommandResult whoami = fixture.ssh("wl_agentit", key, "whoami");
        assertThat(whoami.stdout().strip())
                .as(whoami.stderr() + fixture.sshd.log())
                .isEqualTo("wl_agentit");
        assertThat(fixture.ssh("wl_agentit", key, "sudo", "-n", "/usr/bin/true").exitCode())
                .isZero();
        CommandResult refused = fixture.ssh("wl_agentit", key, "sudo", "-n", "/usr/bin/id");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("sudo");

        fixture.liveSessions();
        long ended = System.nanoTime();
        fixture.events(
                new AgentEvent(1, AgentRequests.SESSION_START, session),
                new AgentEvent(2, AgentRequests.SESSION_END, AgentFixture.withState(session, SessionState.CLOSED)));
        Duration gone = await(
                Duration.ofSeconds(2),
                () -> !userExists("wl_agentit")
                        && !Files.exists(Path.of("/home/wl_agentit"))
                        && !Files.exists(sudoers)
                        && !Files.exists(fixture.trustDir.resolve("principals/wl_agentit")));
        System.out.printf(
                "TIMING session.end visible -> account, home, sudoers, principals gone: %d ms%n", gone.toMillis());
        await(Duration.ofSeconds(2), () -> !requests(session, "ended").isEmpty());
        JsonNode endedBody =
                Json.MAPPER.readTree(requests(session, "ended").get(0).getBodyAsString());
        System.out.printf(
                "TIMING agent teardown (kill, sudoers, principals, userdel -r): %d ms%n",
                endedBody.get("duration_ms").asLong());
        assertThat(endedBody.get("account_deleted").asBoolean()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - ended)).isLessThan(Duration.ofSeconds(3));
        // The seq is saved after the batch's reports went out, so give it a moment.
        await(Duration.ofSeconds(2), () -> runtime.state().lastSeq == 2);
        assertThat(runtime.state().lastSeq).isEqualTo(2);
    }

    @Test
    void refusesHostileSessionsAndReportsThemFailed() throws Exception {
        AgentRuntime runtime = fixture.runtime(Clock.systemUTC());
        Instant later = Instant.now().plusSeconds(300);
        List<AgentSession> hostile = List.of(
                fixture.session(
                        "agentit",
                        "1",
                        List.of("/usr/bin/true\nwl_agentit ALL=(ALL) NOPASSWD: ALL"),
                        later,
                        SessionState.PENDING),
                fixture.session("agentit", "2", List.of("/bin/sh -c id;bash"), later, SessionState.PENDING),
                fixture.session("deployer;rm", "3", List.of(), later, SessionState.PENDING),
                fixture.session("../x", "4", List.of(), later, SessionState.PENDING),
                new AgentSession(
                        fixture.session("x", "5", List.of(), later, SessionState.PENDING)
                                .id(),
                        "root",
                        "root",
                        "5",
                        List.of(),
                        later,
                        SessionState.PENDING));
        for (AgentSession session : hostile) {
            runtime.sessions().start(session);
        }
        for (AgentSession session : hostile) {
            List<LoggedRequest> failed = requests(session, "failed");
            assertThat(failed).hasSize(1);
            assertThat(Json.MAPPER
                            .readTree(failed.get(0).getBodyAsString())
                            .get("reason")
                            .asText())
                    .matches("(sudo\\[0]|role|principal): .*")
                    .doesNotContain("bash", "rm", "ALL=");
            assertThat(sudoersFile(session.id())).doesNotExist();
            assertThat(requests(session, "ready")).isEmpty();
        }
        assertThat(userExists("wl_agentit")).isFalse();
        assertThat(userExists("root")).isTrue();
    }

    @Test
    void twoSessionsShareTheAccountAndRevocationKillsOnlyTheRevokedConnection() throws Exception {
        AgentRuntime runtime = fixture.runtime(Clock.systemUTC());
        runtime.sessions().installTrust();
        fixture.awaitSshdListening(2);
        Instant later = Instant.now().plusSeconds(300);
        AgentSession first = fixture.session("agentit", "5001", List.of("/usr/bin/true"), later, SessionState.PENDING);
        AgentSession second = fixture.session("agentit", "5002", List.of("/usr/bin/id"), later, SessionState.PENDING);
        runtime.sessions().start(first);
        runtime.sessions().start(second);
        assertThat(Json.MAPPER
                        .readTree(requests(second, "ready").get(0).getBodyAsString())
                        .get("account_created")
                        .asBoolean())
                .isFalse();
        Path firstKey = fixture.certificate("job-a", "wl_agentit", "5001");
        Path secondKey = fixture.certificate("job-b", "wl_agentit", "5002");
        Process firstConnection = fixture.sshInBackground("wl_agentit", firstKey, "sleep", "30");
        Process secondConnection = fixture.sshInBackground("wl_agentit", secondKey, "sleep", "31");
        await(
                Duration.ofSeconds(10),
                () -> Commands.run(List.of("pgrep", "-u", "wl_agentit", "-x", "sleep"))
                                .stdout()
                                .strip()
                                .lines()
                                .count()
                        == 2);

        long revoked = System.nanoTime();
        runtime.sessions().end(AgentFixture.withState(first, SessionState.REVOKED));
        Duration killed = await(Duration.ofSeconds(2), () -> !firstConnection.isAlive());
        System.out.printf(
                "TIMING revocation -> live connection closed: %d ms%n",
                Duration.ofNanos(System.nanoTime() - revoked).toMillis());
        assertThat(killed).isLessThan(Duration.ofSeconds(2));
        assertThat(secondConnection.isAlive()).isTrue();
        assertThat(userExists("wl_agentit")).isTrue();
        assertThat(sudoersFile(first.id())).doesNotExist();
        assertThat(sudoersFile(second.id())).exists();

        CommandResult again = fixture.ssh("wl_agentit", firstKey, "true");
        assertThat(again.exitCode()).isNotZero();
        assertThat(fixture.sshd.log()).contains("revoked by file");
        // The first session's sudo rule left with it; the second keeps its own.
        assertThat(fixture.ssh("wl_agentit", secondKey, "sudo", "-n", "/usr/bin/true")
                        .exitCode())
                .isNotZero();
        assertThat(fixture.ssh("wl_agentit", secondKey, "sudo", "-n", "/usr/bin/id")
                        .exitCode())
                .isZero();

        runtime.sessions().end(AgentFixture.withState(second, SessionState.CLOSED));
        await(Duration.ofSeconds(2), () -> !secondConnection.isAlive() && !userExists("wl_agentit"));
        assertThat(fixture.trustDir.resolve("principals/wl_agentit")).doesNotExist();
    }

    @Test
    void aClosedSessionsCertificateIsRefusedAtOnceWhileAnotherSessionKeepsTheAccount() throws Exception {
        AgentRuntime runtime = fixture.runtime(Clock.systemUTC());
        runtime.sessions().installTrust();
        fixture.awaitSshdListening(2);
        Instant later = Instant.now().plusSeconds(300);
        AgentSession first = fixture.session("agentit", "6001", List.of(), later, SessionState.PENDING);
        AgentSession second = fixture.session("agentit", "6002", List.of(), later, SessionState.PENDING);
        runtime.sessions().start(first);
        runtime.sessions().start(second);
        Path firstKey = fixture.certificate("job-c", "wl_agentit", "6001");
        Path secondKey = fixture.certificate("job-d", "wl_agentit", "6002");
        assertThat(fixture.ssh("wl_agentit", firstKey, "true").exitCode()).isZero();

        // The service's session.end carries the closed session; the account stays for the second.
        runtime.sessions().end(AgentFixture.withState(first, SessionState.CLOSED));

        assertThat(userExists("wl_agentit")).isTrue();
        CommandResult closed = fixture.ssh("wl_agentit", firstKey, "true");
        assertThat(closed.exitCode()).as("closed session's certificate").isNotZero();
        assertThat(fixture.sshd.log()).contains("revoked by file");
        assertThat(fixture.ssh("wl_agentit", secondKey, "true").exitCode())
                .as("the other session still logs in")
                .isZero();
    }

    @Test
    void aSessionExpiredByTheHostClockHasItsCertificateRefusedWhileAnotherKeepsTheAccount() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        AgentRuntime runtime = fixture.runtime(clock);
        runtime.sessions().installTrust();
        fixture.awaitSshdListening(2);
        AgentSession soon =
                fixture.session("agentit", "6101", List.of(), clock.instant().plusSeconds(60), SessionState.READY);
        AgentSession later =
                fixture.session("agentit", "6102", List.of(), clock.instant().plusSeconds(600), SessionState.READY);
        runtime.sessions().start(soon);
        runtime.sessions().start(later);
        // Both certificates are valid for sshd for five more minutes; only the agent's clock moves.
        Path soonKey = fixture.certificate("job-e", "wl_agentit", "6101");
        Path laterKey = fixture.certificate("job-f", "wl_agentit", "6102");

        clock.advance(Duration.ofSeconds(61));
        runtime.sessions().expireDue();

        assertThat(userExists("wl_agentit")).isTrue();
        assertThat(fixture.ssh("wl_agentit", soonKey, "true").exitCode())
                .as("expired session's certificate")
                .isNotZero();
        assertThat(fixture.ssh("wl_agentit", laterKey, "true").exitCode()).isZero();
    }

    private List<LoggedRequest> requests(AgentSession session, String what) {
        return fixture.service.findAll(
                postRequestedFor(urlPathEqualTo(BASE + "/sessions/" + session.id() + "/" + what)));
    }
}
