package dev.keyless.service.it;

import static dev.keyless.service.it.AuditStreamIT.JSON;
import static dev.keyless.service.it.AuditStreamIT.TOKEN;
import static dev.keyless.service.it.AuditStreamIT.await;
import static dev.keyless.service.it.AuditStreamIT.fast;
import static dev.keyless.service.it.AuditStreamIT.ocsfNativeRecords;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.service.audit.stream.OcsfSchema;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.audit.SelfSignedTls;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.audit.WebhookReceiver;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OCSF out of a real flow, held to the OCSF 1.3.0 JSON Schema ({@link OcsfSchema}) rather than to
 * our own expectations only: admins set a team up, a stand-in agent (the real protocol, {@link
 * TestAgent}) enrols, a GitHub job exchanges its token (and is refused once, and once more for a
 * replay), gets a certificate, the agent provisions the session and reports the ssh login and
 * logout, the job closes the session, the agent deletes the account; a second session is revoked
 * by an admin and a third fails to provision. The service streams it as OCSF both to the file
 * sink and to the HTTPS webhook, which refuses the first batches; each receiver gets every event
 * of the chain in order, batched, with the native record under {@code unmapped.keyless}, and
 * every event validates.
 */
class AuditOcsfIT {
    @TempDir
    Path dir;

    @Test
    void webhookAndFileGetOcsfEventsOfARealFlowThatValidateInOrderWithTheWholeChain() throws Exception {
        Path file = dir.resolve("ocsf/audit.jsonl");
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        try (WebhookReceiver receiver = new WebhookReceiver(tls, TOKEN)) {
            receiver.refuseNext(3);
            Map<String, Object> props = new java.util.HashMap<>(fast(Map.of(
                    "keyless.audit.stream.file.path",
                    file.toString(),
                    "keyless.audit.stream.file.format",
                    "ocsf",
                    "keyless.audit.stream.webhook.url",
                    receiver.url(),
                    "keyless.audit.stream.webhook.token",
                    TOKEN,
                    "keyless.audit.stream.webhook.ca-file",
                    tls.certificate().toString(),
                    "keyless.audit.stream.webhook.format",
                    "ocsf")));
            props.put("keyless.session.ready-wait", "300ms");
            try (RunningService service = RunningService.start(TestDatabase.H2, props);
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
                long head = flow(service, team);
                await("the webhook to hold every OCSF event and a checkpoint", () -> {
                    List<JsonNode> records = natives(receiver.received());
                    return StreamOrder.check(records, RunningService.TEAM, head).isEmpty() && hasCheckpoint(records);
                });
                await("the file to hold every OCSF event and a checkpoint", () -> {
                    List<JsonNode> records = ocsfNativeRecords(file);
                    return StreamOrder.check(records, RunningService.TEAM, head).isEmpty() && hasCheckpoint(records);
                });
                assertThat(receiver.batches())
                        .as("batches of at most 7 after 3 refusals")
                        .isGreaterThan((int) (head / 7));
                assertThat(receiver.unauthorized()).isZero();
                List<JsonNode> fromFile = new ArrayList<>();
                for (String line : Files.readAllLines(file)) {
                    fromFile.add(JSON.readTree(line));
                }
                for (List<JsonNode> events : List.of(receiver.received(), fromFile)) {
                    assertValidOcsf(events);
                }
                Set<String> types = fromFile.stream()
                        .map(e -> e.at("/class_uid").asInt() + "/"
                                + e.at("/metadata/event_code").asText("-") + "/"
                                + e.path("status_id").asInt())
                        .collect(Collectors.toCollection(TreeSet::new));
                System.out.printf(
                        "audit OCSF of a real flow: head %d, %d webhook batches, kinds %s%n",
                        head, receiver.batches(), types);
                assertThat(types)
                        .as("success and refusal, sessions opened and closed, accounts, admin changes, checkpoints")
                        .contains(
                                "3002/workload.authenticate/1",
                                "3002/workload.authenticate/2",
                                "3002/ssh.certificate.issue/1",
                                "3003/session.ready/1",
                                "3003/session.provision.fail/2",
                                "3001/server.account.create/1",
                                "3001/server.account.delete/1",
                                "3001/admin.create/1",
                                "3002/server.ssh.login/1",
                                "3002/server.ssh.logout/1",
                                "3002/session.close/1",
                                "3002/session.revoke/1",
                                "6003/connection.activate/1",
                                "6003/server.create/1",
                                "6003/agent.enroll/1");
                assertThat(types).anyMatch(t -> t.startsWith("0/"));
            }
        }
    }

