package dev.keyless.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Configuration as code with the built jar against the real service: {@code keyless admin export}
 * then {@code apply} of the same file changes nothing; an edited file is planned, applied, and a
 * change to the ACTIVE connection becomes a pending change (not an edit) that the next apply does
 * not propose again, until a second security admin approves it with {@code connections approve}.
 * Also teams and sessions through the CLI. No sshd: nothing here logs in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApplyScenario {
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    Path dir;
    ServiceProcess service;
    TeamSetup team;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("admin-apply");
        service = ServiceProcess.start(dir, Map.of("KEYLESS_OPERATOR_TOKEN", "kop_" + "0123456789".repeat(4)));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
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

    CommandResult keyless(String token, String... args) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_ADMIN_TOKEN", token);
        CommandResult r = CliProcess.run(List.of(args), env, TIMEOUT);
        assertThat(r.stdout() + r.stderr()).doesNotContain(token);
        return r;
    }

    @Test
    void exportThenApplyChangesNothingAndAnEditRespectsTheApprovalRules() throws Exception {
        Path file = dir.resolve("team.yaml");
        CommandResult export = keyless(team.security, "admin", "export", "-o", file.toString());
        assertThat(export.exitCode()).as(export.stderr()).isZero();
        String yaml = Files.readString(file);
        assertThat(yaml).contains("team: \"acme\"", "connections:", "state: \"ACTIVE\"", "web-01", "deployer");

        CommandResult same = keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes");
        assertThat(same.exitCode()).as(same.stderr()).isZero();
        assertThat(same.stdout()).contains("no changes: team acme matches");

        // An edit: a new server, a role with another ref, another audience on the ACTIVE connection.
        String edited = yaml.replace("refs/heads/main", "refs/heads/release")
                .replace(
                        "  - \"https://keyless.example.com\"\n",
                        "  - \"https://keyless.example.com\"\n  - \"https://two.example.com\"\n")
                .replaceFirst(
                        "(?m)^servers:\n",
                        "servers:\n- name: \"web-02\"\n  address: \"127.0.0.1\"\n  port: 2202\n  labels:\n    env: \"prod\"\n");
        assertThat(edited).as(yaml).contains("two.example.com", "web-02");
        Files.writeString(file, edited);
        CommandResult dry = keyless(team.security, "admin", "apply", "-f", file.toString(), "--dry-run");
        assertThat(dry.exitCode()).as(dry.stderr()).isZero();
        assertThat(dry.stdout())
                .contains("plan for team acme: 1 to create, 2 to change, 0 to delete")
                .contains("+ server web-02")
                .contains("~ role deployer: claims:")
                .contains("~ connection github: audiences:")
                .contains("becomes a pending change");
        assertThat(team.api.get(TeamSetup.T + "/servers/web-02", team.devops).status())
                .as("a dry run changes nothing")
                .isEqualTo(404);

        CommandResult applied = keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        assertThat(applied.stdout())
                .contains(
                        "done:    create server web-02", "done:    update role deployer", "pending: connection github");
        assertThat(team.api
                        .get(TeamSetup.T + "/connections/github", team.security)
                        .json()
                        .get("audiences")
                        .toString())
                .as("the live connection is unchanged until approved")
                .doesNotContain("two.example.com");

        CommandResult again = keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes");
        assertThat(again.stdout()).contains("= connection github: already proposed", "no changes");

        CommandResult diff = keyless(team.securityTwo, "admin", "connections", "pending", "github");
        assertThat(diff.stdout()).contains("~ audiences:", "two.example.com");
        CommandResult approve = keyless(team.securityTwo, "admin", "connections", "approve", "github");
        assertThat(approve.exitCode()).as(approve.stderr()).isZero();

        Path exported = dir.resolve("after.yaml");
        assertThat(keyless(team.security, "admin", "export", "-o", exported.toString())
                        .exitCode())
                .isZero();
        assertThat(Files.readString(exported)).contains("two.example.com", "web-02", "refs/heads/release");
        assertThat(keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes")
                        .stdout())
                .contains("no changes");

        // Leaving web-02 out of the list deletes it; a list left out of the file is not managed.
        Files.writeString(file, Files.readString(exported).replaceAll("(?s)- name: \"web-02\".*?env: \"prod\"\n", ""));
        CommandResult deleted = keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes");
        assertThat(deleted.stdout()).as(deleted.stderr()).contains("- server web-02", "done:    delete server web-02");
    }

    @Test
    void aTeamFileForAnotherTeamOrWithAnUnknownFieldIsRefused() throws Exception {
        Path file = dir.resolve("other.yaml");
        Files.writeString(file, "team: other\nroles: []\n");
        CommandResult r = keyless(team.security, "admin", "apply", "-f", file.toString(), "--yes");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("is for team 'other', not 'acme'");

        Files.writeString(file, "roles:\n- name: x\n  connection: github\n  sudo: ALL\n");
        CommandResult unknown = keyless(team.security, "admin", "apply", "-f", file.toString(), "--dry-run");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("role x: unknown field 'sudo'");
    }

    @Test
    void teamsAndSessionsThroughTheCli() {
        CommandResult created = keyless(team.security, "admin", "teams", "create", "beta", "--output", "json");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        assertThat(created.stdout()).contains("\"name\" : \"beta\"", "\"token\" : \"kla_");
        CommandResult list = keyless(team.security, "admin", "teams", "list");
        assertThat(list.stdout()).contains("acme", "beta");
        CommandResult refused = keyless(team.devops, "admin", "teams", "create", "gamma");
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused.stderr()).contains("admin-forbidden").doesNotContain("; state devops_admin");

        CommandResult sessions = keyless(team.auditor, "admin", "sessions", "list", "--server", "web-01");
        assertThat(sessions.exitCode()).as(sessions.stderr()).isZero();
        assertThat(sessions.stdout()).contains("SESSION_ID");
        CommandResult admins = keyless(team.auditor, "admin", "admins", "list");
        assertThat(admins.stdout()).contains("bootstrap", "sec-two", "security_admin");
        CommandResult badSince = keyless(team.auditor, "admin", "audit", "events", "--since", "yesterday");
        assertThat(badSince.exitCode()).isEqualTo(3);
        assertThat(badSince.stderr().split("must be an ISO-8601 instant", -1)).hasSize(2);
    }
}
