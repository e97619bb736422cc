package dev.keyless.agent.os;

import java.nio.file.Path;
import java.util.List;

/**
 * Where sshd's trust lives and how sshd is checked and reloaded.
 *
 * @param trustDir sshd-readable directory (0755) for user_ca.pub, revoked.krl and principals/
 * @param dropIn the sshd drop-in the agent owns, e.g. /etc/ssh/sshd_config.d/keyless.conf
 * @param sshdConfig the main config that includes the drop-in; {@code sshd -t -f} checks it
 * @param sshdBinary path of sshd
 * @param hostCertificate the installed host certificate, or null for none
 * @param pidFile sshd's pid file for SIGHUP, or null
 * @param reloadCommand argument vector that reloads sshd instead of SIGHUP, or empty
 */
public record TrustSettings(
        Path trustDir,
        Path dropIn,
        Path sshdConfig,
        Path sshdBinary,
        Path hostCertificate,
        Path pidFile,
        List<String> reloadCommand) {
    public TrustSettings {
        reloadCommand = reloadCommand == null ? List.of() : List.copyOf(reloadCommand);
        requireConfigSafe(trustDir);
        if (hostCertificate != null) {
            requireConfigSafe(hostCertificate);
        }
    }

    /**
     * {@code path}, if sshd_config can carry it as one double-quoted argument: absolute, with no
     * double quote, no control character and no {@code %} (sshd expands {@code %} tokens in these
     * options).
     *
     * @throws IllegalArgumentException naming the path and what is wrong with it
     */
    public static Path requireConfigSafe(Path path) {
        String text = path.toString();
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("path for sshd must be absolute: " + text);
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"' || ch == '%' || Character.isISOControl(ch)) {
                throw new IllegalArgumentException(
                        "path for sshd contains a character sshd_config cannot carry (\", % or a control"
                                + " character): " + text.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        return path;
    }

    public Path userCaKeys() {
        return trustDir.resolve("user_ca.pub");
    }

    public Path krl() {
        return trustDir.resolve("revoked.krl");
    }

    public Path principalsDir() {
        return trustDir.resolve("principals");
    }
}
