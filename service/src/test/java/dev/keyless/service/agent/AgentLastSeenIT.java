package dev.keyless.service.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.service.db.Db;
import dev.keyless.service.it.RunningService;
import dev.keyless.service.it.TestAgent;
import dev.keyless.service.it.TestDatabase;
import dev.keyless.testkit.TestClock;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Servers page's "last seen" is written at most once a minute per agent, or at once when the
 * agent reports another version: the real authenticator on the real database, with a clock the
 * test moves (the service's own clock is the system's, and a minute of waiting is not a test). The
 * agent signs each request at the test clock's time, as a real agent signs at its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentLastSeenIT {
    private static final String POLL = "/v1/teams/" + RunningService.TEAM + "/agents/events?after=0&wait_seconds=0";

    @TempDir
    static Path dir;

    RunningService service;
    TeamSetup team;
    TestAgent agent;
    Db db;
    TestClock clock;
    AgentAuthenticator authenticator;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        agent = TestAgent.enroll(service, team, "web-01", dir);
        db = service.context().getBean(Db.class);
        // Whole seconds (the signed iat has a resolution of one second), and past the minute in which
        // enrolment recorded the agent, so the first call writes.
        clock = new TestClock(Instant.now().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS));
        authenticator = new AgentAuthenticator(db, clock);
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    private void call() {
        String header = agent.header("GET", POLL, new byte[0], clock.instant(), Duration.ofSeconds(30));
        authenticator.authenticate(new AgentCall(RunningService.TEAM, "GET", POLL, header), new byte[0]);
    }

    private Agent stored() {
        return db.read(c -> AgentRepository.find(c, agent.agentId)).orElseThrow();
    }

    @Test
    void lastSeenMovesOnceAMinuteAndAtOnceOnANewVersion() {
        call();
        Instant first = clock.instant();
        assertThat(stored().lastSeenAt()).isEqualTo(first);
        assertThat(stored().agentVersion()).isEqualTo("0.0.0-test");

        // Within the minute: every request is authenticated, none rewrites the agent's row.
        for (int s = 0; s < 4; s++) {
            clock.advance(Duration.ofSeconds(14));
            call();
            assertThat(stored().lastSeenAt())
                    .as("%d s after the write", (s + 1) * 14)
                    .isEqualTo(first);
        }
        clock.set(first.plus(Duration.ofSeconds(59)));
        call();
        assertThat(stored().lastSeenAt()).isEqualTo(first);

        // A minute after the last write: recorded.
        clock.set(first.plus(Duration.ofMinutes(1)));
        call();
        Instant second = clock.instant();
        assertThat(stored().lastSeenAt()).isEqualTo(second);

        // An upgraded agent is shown at once, whatever the minute.
        clock.advance(Duration.ofSeconds(5));
        agent.version = "0.0.1-test";
        call();
        assertThat(stored().lastSeenAt()).isEqualTo(clock.instant());
        assertThat(stored().agentVersion()).isEqualTo("0.0.1-test");

        // An agent that stops signing a version keeps the one it reported last.
        clock.advance(Duration.ofSeconds(61));
        agent.version = null;
        call();
        assertThat(stored().agentVersion()).isEqualTo("0.0.1-test");
        agent.version = "0.0.0-test";
    }
}
