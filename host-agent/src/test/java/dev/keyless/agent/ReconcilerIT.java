package dev.keyless.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.agent.AgentFixture.BASE;
import static dev.keyless.agent.AgentFixture.sudoersFile;
import static dev.keyless.agent.AgentFixture.userExists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reconciliation, expiry and restart with the real OS adapters; time is a test clock. */
class ReconcilerIT {
    private AgentFixture fixture;
    private final TestClock clock = new TestClock(Instant.now());

    @BeforeEach
    void setUp() throws Exception {
        fixture = new AgentFixture();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void removesLeftoversButKeepsLiveSessionsAndForeignAccounts() throws Exception {
        AgentRuntime runtime = fixture.runtime(clock);
        runtime.sessions().installTrust();
        AgentSession live = fixture.session(
                "agentit", "7001", List.of("/usr/bin/true"), clock.instant().plusSeconds(60), SessionState.READY);
        runtime.sessions().start(live);
        // Leftovers of a crashed agent: an account in the reserved range, a sudoers file, a principals file.
        Commands.runChecked(List.of("useradd", "-m", "-U", "-u", "61590", "-p", "*", "wl_agentit2"));
        String strayId = UUID.randomUUID().toString();
        fixture.sessionIds.add(strayId);
        Path straySudoers = sudoersFile(strayId);
        Files.writeString(straySudoers, "# stray\n");
        Files.setPosixFilePermissions(straySudoers, PosixFilePermissions.fromString("r--r-----"));
        Path strayPrincipals = fixture.trustDir.resolve("principals/wl_agentit2");
        Files.writeString(strayPrincipals, "wl_agentit2\n");
        // A wl_ account outside the reserved range: not the agent's, never touched.
        try (LinuxUsers.TestUser foreign = LinuxUsers.create("wl_agentkeep")) {
            runtime.sessions().reconcile(List.of(live));

            assertThat(userExists("wl_agentit2")).isFalse();
            assertThat(Path.of("/home/wl_agentit2")).doesNotExist();
            assertThat(straySudoers).doesNotExist();
            assertThat(strayPrincipals).doesNotExist();
            assertThat(userExists(foreign.name())).isTrue();
            assertThat(userExists("wl_agentit")).isTrue();
            assertThat(sudoersFile(live.id())).exists();

            // A session the service no longer lists survives only the grace period.
            runtime.sessions().reconcile(List.of());
            assertThat(userExists("wl_agentit")).isTrue();
            clock.advance(Duration.ofSeconds(11));
            runtime.sessions().reconcile(List.of());
            assertThat(userExists("wl_agentit")).isFalse();
            assertThat(sudoersFile(live.id())).doesNotExist();
            assertThat(fixture.trustDir.resolve("principals/wl_agentit")).doesNotExist();
            assertThat(userExists(foreign.name())).isTrue();
        }
    }

    @Test
    void expiredSessionIsRemovedWithoutTheService() {
        AgentRuntime runtime = fixture.runtime(clock);
        runtime.sessions().installTrust();
        AgentSession session =
                fixture.session("agentit", "7002", List.of(), clock.instant().plusSeconds(30), SessionState.READY);
        runtime.sessions().start(session);
        fixture.service.stop(); // the service is gone; expiry still applies
        runtime.sessions().expireDue();
        assertThat(userExists("wl_agentit")).isTrue();
        clock.advance(Duration.ofSeconds(31));
        runtime.sessions().expireDue();
        assertThat(userExists("wl_agentit")).isFalse();
        assertThat(sudoersFile(session.id())).doesNotExist();
        assertThat(runtime.state().sessions).isEmpty();
    }

    @Test
    void restartedAgentCleansUpASessionThatEndedWhileItWasDown() {
        AgentRuntime first = fixture.runtime(clock);
        first.sessions().installTrust();
        AgentSession session = fixture.session(
                "agentit", "7003", List.of("/usr/bin/true"), clock.instant().plusSeconds(600), SessionState.READY);
        first.sessions().start(session);
        // The agent dies here; the close never reaches it. A new process loads the same state dir.
        clock.advance(Duration.ofSeconds(30));
        AgentRuntime restarted = fixture.runtime(clock);
        assertThat(restarted.state().sessions).containsKey(session.id());
        restarted.sessions().reconcile(List.of());
        assertThat(userExists("wl_agentit")).isFalse();
        assertThat(sudoersFile(session.id())).doesNotExist();
        assertThat(fixture.service.findAll(
                        postRequestedFor(urlPathEqualTo(BASE + "/sessions/" + session.id() + "/ended"))))
                .hasSize(1);
    }
}
