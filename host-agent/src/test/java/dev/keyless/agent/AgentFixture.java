package dev.keyless.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.agent.api.Json;
import dev.keyless.agent.core.AgentLoop;
import dev.keyless.agent.core.UidRange;
import dev.keyless.agent.os.TrustSettings;
import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.LiveSessions;
import dev.keyless.protocol.SessionState;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshClientArgs;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.SshdHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A fake Keyless service (WireMock on 127.0.0.1), a real sshd that includes the agent's drop-in,
 * test user and host CAs made by ssh-keygen, and an enrolled agent state dir. Closing removes
 * every account, sudoers file and directory the tests may have created.
 */
final class AgentFixture implements AutoCloseable {
    static final String TEAM = "t1";
    static final String SERVER = "web-01";
    static final String BASE = "/v1/teams/" + TEAM + "/agents";
    static final UidRange UIDS = new UidRange(61_500, 61_599);
    static final List<String> USERS = List.of("wl_agentit", "wl_agentit2", "wl_agentkeep");

    final Path work;
    final Path stateDir;
    final Path trustDir;
    final Path dropInDir;
    final Path userCa;
    final Path hostCa;
    final SshdHarness sshd;
    final WireMockServer service;
    final List<String> sessionIds = new ArrayList<>();
    private final List<Process> background = new ArrayList<>();
    private final List<AgentRuntime> runtimes = new ArrayList<>();

    AgentFixture() throws Exception {
        cleanAccounts();
        work = Files.createTempDirectory("keyless-agent-it-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
        stateDir = work.resolve("state");
        trustDir = work.resolve("trust");
        dropInDir = work.resolve("sshd_config.d");
        Files.createDirectories(dropInDir);
        userCa = SshKeygen.generate(work, "user_ca", "ed25519", 0, "user-ca");
        hostCa = SshKeygen.generate(work, "host_ca", "ed25519", 0, "host-ca");
        sshd = SshdHarness.builder().include(dropInDir + "/*.conf").start();
        service = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        service.start();
        stubDefaults();
        enroll();
    }

    private void stubDefaults() {
        service.stubFor(post(urlPathMatching(BASE + "/sessions/[^/]+/(ready|failed|ended)"))
                .willReturn(okJson("{}")));
        service.stubFor(post(urlPathEqualTo(BASE + "/logins")).willReturn(okJson("{}")));
        hostCaKeys(publicKey(hostCa));
        liveSessions();
        events();
    }

    private void enroll() throws Exception {
        Commands.runChecked(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                hostCa.toString(),
                "-h",
                "-I",
                SERVER,
                "-n",
                "127.0.0.1",
                "-V",
                "+1h",
                sshd.hostPublicKey().toString()));
        Path issued = sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub");
        String hostCertificate = Files.readString(issued).strip();
        Files.delete(issued); // the agent must install it
        Map<String, Object> enrolled = new LinkedHashMap<>();
        enrolled.put("agent_id", "agent-" + UUID.randomUUID());
        enrolled.put("host_certificate", hostCertificate);
        enrolled.put("user_ca_public_keys", List.of(publicKey(userCa)));
        enrolled.put("host_ca_public_keys", List.of(publicKey(hostCa)));
        service.stubFor(
                post(urlPathEqualTo(BASE + "/enroll")).willReturn(okJson(Json.MAPPER.writeValueAsString(enrolled))));
        Path tokenFile = Files.writeString(stateDir.resolveSibling("enrolment-token"), "enrol-token-1\n");
        int exit = KeylessAgent.commandLine()
                .execute(
                        "enroll",
                        "--service",
                        service.baseUrl(),
                        "--team",
                        TEAM,
                        "--server",
                        SERVER,
                        "--token-file",
                        tokenFile.toString(),
                        "--state-dir",
                        stateDir.toString(),
                        "--host-key",
                        sshd.hostPublicKey().toString());
        Files.delete(tokenFile);
        assertThat(exit).isZero();
        assertThat(issued).exists();
    }

    AgentRuntime runtime(Clock clock) {
        return runtime(clock, new AgentLoop.Timings(Duration.ofSeconds(1), Duration.ofSeconds(1)));
    }

    AgentRuntime runtime(Clock clock, AgentLoop.Timings timings) {
        TrustSettings trust = new TrustSettings(
                trustDir,
                dropInDir.resolve("keyless.conf"),
                sshd.configFile(),
                Path.of("/usr/sbin/sshd"),
                sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub"),
                sshd.pidFile(),
                List.of());
        AgentRuntime runtime = new AgentRuntime(new AgentRuntime.Settings(stateDir, trust, UIDS, timings), clock);
        runtimes.add(runtime);
        return runtime;
    }

    /** Waits until sshd has (re)started listening {@code times} times in all. */
    void awaitSshdListening(int times) {
        await(Duration.ofSeconds(10), () -> occurrences(sshd.log(), "Server listening on 127.0.0.1") >= times);
    }

