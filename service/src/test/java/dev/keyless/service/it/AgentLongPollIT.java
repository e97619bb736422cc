package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Agents' long polls hold no request thread while they wait. The service runs with 4 request
 * threads here, and 12 polls wait at once, as a fleet of agents would against a bigger pool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentLongPollIT {
    private static final int POLLS = 12;
    private static final int POLL_SECONDS = 20;

    RunningService service;
    TeamSetup team;
    KeylessClient client;
    TestAgent agent;
    Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("agent-long-poll");
        service = RunningService.start(
                TestDatabase.H2,
                Map.of("keyless.session.ready-wait", "100ms", "micronaut.executors.blocking.number-of-threads", "4"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        team.server("web-02", 22, Map.of("env", "prod"));
        agent = TestAgent.enroll(service, team, "web-01", dir);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void waitingPollsLeaveRequestThreadsFreeAndAllWakeOnTheNextEvent() throws Exception {
        long after = lastSeq();
        ExecutorService callers = Executors.newFixedThreadPool(POLLS);
        List<CompletableFuture<Api.Response>> polls = new ArrayList<>();
        for (int i = 0; i < POLLS; i++) {
            polls.add(CompletableFuture.supplyAsync(
                    () -> agent.call(
                            "GET", T + "/agents/events?after=" + after + "&wait_seconds=" + POLL_SECONDS, null),
                    callers));
        }
        Thread.sleep(1_000); // let every poll reach the service and start waiting

        // With a thread held per poll, 12 polls on 4 threads would hold this up for 20 s.
        long started = System.nanoTime();
        CertificateResponse elsewhere = certificate("web-02");
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(elsewhere.sessionId()).isNotBlank();
        assertThat(polls).as("no poll has ended yet").noneMatch(CompletableFuture::isDone);
        assertThat(tookMs).as("a workload request while %d polls wait", POLLS).isLessThan(10_000);

        long issued = System.nanoTime();
        CertificateResponse here = certificate("web-01");
        for (CompletableFuture<Api.Response> poll : polls) {
            Api.Response r = poll.get(POLL_SECONDS, TimeUnit.SECONDS);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode events = r.json().get("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).get("type").asText()).isEqualTo("session.start");
            assertThat(events.get(0).get("session").get("id").asText()).isEqualTo(here.sessionId());
        }
        long wokeMs = (System.nanoTime() - issued) / 1_000_000;
        callers.shutdown();
        assertThat(wokeMs)
                .as("every poll answered by the event, not by its deadline")
                .isLessThan(POLL_SECONDS * 500L);
    }

    @Test
    void aPollWithNothingToSayEndsEmptyAtItsDeadline() {
        long after = lastSeq();
        long started = System.nanoTime();
        Api.Response r = agent.call("GET", T + "/agents/events?after=" + after + "&wait_seconds=1", null);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("events")).isEmpty();
        assertThat(r.json().get("user_ca_public_keys")).as(r.body()).isNotEmpty();
        assertThat(tookMs).isBetween(900L, 5_000L);
    }

    @Test
    void aPollAskingForNoWaitStillWaitsTheMinimumIntervalWhenThereIsNothingToSay() {
        long after = lastSeq();
        long started = System.nanoTime();
        Api.Response r = agent.call("GET", T + "/agents/events?after=" + after + "&wait_seconds=0", null);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("events")).isEmpty();
        assertThat(tookMs)
                .as("keyless.agent.min-poll-wait: a loop of such polls cannot spin")
                .isBetween(900L, 5_000L);
    }

    @Test
    void aPollWithoutWaitSecondsWaitsForTheNextEvent() throws Exception {
        long after = lastSeq();
        CompletableFuture<Api.Response> poll =
                CompletableFuture.supplyAsync(() -> agent.call("GET", T + "/agents/events?after=" + after, null));
        Thread.sleep(2_000);
        assertThat(poll).as("the default wait is 25 s, not 0").isNotDone();

        CertificateResponse here = certificate("web-01");
        Api.Response r = poll.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("events").get(0).get("session").get("id").asText())
                .isEqualTo(here.sessionId());
    }

    /** The newest event's sequence number, without waiting. */
    private long lastSeq() {
        long seq = 0;
        while (true) {
            Api.Response r = agent.call("GET", T + "/agents/events?after=" + seq + "&wait_seconds=0", null);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode events = r.json().get("events");
            if (events.isEmpty()) {
                return seq;
            }
            seq = events.get(events.size() - 1).get("seq").asLong();
        }
    }

    private CertificateResponse certificate(String server) throws Exception {
        return AgentApiIT.certificate(client, team, dir, server);
    }
}
