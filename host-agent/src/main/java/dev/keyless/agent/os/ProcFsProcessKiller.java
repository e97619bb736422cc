package dev.keyless.agent.os;

import dev.keyless.agent.ssh.OpenSshCertificates;
import dev.keyless.agent.ssh.OpenSshCertificates.CertificateInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ProcessKiller} with pkill for a whole account, and /proc for one certificate: with
 * {@code ExposeAuthInfo yes} every process of an SSH session inherits {@code SSH_USER_AUTH}, the
 * path of a file in which sshd wrote the certificate that authenticated the connection. A process
 * whose certificate has the serial is killed, and so is its parent when that is the user's own
 * sshd session process, which drops the connection. A process that cleared its environment
 * escapes this; it is still killed when the last session of the account ends (pkill).
 */
public final class ProcFsProcessKiller implements ProcessKiller {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    @Override
    public void killUser(String user) {
        LinuxAccounts.requireJit(user);
        Instant deadline = Instant.now().plus(SETTLE);
        do {
            // pkill exits 1 when nothing matched: the normal case for an idle account.
            Exec.run(List.of("pkill", "-KILL", "-u", user));
            if (liveProcesses(user) == 0) {
                return;
            }
            sleep();
        } while (Instant.now().isBefore(deadline));
    }

    @Override
    public int killCertificate(String user, String serial) {
        LinuxAccounts.requireJit(user);
        Set<ProcessHandle> targets = new LinkedHashSet<>();
        ProcessHandle.allProcesses()
                .filter(process -> process.info().user().map(user::equals).orElse(false))
                .forEach(process -> {
                    Optional<CertificateInfo> certificate = certificateOf(process.pid());
                    if (certificate.isPresent() && certificate.get().serial().equals(serial)) {
                        targets.add(process);
                        process.parent()
                                .filter(parent -> isSshdOf(parent, user))
                                .ifPresent(targets::add);
                    }
                });
        targets.forEach(ProcessHandle::destroyForcibly);
        return targets.size();
    }

    /**
     * Processes of {@code user} that are not zombies: a killed process whose parent has not reaped
     * it yet (or never will, under a container init that does not reap) holds nothing and runs nothing.
     */
    private static long liveProcesses(String user) {
        return ProcessHandle.allProcesses()
                .filter(process -> process.info().user().map(user::equals).orElse(false))
                .filter(process -> !isZombie(process.pid()))
                .count();
    }

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    private static boolean isSshdOf(ProcessHandle process, String user) {
        boolean sameUser = process.info().user().map(user::equals).orElse(false);
        String command = process.info().command().orElse("");
        return sameUser && (command.endsWith("/sshd") || command.endsWith("/sshd-session"));
    }

    private static Optional<CertificateInfo> certificateOf(long pid) {
        try {
            byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String variable : new String(environ, StandardCharsets.UTF_8).split("\0", -1)) {
                if (variable.startsWith("SSH_USER_AUTH=")) {
                    Path file = Path.of(variable.substring("SSH_USER_AUTH=".length()));
                    return OpenSshCertificates.find(Files.readString(file, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended or the file is gone: nothing to match.
        }
        return Optional.empty();
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
