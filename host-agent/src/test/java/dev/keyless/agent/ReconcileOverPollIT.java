package dev.keyless.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.keyless.agent.AgentFixture.BASE;
import static dev.keyless.agent.AgentFixture.await;
import static dev.keyless.agent.AgentFixture.userExists;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.agent.core.AgentLoop;
import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reconciling rides on the long poll: against a service whose answers carry the live-session
 * digest, the agent calls {@code GET /agents/sessions} once at start and then only when the digest
 * differs from its own sessions, and never reads {@code GET /ca/host} again (the answers carry the
 * keys). WireMock is the service, so that every request can be counted; useradd, visudo and sshd are
 * real.
 */
class ReconcileOverPollIT {
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
    void reconcilesOnlyWhenThePollAnswersDigestDiffers() throws Exception {
        AgentSession session = fixture.session(
                "agentit", "1001", List.of("/usr/bin/true"), Instant.now().plusSeconds(300), SessionState.PENDING);
        fixture.liveSessions(session);
        fixture.eventsWithDigest(List.of(session.id()), new AgentEvent(1, AgentRequests.SESSION_START, session));
        // Reconcile every second from the ticker, were the service an old one: it is not.
        TestClock clock = new TestClock(Instant.now());
        AgentRuntime runtime =
                fixture.runtime(clock, new AgentLoop.Timings(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        runtime.loop().start();
        await(Duration.ofSeconds(10), () -> reports(session, "ready") == 1);

        // Some 15 answers (200 ms each) agree with the agent's one session: nothing to reconcile.
        Thread.sleep(3_000);
        assertThat(count(BASE + "/events")).isGreaterThan(5);
        assertThat(count(BASE + "/sessions")).as("only the reconcile at start").isEqualTo(1);
        assertThat(count("/v1/teams/" + AgentFixture.TEAM + "/ca/host"))
                .as("host CA keys come with the answers")
                .isEqualTo(1);
        assertThat(userExists("wl_agentit")).isTrue();

        // The service no longer holds the session live, and no session.end reached the agent: the
        // digest differs, the agent reconciles once over the poll's connection and tears it down
        // (the reconciler keeps a session for 10 s after provisioning, so the clock moves past it).
        clock.advance(Duration.ofSeconds(11));
        fixture.liveSessions();
        fixture.eventsWithDigest(List.of(), new AgentEvent(1, AgentRequests.SESSION_START, session));
        await(Duration.ofSeconds(10), () -> !userExists("wl_agentit"));
        await(Duration.ofSeconds(5), () -> reports(session, "ended") == 1);
        Thread.sleep(2_000);
        assertThat(count(BASE + "/sessions"))
                .as("one reconcile for the one difference")
                .isEqualTo(2);
    }

    @Test
    void aServiceWithoutTheDigestIsReconciledWithOnTheTicker() throws Exception {
        fixture.events();
        AgentRuntime runtime = fixture.runtime(
                java.time.Clock.systemUTC(), new AgentLoop.Timings(Duration.ofSeconds(1), Duration.ofSeconds(1)));
        runtime.loop().start();
        await(Duration.ofSeconds(10), () -> count(BASE + "/sessions") >= 4);
    }

    private int count(String path) {
        return fixture.service.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    private int reports(AgentSession session, String kind) {
        return fixture.service
                .findAll(postRequestedFor(urlPathMatching(BASE + "/sessions/" + session.id() + "/" + kind)))
                .size();
    }
}