    /**
     * Every record is an OCSF 1.3.0 event that validates and carries its native record whole, so
     * the chain can be recomputed from what the receiver holds.
     */
    static void assertValidOcsf(List<JsonNode> events) {
        List<String> invalid = new ArrayList<>();
        for (JsonNode event : events) {
            List<String> problems = OcsfSchema.problems(event);
            if (!problems.isEmpty()) {
                invalid.add(problems + " in " + event);
            }
        }
        assertThat(invalid).as("events the OCSF 1.3.0 schema refuses").isEmpty();
        for (JsonNode event : events) {
            JsonNode record = event.at("/unmapped/keyless");
            assertThat(event.at("/metadata/sequence").asLong())
                    .isEqualTo(record.path("seq").asLong());
            if (record.path("record_type").asText().equals("audit_event")) {
                assertThat(record.path("hash").asText()).hasSize(64);
                assertThat(record.path("previous_hash").asText()).hasSize(64);
                assertThat(event.at("/metadata/uid").asText())
                        .isEqualTo(record.path("id").asText());
            } else {
                assertThat(record.path("signature").asText()).isNotEmpty();
            }
        }
    }

    static List<JsonNode> natives(List<JsonNode> ocsf) {
        return ocsf.stream().map(e -> e.at("/unmapped/keyless")).toList();
    }

    static boolean hasCheckpoint(List<JsonNode> records) {
        return records.stream().anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint"));
    }

    /** The flow of the class comment; returns the chain's head seq afterwards. */
    long flow(RunningService service, TeamSetup team) throws Exception {
        Api api = team.api;
        // A server name that is no DNS host name: it must still make a valid event.
        team.server("db_primary", 22, Map.of("env", "prod"));
        TestAgent agent = TestAgent.enroll(service, team, "web-01", dir);
        KeylessClient client = KeylessClient.create(service.uri(), RunningService.TEAM);

        String token = team.githubToken();
        AccessToken access = client.authenticate("github", token, null);
        assertThatThrownBy(() -> client.authenticate("github", token, null))
                .isInstanceOf(KeylessProblemException.class);
        assertThatThrownBy(() -> client.authenticate("github", team.githubToken(Map.of("ref", "refs/heads/dev")), null))
                .isInstanceOf(KeylessProblemException.class);

        CertificateResponse closed = certificate(client, access, "web-01");
        report(
                agent,
                "POST",
                "/agents/sessions/" + closed.sessionId() + "/ready",
                Map.of("account_created", true, "duration_ms", 42));
        login(agent, "login", closed);
        login(agent, "logout", closed);
        client.closeSession(access.accessToken(), closed.sessionId());
        report(
                agent,
                "POST",
                "/agents/sessions/" + closed.sessionId() + "/ended",
                Map.of("account_deleted", true, "duration_ms", 7));

        CertificateResponse revoked = certificate(client, access, "web-01");
        report(
                agent,
                "POST",
                "/agents/sessions/" + revoked.sessionId() + "/ready",
                Map.of("account_created", false, "duration_ms", 5));
        Api.Response r = api.post(T + "/sessions/" + revoked.sessionId() + "/revoke", team.security, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        CertificateResponse failed = certificate(client, access, "web-01");
        report(
                agent,
                "POST",
                "/agents/sessions/" + failed.sessionId() + "/failed",
                Map.of("reason", "useradd exited 9"));

        return api.get(T + "/audit/verify", team.auditor)
                .json()
                .path("events_checked")
                .asLong();
    }

    private CertificateResponse certificate(KeylessClient client, AccessToken access, String server) throws Exception {
        Path key = SshKeygen.generate(dir, "job-" + System.nanoTime(), "ed25519", 0, "job");
        return client.requestCertificate(
                access.accessToken(),
                server,
                Files.readString(Path.of(key + ".pub")).trim());
    }

    private static void report(TestAgent agent, String method, String path, Map<String, Object> body) {
        Api.Response r = agent.call(method, T + path, body);
        assertThat(r.status()).as(path + ": " + r.body()).isEqualTo(204);
    }

    private static void login(TestAgent agent, String type, CertificateResponse cert) {
        report(
                agent,
                "POST",
                "/agents/logins",
                Map.of(
                        "type", type,
                        "user", "wl_deployer",
                        "serial", "12345",
                        "key_id", "keyless:acme:deployer:" + cert.sessionId() + ":13245678901",
                        "source_address", "127.0.0.1"));
    }
}
