package dev.keyless.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OpenSSH {@code sshd} on a free 127.0.0.1 port, configured for certificate login only, with its
 * own temporary directory (host key, TrustedUserCAKeys, optional per-user authorized principals, pid file).
 * It runs in the foreground ({@code -D -e}) and its log goes to {@link #log()}. Needs root. Closing stops
 * it and deletes the directory. The log buffer is thread-safe; start and close from one thread.
 *
 * <p>By default sshd runs with {@code UsePAM no}. {@link Builder#pam(String)} turns PAM on under a PAM
 * service of the harness's own, so the machine's {@code /etc/pam.d/sshd} is never read or touched:
 * OpenSSH names its PAM service after its program name ({@code __progname}, the base name of {@code
 * argv[0]}), so the harness starts sshd through a symlink with a unique name in its directory (an
 * absolute path, which sshd needs to re-exec itself) and writes {@code /etc/pam.d/<that name>} for its
 * lifetime.
 */
public final class SshdHarness implements AutoCloseable {
    private static final String SSHD = "/usr/sbin/sshd";
    private static final Path PRIVILEGE_SEPARATION_DIR = Path.of("/run/sshd");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path PAM_DIR = Path.of("/etc/pam.d");
    private static final Pattern PAM_PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,40}");
    /**
     * The PAM stacks every PAM-mode harness uses, ahead of the caller's extra session lines. Written
     * out rather than included from Debian's {@code common-*} files so they do not depend on what else
     * the machine has installed (pam_systemd, pam_loginuid in a container). Auth: sshd with only
     * publickey enabled never authenticates through PAM, but calls {@code pam_setcred}, which fails
     * with pam_deny; pam_unix without {@code nullok} grants no password to the {@code *} accounts.
     */
    private static final List<String> PAM_BASE = List.of(
            "auth     required  pam_unix.so", "account  required  pam_unix.so", "session  required  pam_unix.so");

    private final Path directory;
    private final Process process;
    private final int port;
    private final StringBuffer log;
    private final Path pamFile;

    private SshdHarness(Path directory, Process process, int port, StringBuffer log, Path pamFile) {
        this.directory = directory;
        this.process = process;
        this.port = port;
        this.log = log;
        this.pamFile = pamFile;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Configures and starts an sshd. */
    public static final class Builder {
        private final List<String> trustedUserCaKeys = new ArrayList<>();
        private final Map<String, List<String>> authorizedPrincipals = new LinkedHashMap<>();
        private final Map<String, List<String>> authorizedKeys = new LinkedHashMap<>();
        private final List<String> includes = new ArrayList<>();
        private final List<String> pamSessionLines = new ArrayList<>();
        private final List<String> options = new ArrayList<>();
        private Path hostCaPrivateKey;
        private String pamPrefix;

        private Builder() {}

        /**
         * Adds a config line after the harness's own, e.g. {@code MaxStartups 100:30:200} for a
         * test that opens many connections at once (sshd keeps the first value of a keyword, so this
         * cannot override one the harness or an include already sets).
         */
        public Builder option(String line) {
            if (line.contains("\n")) {
                throw new IllegalArgumentException("one sshd_config line");
            }
            options.add(line);
            return this;
        }

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

        /**
         * Accepts a plain public key (no certificate) for {@code user}, from a file in the harness's
         * directory ({@code AuthorizedKeysFile <dir>/authorized_keys/%u}); without any call the harness
         * has {@code AuthorizedKeysFile none}. Lets a test log in as an account that has no certificate
         * principal, such as root, without touching that account's own files.
         */
        public Builder authorizedKey(String user, String publicKeyLine) {
            authorizedKeys.computeIfAbsent(user, u -> new ArrayList<>()).add(publicKeyLine);
            return this;
        }

        /**
         * Runs sshd with {@code UsePAM yes} under the PAM service {@code <prefix>-<random>}: sshd is
         * started through a symlink of that name and {@code /etc/pam.d/<name>} holds the harness's
         * stacks (pam_unix for auth, account and session) followed by {@link #pamSessionLine} lines and
         * is deleted on close. {@link SshdHarness#pamSession(List)} rewrites the extra lines while sshd
         * runs (sshd reads the file on every connection).
         */
        public Builder pam(String prefix) {
            if (prefix == null || !PAM_PREFIX.matcher(prefix).matches()) {
                throw new IllegalArgumentException("a PAM service prefix must match " + PAM_PREFIX);
            }
            this.pamPrefix = prefix;
            return this;
        }

        /** Adds a line after the harness's session stack, e.g. {@code session optional pam_exec.so ...}. */
        public Builder pamSessionLine(String line) {
            pamSessionLines.add(line);
            return this;
        }

        public SshdHarness start() {
            try {
                Files.createDirectories(PRIVILEGE_SEPARATION_DIR);
                Path directory = Files.createTempDirectory("keyless-sshd-");
                // sshd reads authorized principals with the login user's privileges, so the tree must be
                // world-readable; the host key itself stays 0600 as ssh-keygen writes it.
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
                Path pamFile = null;
                try {
                    if (pamPrefix != null) {
                        pamFile = createPamService(directory);
                    }
                    return startIn(directory, pamFile);
                } catch (RuntimeException | IOException e) {
                    deleteTree(directory);
                    if (pamFile != null) {
                        Files.deleteIfExists(pamFile);
                    }
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not prepare sshd", e);
            }
        }

        /** Writes {@code /etc/pam.d/<name>} for a fresh unique name, never replacing an existing file. */
        private Path createPamService(Path directory) throws IOException {
            for (int attempt = 0; attempt < 5; attempt++) {
                String name = pamPrefix + "-" + Long.toHexString(RANDOM.nextLong() >>> 16);
                Path file = PAM_DIR.resolve(name);
                try {
                    Files.writeString(
                            file,
                            pamText(directory, pamSessionLines),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    continue;
                }
                // Belt and braces for a test JVM that ends without closing the harness.
                file.toFile().deleteOnExit();
                Files.createSymbolicLink(directory.resolve(name), Path.of(SSHD));
                return file;
            }
            throw new IllegalStateException("no free PAM service name for prefix " + pamPrefix);
        }

        private SshdHarness startIn(Path directory, Path pamFile) throws IOException {
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
            Path keysDir = directory.resolve("authorized_keys");
            Files.createDirectories(keysDir);
            for (Map.Entry<String, List<String>> entry : authorizedKeys.entrySet()) {
                Files.write(keysDir.resolve(entry.getKey()), entry.getValue(), StandardCharsets.UTF_8);
            }
            // sshd names its PAM service after the base name of argv[0], the symlink.
            String program = pamFile == null
                    ? SSHD
                    : directory.resolve(pamFile.getFileName().toString()).toString();
            IllegalStateException lastFailure = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                int port = freeLoopbackPort();
                Path config = directory.resolve("sshd_config");
                Files.writeString(
                        config, config(directory, hostKey, principalsDir, keysDir, port), StandardCharsets.UTF_8);
                try {
                    return launch(program, directory, config, port, pamFile);
                } catch (IllegalStateException e) {
                    // Another process may have taken the port between probing and binding; try a new one.
                    lastFailure = e;
                }
            }
            throw lastFailure;
        }

        private String config(Path directory, Path hostKey, Path principalsDir, Path keysDir, int port) {
            List<String> lines = new ArrayList<>();
            includes.forEach(include -> lines.add("Include " + include));
            lines.addAll(List.of(
                    "ListenAddress 127.0.0.1",
                    "Port " + port,
                    "HostKey " + hostKey,
                    hostCaPrivateKey != null ? "HostCertificate " + hostKey + "-cert.pub" : "",
                    "PidFile " + directory.resolve("sshd.pid"),
                    "TrustedUserCAKeys " + directory.resolve("trusted_user_ca_keys"),
                    "AuthorizedKeysFile " + (authorizedKeys.isEmpty() ? "none" : keysDir + "/%u"),
                    "PubkeyAuthentication yes",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "UsePAM " + (pamPrefix != null ? "yes" : "no"),
                    "StrictModes no",
                    "PrintMotd no",
                    "X11Forwarding no",
                    // as every distribution's sshd_config has it: scp and sftp clients speak SFTP
                    "Subsystem sftp internal-sftp",
                    "LogLevel VERBOSE"));
            if (!authorizedPrincipals.isEmpty()) {
                lines.add("AuthorizedPrincipalsFile " + principalsDir + "/%u");
            }
            lines.addAll(options);
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

    /** The PAM service file {@code /etc/pam.d/<name>}, when the harness runs with PAM. */
    public Optional<Path> pamServiceFile() {
        return Optional.ofNullable(pamFile);
    }

    /**
     * Replaces the extra lines after the harness's PAM session stack (PAM mode only). sshd reads the
     * file when a connection starts, so the next login uses the new lines.
     */
    public void pamSession(List<String> sessionLines) {
        if (pamFile == null) {
            throw new IllegalStateException("this sshd runs without PAM");
        }
        try {
            // A hidden sibling, so the rename is atomic (PAM opens only the file named after the service).
            Path next = pamFile.resolveSibling("." + pamFile.getFileName() + ".next");
            Files.writeString(next, pamText(directory, sessionLines), StandardCharsets.UTF_8);
            Files.move(next, pamFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not rewrite " + pamFile, e);
        }
    }

    /** Everything sshd has logged so far. */
    public String log() {
        return log.toString();
    }

    /**
     * Runs the real {@code ssh} client as {@code user} with the given private key and certificate, and
     * returns its result; {@code certificate} may be null for a plain key ({@link
     * Builder#authorizedKey}). Host key checking is off: acceptable only in this harness until host
     * certificates are in place.
     */
    public CommandResult ssh(String user, Path privateKey, Path certificate, String... command) {
        List<String> argv = SshClientArgs.of(privateKey, certificate, null);
        argv.addAll(List.of(
                "-p",
                Integer.toString(port),
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
            try {
                if (pamFile != null) {
                    Files.deleteIfExists(pamFile);
                }
            } catch (IOException e) {
                log.append("[could not delete ")
                        .append(pamFile)
                        .append(": ")
                        .append(e.getMessage())
                        .append("]\n");
            }
            deleteTree(directory);
        }
    }

    private static String pamText(Path directory, List<String> sessionLines) {
        List<String> lines = new ArrayList<>();
        lines.add("# PAM service of the keyless test sshd in " + directory + "; deleted when the test ends.");
        lines.addAll(PAM_BASE);
        lines.addAll(sessionLines);
        return String.join("\n", lines) + "\n";
    }

    private static SshdHarness launch(String program, Path directory, Path config, int port, Path pamFile)
            throws IOException {
        Process process = new ProcessBuilder(program, "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .start();
        @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test: synchronized on purpose
        StringBuffer log = new StringBuffer();
        Thread reader = new Thread(() -> copyLines(process, log), "sshd-log-" + port);
        reader.setDaemon(true);
        reader.start();
        String ready = "Server listening on 127.0.0.1 port " + port;
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (log.indexOf(ready) >= 0) {
                return new SshdHarness(directory, process, port, log, pamFile);
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
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
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
