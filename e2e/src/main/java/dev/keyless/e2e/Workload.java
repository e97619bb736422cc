package dev.keyless.e2e;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshClientArgs;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A CI job the way the integrations run one: exchange a platform token, get a certificate for a
 * fresh key, and ssh to the server verifying its host certificate through the team's host CA.
 */
final class Workload {
    final AccessToken access;
    final CertificateResponse certificate;
    final Path key;
    final Path knownHosts;
    /** {@link System#nanoTime()} just before the certificate was requested. */
    final long requestedAt;

    private final KeylessClient client;

    private Workload(
            KeylessClient client,
            AccessToken access,
            CertificateResponse certificate,
            Path key,
            Path knownHosts,
            long requestedAt) {
        this.client = client;
        this.requestedAt = requestedAt;
        this.access = access;
        this.certificate = certificate;
        this.key = key;
        this.knownHosts = knownHosts;
    }

    static Workload start(KeylessClient client, TeamSetup team, String server, Path dir) throws IOException {
        return start(client, server, dir, "github", team.githubToken(), null);
    }

    /** A job exchanging {@code platformToken} on {@code connection}, naming {@code roleHint} (or none). */
    static Workload start(
            KeylessClient client, String server, Path dir, String connection, String platformToken, String roleHint)
            throws IOException {
        return prepare(client, server, dir, connection, platformToken, roleHint).requestCertificate();
    }

    /**
     * The steps before the certificate request (exchange, key pair), so that a benchmark can send the
     * requests of many jobs at the same moment.
     */
    static Prepared prepare(
            KeylessClient client, String server, Path dir, String connection, String platformToken, String roleHint)
            throws IOException {
        AccessToken access = client.authenticate(connection, platformToken, roleHint);
        Path key = SshKeygen.generate(Files.createTempDirectory(dir, "job"), "id", "ed25519", 0, "job");
        return new Prepared(client, server, access, key);
    }

    /** A job with its access token and key, that has not asked for its certificate yet. */
    record Prepared(KeylessClient client, String server, AccessToken access, Path key) {
        Workload requestCertificate() throws IOException {
            long requestedAt = System.nanoTime();
            CertificateResponse cert = client.requestCertificate(
                    access.accessToken(),
                    server,
                    Files.readString(Path.of(key + ".pub")).trim());
            Files.writeString(Path.of(key + "-cert.pub"), cert.certificate() + "\n");
            Path knownHosts = key.resolveSibling("known_hosts");
            StringBuilder lines = new StringBuilder();
            for (String ca : cert.hostCaPublicKeys()) {
                lines.append("@cert-authority [127.0.0.1]:")
                        .append(cert.server().port())
                        .append(' ')
                        .append(ca)
                        .append('\n');
            }
            Files.writeString(knownHosts, lines);
            return new Workload(client, access, cert, key, knownHosts, requestedAt);
        }
    }

    /** Waits until the agent has provisioned the session; returns its final wait state. */
    String awaitReady() {
        return client.session(access.accessToken(), certificate.sessionId()).state()
                        == dev.keyless.protocol.SessionState.READY
                ? "READY"
                : waitFor();
    }

    private String waitFor() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            var state = client.session(access.accessToken(), certificate.sessionId())
                    .state();
            if (state != dev.keyless.protocol.SessionState.PENDING) {
                return state.name();
            }
            sleep(50);
        }
        return "PENDING";
    }

    CommandResult ssh(String... command) {
        return Commands.run(sshArgv(command), Map.of(), Duration.ofSeconds(60));
    }

    /** Starts ssh without waiting for it, for connections that must be cut off. */
    Process sshInBackground(String... command) throws IOException {
        return new ProcessBuilder(sshArgv(command)).redirectErrorStream(true).start();
    }

    private List<String> sshArgv(String... command) {
        List<String> argv = SshClientArgs.of(key, Path.of(key + "-cert.pub"), knownHosts);
        argv.addAll(List.of(
                "-o",
                "ConnectTimeout=10",
                "-p",
                Integer.toString(certificate.server().port()),
                certificate.principal() + "@127.0.0.1"));
        argv.addAll(List.of(command));
        return argv;
    }

    void close() {
        client.closeSession(access.accessToken(), certificate.sessionId());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
