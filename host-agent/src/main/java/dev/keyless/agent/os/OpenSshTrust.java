package dev.keyless.agent.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link SshdTrust} for OpenSSH. The drop-in is replaced atomically, {@code sshd -t} checks the
 * whole configuration, and on failure the previous drop-in is put back before anything reloads,
 * so sshd never runs on a broken configuration. sshd reads TrustedUserCAKeys, the principals
 * files and the KRL on every authentication, so a reload is needed only when the drop-in (or the
 * host certificate) changes. A KRL change does not reload: a SIGHUP makes sshd close its listening
 * socket and re-execute itself, and a client connecting in that moment is refused ("Connection
 * refused"), so reloading on every session end refused other jobs' logins on a busy host. Not
 * thread-safe: the agent serialises calls.
 */
public final class OpenSshTrust implements SshdTrust {
    private static final Pattern SERIAL = Pattern.compile("[0-9]{1,20}");
    private static final Pattern PUBLIC_KEY =
            Pattern.compile("[a-z0-9@.-]{1,64} [A-Za-z0-9+/=]{1,2048}( [ -~]{0,200})?");
    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");
    private static final String PRINCIPALS_MODE = "rw-r--r--";

    private final TrustSettings settings;

    public OpenSshTrust(TrustSettings settings) {
        this.settings = settings;
    }

    public TrustSettings settings() {
        return settings;
    }

    @Override
    public void install(List<String> userCaKeys, Collection<String> revokedSerials) {
        AtomicFiles.directory(settings.trustDir(), "rwxr-xr-x");
        AtomicFiles.directory(settings.principalsDir(), "rwxr-xr-x");
        writeUserCaKeys(userCaKeys);
        writeKrl(userCaKeys, revokedSerials);
        installDropIn(dropIn());
        reload();
    }

    @Override
    public void updateUserCaKeys(List<String> userCaKeys, Collection<String> revokedSerials) {
        writeUserCaKeys(userCaKeys);
        writeKrl(userCaKeys, revokedSerials);
    }

    @Override
    public void updateRevokedSerials(Collection<String> revokedSerials) {
        // The next authentication reads the new file; see the class comment for why no reload.
        writeKrl(readUserCaKeys(), revokedSerials);
    }

    @Override
    public void writePrincipals(String user, String principal) {
        LinuxAccounts.requireJit(user);
        LinuxAccounts.requireJit(principal);
        Path file = settings.principalsDir().resolve(user);
        byte[] content = (principal + "\n").getBytes(StandardCharsets.UTF_8);
        // Every session of a role writes the same line: skip the rewrite (and its fsync) when the file
        // already holds it with the right mode, as it does for all but the first of concurrent sessions.
        if (holds(file, content, PRINCIPALS_MODE)) {
            return;
        }
        // Read by sshd with the login user's privileges, so world-readable; written only by root.
        AtomicFiles.write(file, content, PRINCIPALS_MODE);
    }

    private static boolean holds(Path file, byte[] content, String mode) {
        try {
            return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                    && PosixFilePermissions.toString(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
                            .equals(mode)
                    && Arrays.equals(Files.readAllBytes(file), content);
        } catch (IOException e) {
            return false; // rewritten below, which reports a real failure
        }
    }

    @Override
    public boolean removePrincipals(String user) {
        try {
            return Files.deleteIfExists(settings.principalsDir().resolve(LinuxAccounts.requireJit(user)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove a principals file", e);
        }
    }

    @Override
    public List<String> principalUsers() {
        List<String> users = new ArrayList<>();
        if (!Files.isDirectory(settings.principalsDir())) {
            return users;
        }
        try (Stream<Path> files = Files.list(settings.principalsDir())) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) {
                    users.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list principals", e);
        }
        return users;
    }

    /**
     * The drop-in's text. Paths are double-quoted, as sshd_config allows for arguments with spaces:
     * unquoted, a trust directory such as {@code /srv/keyless trust} made the drop-in invalid.
     */
    public String dropIn() {
        List<String> lines = new ArrayList<>(List.of(
                "# Managed by keyless-agent: rewritten on every start, do not edit.",
                "TrustedUserCAKeys " + quoted(settings.userCaKeys()),
                // %u is sshd's token for the login user; the directory part is checked like the rest.
                "AuthorizedPrincipalsFile \"" + TrustSettings.requireConfigSafe(settings.principalsDir()) + "/%u\"",
                "RevokedKeys " + quoted(settings.krl()),
                "ExposeAuthInfo yes"));
        if (settings.hostCertificate() != null) {
            lines.add("HostCertificate " + quoted(settings.hostCertificate()));
        }
        return String.join("\n", lines) + "\n";
    }

    /** A path as one sshd_config argument; {@link TrustSettings} refuses what quoting cannot carry. */
    static String quoted(Path path) {
        return "\"" + TrustSettings.requireConfigSafe(path) + "\"";
    }

    private void installDropIn(String content) {
        Path dropIn = settings.dropIn();
        try {
            byte[] previous = Files.exists(dropIn) ? Files.readAllBytes(dropIn) : null;
            AtomicFiles.directory(dropIn.getParent(), "rwxr-xr-x");
            AtomicFiles.write(dropIn, content.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
            Exec.Result test = Exec.run(List.of(
                    settings.sshdBinary().toString(),
                    "-t",
                    "-f",
                    settings.sshdConfig().toString()));
            if (!test.succeeded()) {
                if (previous == null) {
                    Files.deleteIfExists(dropIn);
                } else {
                    AtomicFiles.write(dropIn, previous, "rw-r--r--");
                }
                throw new OsCommandException("sshd -t", test.exitCode(), test.stderr());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the sshd drop-in", e);
        }
    }

    private void writeUserCaKeys(List<String> keys) {
        for (String key : keys) {
            if (!PUBLIC_KEY.matcher(key.strip()).matches()) {
                throw new IllegalArgumentException("a user CA key is not an OpenSSH public key line");
            }
        }
        String content = keys.stream().map(String::strip).reduce("", (a, b) -> a + b + "\n");
        AtomicFiles.write(settings.userCaKeys(), content.getBytes(StandardCharsets.UTF_8), "rw-r--r--");
    }

    private List<String> readUserCaKeys() {
        try {
            return Files.readAllLines(settings.userCaKeys(), StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the user CA keys", e);
        }
    }

    /** ssh-keygen scopes serials to one CA per call, so the first CA creates and the rest update. */
    private void writeKrl(List<String> userCaKeys, Collection<String> serials) {
        Path target = settings.krl();
        Path temporary = AtomicFiles.temporaryFor(target);
        Path spec = AtomicFiles.temporaryFor(target.resolveSibling("krl-spec"));
        Path ca = AtomicFiles.temporaryFor(target.resolveSibling("krl-ca"));
        try {
            StringBuilder lines = new StringBuilder();
            for (String serial : new TreeSet<>(serials)) {
                if (!SERIAL.matcher(serial).matches()) {
                    throw new IllegalArgumentException("a revoked serial is not a decimal number");
                }
                lines.append("serial: ").append(serial).append('\n');
            }
            AtomicFiles.writeNew(spec, lines.toString().getBytes(StandardCharsets.UTF_8), "rw-------");
            if (serials.isEmpty() || userCaKeys.isEmpty()) {
                Exec.checked(List.of("ssh-keygen", "-q", "-k", "-f", temporary.toString()));
            }
            boolean first = true;
            for (String key : serials.isEmpty() ? List.<String>of() : userCaKeys) {
                AtomicFiles.write(ca, (key.strip() + "\n").getBytes(StandardCharsets.UTF_8), "rw-------");
                List<String> argv = new ArrayList<>(List.of("ssh-keygen", "-q", "-k"));
                if (!first) {
                    argv.add("-u");
                }
                argv.addAll(List.of("-f", temporary.toString(), "-s", ca.toString(), spec.toString()));
                Exec.checked(argv);
                first = false;
            }
            Files.setPosixFilePermissions(
                    temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the KRL", e);
        } finally {
            AtomicFiles.deleteQuietly(temporary);
            AtomicFiles.deleteQuietly(spec);
            AtomicFiles.deleteQuietly(ca);
        }
    }

    /** SIGHUP to the pid in the pid file, or the configured command; nothing when neither is set. */
    @Override
    public void reload() {
        if (!settings.reloadCommand().isEmpty()) {
            Exec.checked(settings.reloadCommand());
            return;
        }
        if (settings.pidFile() == null || !Files.exists(settings.pidFile())) {
            return;
        }
        try {
            String pid = Files.readString(settings.pidFile(), StandardCharsets.US_ASCII)
                    .strip();
            if (!PID.matcher(pid).matches()) {
                throw new IllegalStateException("sshd pid file does not hold a pid");
            }
            Exec.checked(List.of("kill", "-HUP", pid));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the sshd pid file", e);
        }
    }
}
