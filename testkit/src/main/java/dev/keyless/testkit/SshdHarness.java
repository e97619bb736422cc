package dev.keyless.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real OpenSSH {@code sshd} on a free 127.0.0.1 port, configured for certificate login only, with its
 * own temporary directory (host key, TrustedUserCAKeys, optional per-user authorized principals, pid file).
 * It runs in the foreground ({@code -D -e}) and its log goes to {@link #log()}. Needs root. Closing stops
 * it and deletes the directory. The log buffer is thread-safe; start and close from one thread.
 */
public final class SshdHarness implements AutoCloseable {
    private static final String SSHD = "/usr/sbin/sshd";
    private static final Path PRIVILEGE_SEPARATION_DIR = Path.of("/run/sshd");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;

    private final Path directory;
    private final Process process;
    private final int port;
    private final StringBuffer log;

    private SshdHarness(Path directory, Process process, int port, StringBuffer log) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts an sshd. */
    public static final class Builder {
        private final List<String> trustedUserCaKeys = new ArrayList<>();
        private final Map<String, List<String>> authorizedPrincipals = new LinkedHashMap<>();
        private final List<String> includes = new ArrayList<>();
        private Path hostCaPrivateKey;

        private Builder() {}

        /**
         * Adds an {@code Include} line (a path or glob) at the top of the config, so the included
         * file's settings win over the harness's own (sshd keeps the first value it reads). Used to
         * run sshd with the host agent's drop-in.
         */
        public Builder include(String pathOrGlob) {
            includes.add(pathOrGlob);
            return this;
        }

        /**
         * Signs the host key with this CA private key ({@code ssh-keygen -s -h}, principals {@code 127.0.0.1}
         * and {@code localhost}) and serves the certificate, so clients can check the host with {@code
         * @cert-authority} and {@code StrictHostKeyChecking yes}.
         */
        public Builder hostCertificateAuthority(Path caPrivateKey) {
            this.hostCaPrivateKey = caPrivateKey;
            return this;
        }

        /** Adds a CA public key line to TrustedUserCAKeys. */
        public Builder trustedUserCaKey(String publicKeyLine) {
            trustedUserCaKeys.add(publicKeyLine);
            return this;
        }

        /**
         * Turns on AuthorizedPrincipalsFile and lists the principals accepted for {@code user}. Without any
         * call, sshd's default applies: the certificate must name the login user.
         */
        public Builder authorizedPrincipals(String user, List<String> principals) {
            authorizedPrincipals.put(user, List.copyOf(principals));
            return this;
        }

        public SshdHarness start() {
            try {
                Files.createDirectories(PRIVILEGE_SEPARATION_DIR);
                Path directory = Files.createTempDirectory("keyless-sshd-");
                // sshd reads authorized principals with the login user's privileges, so the tree must be
                // world-readable; the host key itself stays 0600 as ssh-keygen writes it.
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
                try {
                    return startIn(directory);
                } catch (RuntimeException | IOException e) {
                    deleteTree(directory);
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare sshd", e);
            }
        }

        private SshdHarness startIn(Path directory) throws IOException {
            Path hostKey = SshKeygen.generate(directory, "ssh_host_ed25519_key", "ed25519", 0, "keyless-test-host");
            if (hostCaPrivateKey != null) {
                Commands.runChecked(List.of(
                        "ssh-keygen",
                        "-q",
                        "-s",
                        hostCaPrivateKey.toString(),
                        "-h",
                        "-I",
                        "keyless-test-host",
                        "-n",
                        "127.0.0.1,localhost",
                        "-V",
                        "-5m:+1h",
                        hostKey + ".pub"));
            }
            Files.write(directory.resolve("trusted_user_ca_keys"), trustedUserCaKeys, StandardCharsets.UTF_8);
            Path principalsDir = directory.resolve("principals");
            Files.createDirectories(principalsDir);
            for (Map.Entry<String, List<String>> entry : authorizedPrincipals.entrySet()) {
                Files.write(principalsDir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
            }
            IllegalStateException lastFailure = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                int port = freeLoopbackPort();
                Path config = directory.resolve("sshd_config");
                Files.writeString(config, config(directory, hostKey, principalsDir, port), StandardCharsets.UTF_8);
                try {
                    return launch(directory, config, port);
                } catch (IllegalStateException e) {
                    // Another process may have taken the port between probing and binding; try a new one.
                    lastFailure = e;
                }
            }
            throw lastFailure;
        }

        private String config(Path directory, Path hostKey, Path principalsDir, int port) {
            List<String> lines = new ArrayList<>();
            includes.forEach(include -> lines.add("Include " + include));
            lines.addAll(List.of(
                    "ListenAddress 127.0.0.1",
                    "Port " + port,
                    "HostKey " + hostKey,
                    hostCaPrivateKey != null ? "HostCertificate " + hostKey + "-cert.pub" : "",
                    "PidFile " + directory.resolve("sshd.pid"),
                    "TrustedUserCAKeys " + directory.resolve("trusted_user_ca_keys"),
                    "AuthorizedKeysFile none",
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM no",
                    "StrictModes no",
                    "PrintMotd no",
                    "X11Forwarding no",
                    "LogLevel VERBOSE"));
            if (!authorizedPrincipals.isEmpty()) {
                lines.add("AuthorizedPrincipalsFile " + principalsDir + "/%u");
            }
            return String.join("\n", lines) + "\n";
        }
    }

    /** The port sshd listens on, on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** The harness's temporary directory. */
    public Path directory() {
        return directory;
    }

    /** The host's public key, {@code ssh_host_ed25519_key.pub}. */
    public Path hostPublicKey() {
        return directory.resolve("ssh_host_ed25519_key.pub");
    }

    /** The sshd_config file. */
    public Path configFile() {
        return directory.resolve("sshd_config");
    }

    /** The pid file; SIGHUP to that pid reloads the configuration. */
    public Path pidFile() {
        return directory.resolve("sshd.pid");
    }

    /** The TrustedUserCAKeys file; sshd reads it on every login, so a test may rewrite it. */
    public Path trustedUserCaKeysFile() {
        return directory.resolve("trusted_user_ca_keys");
    }

    /** Everything sshd has logged so far. */
    public String log() {
        return log.toString();
    }

    /**
     * Runs the real {@code ssh} client as {@code user} with the given private key and certificate, and
     * returns its result. Host key checking is off: acceptable only in this harness until host
     * certificates are in place.
     */
    public CommandResult ssh(String user, Path privateKey, Path certificate, String... command) {
        List<String> argv = new ArrayList<>(List.of(
                "ssh",
                "-F",
                "/dev/null",
                "-p",
                Integer.toString(port),
                "-i",
                privateKey.toString(),
                "-o",
                "CertificateFile=" + certificate,
                "-o",
                "IdentitiesOnly=yes",
                "-o",
                "BatchMode=yes",
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "GlobalKnownHostsFile=/dev/null",
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
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SSH_AUTH_SOCK", null); // an agent would offer keys other than the one under test
        return Commands.run(argv, env, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(directory);
        }
    }

    private static SshdHarness launch(Path directory, Path config, int port) throws IOException {
        Process process = new ProcessBuilder(SSHD, "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .start();
        StringBuffer log = new StringBuffer();
        Thread reader = new Thread(() -> copyLines(process, log), "sshd-log-" + port);
        reader.setDaemon(true);
        reader.start();
        String ready = "Server listening on 127.0.0.1 port " + port;
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (log.indexOf(ready) >= 0) {
                return new SshdHarness(directory, process, port, log);
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(Duration.ofMillis(20));
        }
        process.destroyForcibly();
        throw new IllegalStateException("sshd did not start: " + log);
    }

    private static void copyLines(Process process, StringBuffer log) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.append(line).append('\n');
            }
        } catch (IOException e) {
            log.append("[log reader stopped: ").append(e.getMessage()).append("]\n");
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for sshd", e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