    AgentSession session(String role, String serial, List<String> sudo, Instant validBefore, SessionState state) {
        String id = UUID.randomUUID().toString();
        sessionIds.add(id);
        return new AgentSession(id, role, "wl_" + role, serial, sudo, validBefore, state);
    }

    static AgentSession withState(AgentSession session, SessionState state) {
        return new AgentSession(
                session.id(),
                session.role(),
                session.principal(),
                session.serial(),
                session.sudo(),
                session.validBefore(),
                state);
    }

    /** Answers as a service that predates the live-session digest (the agent reconciles on its ticker). */
    void events(AgentEvent... events) {
        events(new EventBatch(List.of(events), List.of(publicKey(userCa)), List.of()));
    }

    /** Answers as a current service: with the host CA keys and the digest of {@code live} session ids. */
    void eventsWithDigest(List<String> live, AgentEvent... events) {
        events(new EventBatch(
                List.of(events),
                List.of(publicKey(userCa)),
                List.of(),
                List.of(publicKey(hostCa)),
                dev.keyless.protocol.LiveSessionsDigest.of(live)));
    }

    private void events(EventBatch batch) {
        try {
            service.stubFor(get(urlPathEqualTo(BASE + "/events"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(Json.MAPPER.writeValueAsString(batch))
                            .withFixedDelay(200)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What {@code GET /ca/host} publishes, newest last. */
    void hostCaKeys(String... keys) {
        service.stubFor(get(urlPathEqualTo("/v1/teams/" + TEAM + "/ca/host"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "text/plain")
                        .withBody(String.join("\n", keys) + "\n")));
    }

    void liveSessions(AgentSession... sessions) {
        try {
            service.stubFor(get(urlPathEqualTo(BASE + "/sessions"))
                    .willReturn(okJson(Json.MAPPER.writeValueAsString(new LiveSessions(List.of(sessions))))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A user key and a certificate for it, signed by the test user CA with the real ssh-keygen. */
    Path certificate(String name, String principal, String serial) {
        Path key = SshKeygen.generate(work, name, "ed25519", 0, name);
        Commands.runChecked(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                userCa.toString(),
                "-I",
                "keyless:t1:" + name,
                "-n",
                principal,
                "-V",
                "+5m",
                "-z",
                serial,
                key + ".pub"));
        return key;
    }

    /** The real ssh client, verifying the host through the host CA (no StrictHostKeyChecking=no). */
    List<String> sshArgv(String user, Path key, String... command) {
        Path knownHosts = work.resolve("known_hosts");
        try {
            Files.writeString(knownHosts, "@cert-authority * " + publicKey(hostCa) + "\n");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> argv = SshClientArgs.of(key, Path.of(key + "-cert.pub"), knownHosts);
        argv.addAll(List.of(
                "-p",
                Integer.toString(sshd.port()),
                "-o",
                "PreferredAuthentications=publickey",
                "-o",
                "ConnectTimeout=10",
                "-o",
                "LogLevel=ERROR",
                "-l",
                user,
                "127.0.0.1"));
        argv.addAll(List.of(command));
        return argv;
    }

    CommandResult ssh(String user, Path key, String... command) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SSH_AUTH_SOCK", null);
        return Commands.run(sshArgv(user, key, command), env, Duration.ofSeconds(30));
    }

    Process sshInBackground(String user, Path key, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(sshArgv(user, key, command)).redirectErrorStream(true);
        builder.environment().remove("SSH_AUTH_SOCK");
        Process process = builder.start();
        background.add(process);
        return process;
    }

    static boolean userExists(String user) {
        return Commands.run(List.of("getent", "passwd", user)).succeeded();
    }

    static Path sudoersFile(String sessionId) {
        return Path.of("/etc/sudoers.d/keyless-" + sessionId);
    }

    static String publicKey(Path privateKey) {
        try {
            return Files.readString(Path.of(privateKey + ".pub"), StandardCharsets.US_ASCII)
                    .strip();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls {@code condition} every 10 ms; returns the elapsed time, failing after {@code limit}. */
    static Duration await(Duration limit, BooleanSupplier condition) {
        long started = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - started > limit.toNanos()) {
                throw new AssertionError("condition not met within " + limit);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }

    private static void cleanAccounts() {
        for (String user : USERS) {
            Commands.run(List.of("pkill", "-KILL", "-u", user));
            if (userExists(user)) {
                Commands.run(List.of("userdel", "-r", "-f", user));
            }
        }
    }

    @Override
    public void close() throws java.io.IOException {
        runtimes.forEach(runtime -> runtime.loop().close());
        background.forEach(Process::destroyForcibly);
        cleanAccounts();
        for (String id : sessionIds) {
            Files.deleteIfExists(sudoersFile(id));
        }
        try {
            sshd.close();
        } finally {
            service.stop();
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }
}
