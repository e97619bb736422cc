package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;

import dev.keyless.client.KeylessClient;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshdHarness;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything a job touches, for real: the service jar, a team configured over HTTP, an sshd on a
 * loopback port, and the host agent jar enrolled for it as server {@code web-01}.
 */
final class Stack implements AutoCloseable {
    final Path dir;
    final ServiceProcess service;
    final TeamSetup team;
    final SshdHarness sshd;
    final AgentProcess agent;
    final KeylessClient client;
    final String user;
    private final java.util.Set<String> users = new java.util.LinkedHashSet<>();

    private Stack(Path dir, ServiceProcess service, TeamSetup team, SshdHarness sshd, AgentProcess agent, String user) {
        this.dir = dir;
        this.service = service;
        this.team = team;
        this.sshd = sshd;
        this.agent = agent;
        this.user = user;
        this.users.add(user);
        this.client = KeylessClient.create(service.uri(), TeamSetup.TEAM);
    }

    /** A stack whose only role, {@code role}, may run {@code /usr/bin/true} with sudo on web-01. */
    static Stack start(String role) throws Exception {
        return withSshd(role, sshd -> {});
    }

    /** As {@link #start(String)}, with extra sshd settings applied to the harness builder. */
    static Stack withSshd(String role, Consumer<SshdHarness.Builder> sshdOptions) throws Exception {
        return start(role, team -> githubRole(team, role), sshdOptions);
    }

    private static void githubRole(TeamSetup team, String role) {
        team.activeConnection("github");
        team.role(role, "github", Map.of("repository", "acme-corp/deploy-svc"));
    }

    /**
     * A stack whose connection and only role {@code role} are created by {@code connectionAndRole};
     * the server, policy and agent are as in {@link #start(String)}.
     */
    static Stack start(String role, Consumer<TeamSetup> connectionAndRole) throws Exception {
        return start(role, connectionAndRole, sshd -> {});
    }

    /**
     * As {@link #start(String, Consumer)}, with extra sshd settings ({@code sshdOptions} is applied to
     * the harness builder after the agent's drop-in include).
     */
    static Stack start(String role, Consumer<TeamSetup> connectionAndRole, Consumer<SshdHarness.Builder> sshdOptions)
            throws Exception {
        return start(role, connectionAndRole, sshdOptions, Map.of());
    }

    /** As {@link #start(String)}, the service started with {@code serviceEnv} (its settings). */
    static Stack withServiceEnv(String role, Map<String, String> serviceEnv) throws Exception {
        return start(role, team -> githubRole(team, role), sshd -> {}, serviceEnv);
    }

