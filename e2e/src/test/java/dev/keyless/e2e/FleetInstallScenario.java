package dev.keyless.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a fleet install uses, against the real service jar: the clients it bundles at {@code
 * /downloads/} (the very bytes the build made, checked by {@code sha256sum -c} against its
 * SHA256SUMS), bulk enrolment tokens through the CLI jar, and the documented Ansible playbook and
 * shell loop (syntax-checked by {@code ansible-playbook} and {@code sh -n}); and a fleet's servers
 * created from a CSV file by {@code keyless admin servers create-bulk}, 1000 per call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetInstallScenario {
    static final ObjectMapper JSON = new ObjectMapper();

    Path dir;
    ServiceProcess service;
    TeamSetup team;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("keyless-fleet");
        service = ServiceProcess.start(dir, Map.of());
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        team.server("web-1", 22, Map.of("env", "prod"));
        team.server("web-2", 22, Map.of("env", "prod"));
        team.server("stage-1", 22, Map.of("env", "stage"));
    }

    @AfterAll
    void stop() {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        Stack.deleteTree(dir);
    }

    @Test
    void theServiceJarHandsOutTheClientsTheBuildMadeWithMatchingChecksums() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        JsonNode listing = JSON.readTree(
                get(http, "/downloads/", HttpResponse.BodyHandlers.ofString()).body());
        Map<String, Path> built = Map.of(
                "keyless.jar", Path.of("../cli/target/keyless.jar"),
                "keyless-agent.jar", Path.of("../host-agent/target/keyless-agent.jar"));
        assertThat(listing.path("files").findValuesAsText("name"))
                .contains("keyless.jar", "keyless-agent.jar")
                .anyMatch(name -> name.matches("keyless-agent_.+_all\\.deb"));
        Path fetched = Files.createDirectories(dir.resolve("fetched"));
        for (String name : listing.path("files").findValuesAsText("name")) {
            get(http, "/downloads/" + name, HttpResponse.BodyHandlers.ofFile(fetched.resolve(name)));
        }
        for (Map.Entry<String, Path> client : built.entrySet()) {
            assertThat(Files.readAllBytes(fetched.resolve(client.getKey())))
                    .as(client.getKey() + " is the jar this build made")
                    .isEqualTo(Files.readAllBytes(client.getValue()));
        }
        Files.writeString(
                fetched.resolve("SHA256SUMS"),
                get(http, "/downloads/SHA256SUMS", HttpResponse.BodyHandlers.ofString())
                        .body());
        CommandResult check =
                Commands.run(List.of("sh", "-c", "cd '" + fetched + "' && sha256sum --strict -c SHA256SUMS"));
        assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
        assertThat(check.stdout().lines()).hasSize(listing.path("files").size());
    }

    @Test
    void serversListShowsEachHostAgentsStatusLastCallAndVersion() throws Exception {
        team.server("agent-1", 22, Map.of("env", "agents"));
        team.server("agent-2", 22, Map.of("env", "agents"));
        String token = team.api
                .post(TeamSetup.T + "/servers/agent-1/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        Path hostKey = SshKeygen.generate(dir, "agent-1-host", "ed25519", 0, "host");
        SignedAgent agent = SignedAgent.enroll(
                service.uri(),
                TeamSetup.TEAM,
                "agent-1",
                token,
                Files.readString(Path.of(hostKey + ".pub")).strip(),
                "1.2.3-e2e");
        assertThat(agent.poll(HttpClient.newHttpClient(), 0, 0).get()).isEqualTo(200);

        CommandResult table = admin("servers", "list");
        assertThat(table.exitCode()).as(table.stderr()).isZero();
        List<String> lines = table.stdout().lines().toList();
        assertThat(lines.get(0)).matches("NAME\\s+ADDRESS\\s+PORT\\s+LABELS\\s+AGENT\\s+LAST_SEEN\\s+AGENT_VERSION");
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .matches("agent-1\\s+\\S+\\s+22\\s+env=agents\\s+enrolled\\s+20\\d\\d-\\S+Z\\s+1\\.2\\.3-e2e"))
                .anySatisfy(
                        l -> assertThat(l).matches("agent-2\\s+\\S+\\s+22\\s+env=agents\\s+not enrolled\\s+-\\s+-"));

        // Scripts get the API's answer as it is.
        JsonNode json =
                JSON.readTree(admin("servers", "list", "--output", "json").stdout());
        JsonNode enrolled = null;
        for (JsonNode s : json) {
            if (s.path("name").asText().equals("agent-1")) {
                enrolled = s;
            }
        }
        assertThat(enrolled).isNotNull();
        assertThat(enrolled.path("agent").path("enrolled").asBoolean()).isTrue();
        assertThat(enrolled.path("agent").path("version").asText()).isEqualTo("1.2.3-e2e");
        assertThat(enrolled.path("agent").path("last_seen_at").asText()).isNotBlank();
    }

    @Test
    void theCliMintsOneTokenPerSelectedServer() throws Exception {
        CommandResult json = cli("--selector", "env=prod", "--output", "json");
        assertThat(json.exitCode()).as(json.stderr()).isZero();
        JsonNode tokens = JSON.readTree(json.stdout());
        assertThat(tokens.findValuesAsText("server")).containsExactly("web-1", "web-2");
        assertThat(json.stderr()).doesNotContain(tokens.get(0).path("token").asText());

        CommandResult tsv = cli("--selector", "env=stage");
        assertThat(tsv.exitCode()).as(tsv.stderr()).isZero();
        // The default output is the admin CLI's table: a header, then one row per server.
        assertThat(tsv.stdout().lines().toList())
                .hasSize(2)
                .last()
                .asString()
                .matches("stage-1\\s+kle_[A-Za-z0-9_-]+\\s+\\S+");

        CommandResult none = cli("--selector", "env=nowhere");
        assertThat(none.exitCode()).isZero();
        assertThat(none.stdout()).isEmpty();
        assertThat(none.stderr()).contains("no server matches");

        CommandResult bad = cli("--selector", "env");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.stderr()).contains("KEY=VALUE");
    }

    @Test
    void theDocumentedPlaybookAndLoopParse() throws Exception {
        CommandResult loop = Commands.run(List.of("sh", "-n", "../host-agent/examples/enrol-fleet.sh"));
        assertThat(loop.exitCode()).as(loop.stderr()).isZero();
        assumeTrue(
                new File("/usr/bin/ansible-playbook").canExecute(),
                "ansible-playbook is not installed (Debian: ansible-core)");
        Path work = Files.createDirectories(dir.resolve("ansible"));
        Files.copy(Path.of("../host-agent/examples/enrol-fleet.yml"), work.resolve("enrol-fleet.yml"));
        Files.writeString(work.resolve("tokens.json"), "[]");
        Files.writeString(work.resolve("inventory"), "[keyless_fleet]\nweb-1 ansible_connection=local\n");
        CommandResult syntax = Commands.run(
                List.of(
                        "ansible-playbook",
                        "-i",
                        work.resolve("inventory").toString(),
                        "--syntax-check",
                        work.resolve("enrol-fleet.yml").toString()),
                Map.of("ANSIBLE_LOCAL_TEMP", work.resolve("tmp").toString(), "HOME", work.toString()),
                Duration.ofMinutes(2));
        assertThat(syntax.exitCode()).as(syntax.stdout() + syntax.stderr()).isZero();
    }

    @Test
    void theCliCreatesAFleetFromACsvFileInChunksAndResumesWithSkipExisting() throws Exception {
        StringBuilder csv = new StringBuilder("name,address,port,labels\n");
        for (int i = 0; i < 2500; i++) {
            csv.append("fleet-")
                    .append(i)
                    .append(",10.1.")
                    .append(i / 250)
                    .append('.')
                    .append(i % 250 + 1);
            csv.append(i % 2 == 0 ? ",2222," : ",,")
                    .append("env=fleet;rack=r")
                    .append(i % 10)
                    .append('\n');
        }
        Path servers = Files.writeString(dir.resolve("servers.csv"), csv);

        CommandResult created = admin("servers", "create-bulk", "-f", servers.toString());
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.stdout()).startsWith("created 2500 servers in 3 calls");
        assertThat(created.stderr().lines())
                .containsExactly(
                        "keyless: created 1000 of 2500 servers (40%)",
                        "keyless: created 2000 of 2500 servers (80%)", "keyless: created 2500 of 2500 servers (100%)");
        JsonNode listed =
                JSON.readTree(admin("servers", "list", "--output", "json").stdout());
        JsonNode last = listed.findParents("name").stream()
                .filter(s -> s.path("name").asText().equals("fleet-2499"))
                .findFirst()
                .orElseThrow();
        assertThat(last.path("address").asText()).isEqualTo("10.1.9.250");
        assertThat(last.path("port").asInt()).isEqualTo(22);
        assertThat(last.path("labels").path("rack").asText()).isEqualTo("r9");
        assertThat(listed.findValuesAsText("name").stream().filter(n -> n.startsWith("fleet-")))
                .hasSize(2500);

        // A second run refuses the first chunk whole (its names exist) and says how to resume.
        Files.writeString(servers, "fleet-2500,10.2.0.1,,env=fleet\n", java.nio.file.StandardOpenOption.APPEND);
        CommandResult again = admin("servers", "create-bulk", "-f", servers.toString(), "--quiet");
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.stderr())
                .contains("created 0 of 2501 servers; the call for line 2 to line 1001 of")
                .contains("--skip-existing")
                .contains("already-exists");

        CommandResult resumed =
                admin("servers", "create-bulk", "-f", servers.toString(), "--skip-existing", "--output", "json");
        assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
        JsonNode summary = JSON.readTree(resumed.stdout());
        assertThat(summary.path("created").asInt()).isEqualTo(1);
        assertThat(summary.path("skipped").asInt()).isEqualTo(2500);
        assertThat(summary.path("calls").asInt()).isEqualTo(1);

        // The service's field errors name the entry within its call; nothing of that call is created.
        Path json = Files.writeString(
                dir.resolve("bad.json"),
                "[{\"name\": \"fleet-ok\", \"address\": \"10.3.0.1\"},"
                        + " {\"name\": \"fleet-bad\", \"address\": \"not an address\"}]");
        CommandResult bad = admin("servers", "create-bulk", "-f", json.toString());
        assertThat(bad.exitCode()).isEqualTo(3);
        assertThat(bad.stderr()).contains("entry 1 to entry 2").contains("servers[1].address");
        assertThat(admin("servers", "get", "fleet-ok").exitCode()).isEqualTo(3);
    }

    private CommandResult admin(String... args) {
        Map<String, String> env = new HashMap<>(CliProcess.baseEnv());
        env.put("KEYLESS_ADMIN_TOKEN", team.devops);
        List<String> argv = new java.util.ArrayList<>(List.of("admin"));
        argv.addAll(List.of(args));
        argv.addAll(List.of("--addr", service.uri().toString(), "--team", TeamSetup.TEAM));
        return CliProcess.run(argv, env, Duration.ofMinutes(2));
    }

    private CommandResult cli(String... options) {
        Map<String, String> env = new HashMap<>(CliProcess.baseEnv());
        env.put("KEYLESS_ADMIN_TOKEN", team.devops);
        List<String> args = new java.util.ArrayList<>(List.of(
                "admin", "servers", "enrollment-tokens", "--addr", service.uri().toString(), "--team", TeamSetup.TEAM));
        args.addAll(List.of(options));
        return CliProcess.run(args, env, Duration.ofSeconds(60));
    }

    private <T> HttpResponse<T> get(HttpClient http, String path, HttpResponse.BodyHandler<T> handler)
            throws Exception {
        HttpResponse<T> response = http.send(
                HttpRequest.newBuilder(URI.create(service.uri() + path)).build(), handler);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response;
    }
}
