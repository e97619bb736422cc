package dev.keyless.agent.os;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Picks how to reload sshd when no {@code --reload-command} is given. Under systemd, through the
 * unit that runs sshd, whose name differs by family: {@code ssh.service} on Debian and Ubuntu,
 * {@code sshd.service} on RHEL, Fedora, SUSE and Arch. Elsewhere (no systemd, or neither unit
 * active, as in the tests' own sshd) an empty command, meaning SIGHUP through the pid file.
 */
public final class SshdReloadDetector {
    static final List<String> UNITS = List.of("ssh.service", "sshd.service");

    private final Path systemdRuntimeDir;

    public SshdReloadDetector() {
        this(Path.of("/run/systemd/system"));
    }

    SshdReloadDetector(Path systemdRuntimeDir) {
        this.systemdRuntimeDir = systemdRuntimeDir;
    }

    /** {@code systemctl reload <unit>} for the active sshd unit, or empty for SIGHUP. */
    public List<String> detect() {
        // sd_booted(3): systemd is PID 1 exactly when this directory exists.
        if (!Files.isDirectory(systemdRuntimeDir)) {
            return List.of();
        }
        for (String unit : UNITS) {
            try {
                if (Exec.run(List.of("systemctl", "is-active", "--quiet", unit)).succeeded()) {
                    return List.of("systemctl", "reload", unit);
                }
            } catch (RuntimeException noSystemctl) {
                return List.of();
            }
        }
        return List.of();
    }
}
