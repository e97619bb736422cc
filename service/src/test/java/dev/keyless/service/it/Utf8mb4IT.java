package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB schema whose default character set is latin1 (a server left at its defaults): the
 * migrations make it utf8mb4, so a workflow named with an emoji is exchanged and audited intact.
 */
class Utf8mb4IT {
    @Test
    void aLatin1SchemaIsMadeUtf8mb4AndKeepsAnEmojiWorkflowName() throws Exception {
        String schema = "keyless_latin1_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(TestDatabase.MARIADB_SERVER + TestDatabase.MARIADB_OPTIONS);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + schema + " CHARACTER SET latin1 COLLATE latin1_swedish_ci");
        }
        Map<String, Object> latin1 =
                Map.of("datasources.default.url", TestDatabase.MARIADB_SERVER + schema + TestDatabase.MARIADB_OPTIONS);
        try (RunningService service = RunningService.start(TestDatabase.MARIADB, latin1);
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            String workflow = "Deploy \uD83D\uDE80 to prod — ünïcödé";
            Api.Response r = team.api.post(
                    T + "/workload/authenticate",
                    null,
                    Map.of("connection", "github", "token", team.githubToken(Map.of("workflow", workflow))));
            assertThat(r.status()).as(r.body()).isEqualTo(200);

            JsonNode events = team.api
                    .get(T + "/audit?type=workload.authenticate", team.auditor)
                    .json()
                    .get("events");
            assertThat(events.get(events.size() - 1)
                            .path("claims")
                            .path("workflow")
                            .asText())
                    .isEqualTo(workflow);
        } finally {
            try (Connection c =
                            DriverManager.getConnection(TestDatabase.MARIADB_SERVER + TestDatabase.MARIADB_OPTIONS);
                    Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + schema);
            }
        }
    }
}