    private static Stack start(
            String role,
            Consumer<TeamSetup> connectionAndRole,
            Consumer<SshdHarness.Builder> sshdOptions,
            Map<String, String> serviceEnv)
            throws Exception {
        // sshd opens AuthorizedPrincipalsFile as the login user, who must be able to reach it.
        Path dir = Files.createTempDirectory(
                "keyless-e2e", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // What started so far, stopped in reverse if a later step fails: a half-started stack would
        // otherwise leave a service, an sshd (and its PAM file) and an agent running.
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            ServiceProcess service = ServiceProcess.start(dir, serviceEnv);
            started.push(service);
            TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken());
            started.push(team);
            connectionAndRole.accept(team);
            SshdHarness.Builder sshdBuilder =
                    SshdHarness.builder().include(AgentProcess.dropInGlob(dir).toString());
            sshdOptions.accept(sshdBuilder);
            SshdHarness sshd = sshdBuilder.start();
            started.push(sshd);
            team.server("web-01", sshd.port(), Map.of("env", "e2e"));
            team.policy(
                    "e2e",
                    List.of(role),
                    Map.of("names", List.of("web-01")),
                    List.of(Map.of("command", "/usr/bin/true")));
            AgentProcess agent = new AgentProcess(dir, sshd);
            started.push(agent);
            String token = team.api
                    .post(T + "/servers/web-01/enrollment-tokens", team.devops, null)
                    .json()
                    .get("token")
                    .asText();
            agent.enroll(service.uri(), "web-01", token);
            agent.start();
            return new Stack(dir, service, team, sshd, agent, "wl_" + role);
        } catch (Exception | Error e) {
            for (AutoCloseable part : started) {
                try {
                    part.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            deleteTree(dir);
            throw e;
        }
    }

    /**
     * One more role, on {@code connection}, with the same access as the stack's role (web-01, sudo
     * {@code /usr/bin/true}); its account {@code wl_<role>} is removed on close if still there.
     */
    String grant(String role, String connection, Map<String, Object> claims) {
        team.role(role, connection, claims);
        team.policy(
                "e2e-" + role,
                List.of(role),
                Map.of("names", List.of("web-01")),
                List.of(Map.of("command", "/usr/bin/true")));
        users.add("wl_" + role);
        return "wl_" + role;
    }

    /**
     * A folder {@code folder} holding {@code values} (name to value), put by a resource admin, and
     * a policy granting {@code roles} {@code actions} on everything in it; returns the resource
     * admin's token.
     */
    String secrets(String folder, Map<String, String> values, List<String> roles, List<String> actions) {
        String resources = created(team.api.post(
                        T + "/admins",
                        team.security,
                        Map.of("name", "vault" + folder.replace('/', '-'), "role", "resource_admin")))
                .json()
                .get("token")
                .asText();
        created(team.api.post(T + "/secret-folders", resources, Map.of("path", folder)));
        values.forEach((name, value) -> created(
                team.api.post(T + "/secrets", resources, Map.of("path", folder, "name", name, "value", value))));
        created(team.api.post(
                T + "/policies",
                team.security,
                Map.of(
                        "name",
                        "secrets" + folder.replace('/', '-'),
                        "roles",
                        roles,
                        "secrets",
                        List.of(Map.of("path", folder + "/*", "actions", actions)))));
        return resources;
    }

    private static Api.Response created(Api.Response r) {
        if (r.status() != 201) {
            throw new IllegalStateException("expected 201, got " + r.status() + ": " + r.body());
        }
        return r;
    }

    Workload job() throws Exception {
        return Workload.start(client, team, "web-01", dir);
    }

    /** A job of {@code role} on {@code connection}, its GitHub token carrying {@code claims}. */
    Workload job(String connection, String role, Map<String, Object> claims) throws Exception {
        return Workload.start(client, "web-01", dir, connection, team.githubToken(claims), role);
    }

    @Override
    public void close() {
        agent.close();
        sshd.close();
        team.close();
        service.close();
        for (String u : users) {
            if (LinuxUsers.exists(u)) {
                LinuxUsers.delete(u);
            }
        }
        deleteSudoersOf(users);
        deleteTree(dir);
    }

    /**
     * The agent is stopped right after the last session's close, sometimes before its teardown
     * removed that session's sudoers file; a file left in the machine's /etc/sudoers.d would grant
     * the next run's account of the same name. Removes the session files naming these users.
     */
    private static void deleteSudoersOf(java.util.Set<String> users) {
        Path sudoers = Path.of("/etc/sudoers.d");
        if (!Files.isDirectory(sudoers)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(sudoers)) {
            files.filter(f -> f.getFileName().toString().startsWith("keyless-")).forEach(f -> {
                try {
                    String text = Files.readString(f);
                    if (users.stream().anyMatch(u -> text.contains("\n" + u + " "))) {
                        Files.deleteIfExists(f);
                    }
                } catch (java.io.IOException e) {
                    // gone meanwhile, or unreadable: nothing of ours
                }
            });
        } catch (java.io.IOException e) {
            // best effort, as the rest of the cleanup
        }
    }

    /** Deletes a directory tree, best effort (cleanup must not hide a test's own failure). */
    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    // left for the OS temp cleaner
                }
            });
        } catch (java.io.IOException e) {
            // left for the OS temp cleaner
        }
    }
}
