package dev.keyless.agent.cli;

import dev.keyless.agent.os.SshdReloadDetector;
import dev.keyless.agent.os.TrustSettings;
import dev.keyless.agent.state.AgentState;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** Where sshd and the agent's trust files are: shared by {@code run} and {@code status}. */
final class SshdOptions {
    @Option(
            names = "--sshd-config-dir",
            defaultValue = "/etc/ssh/sshd_config.d",
            description = "where keyless.conf goes")
    Path sshdConfigDir;

    @Option(
            names = "--sshd-config",
            defaultValue = "/etc/ssh/sshd_config",
            description = "checked with sshd -t -f and sshd -T -f")
    Path sshdConfig;

    @Option(names = "--sshd-binary", defaultValue = "/usr/sbin/sshd")
    Path sshdBinary;

    @Option(names = "--sshd-pid-file", defaultValue = "/run/sshd.pid", description = "SIGHUP target for reloads")
    Path pidFile;

    @Option(
            names = "--reload-command",
            description = "reload sshd with this command (split on spaces, no shell); default: systemctl reload"
                    + " ssh.service or sshd.service, whichever is active, else SIGHUP to --sshd-pid-file")
    String reloadCommand;

    @Option(
            names = "--trust-dir",
            defaultValue = "/etc/ssh/keyless",
            description = "user_ca.pub, revoked.krl, principals/")
    Path trustDir;

    /** The trust settings; {@code detectReload} looks for sshd's systemd unit when no command is given. */
    TrustSettings trust(AgentState state, boolean detectReload) {
        List<String> reload = reloadCommand == null || reloadCommand.isBlank()
                ? (detectReload ? new SshdReloadDetector().detect() : List.of())
                : Arrays.asList(reloadCommand.strip().split("\\s+"));
        return new TrustSettings(
                trustDir,
                sshdConfigDir.resolve("keyless.conf"),
                sshdConfig,
                sshdBinary,
                state.hostCertificate == null ? null : Path.of(state.hostCertificate),
                pidFile,
                reload);
    }
}
