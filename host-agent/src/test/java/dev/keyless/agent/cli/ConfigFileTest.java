package dev.keyless.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.agent.KeylessAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code /etc/keyless/agent.conf}: file values replace built-in defaults, the command line wins. */
class ConfigFileTest {
    @TempDir
    Path dir;

    @Test
    void fileValuesReplaceDefaultsAndTheCommandLineWins() throws Exception {
        Path conf = Files.writeString(
                dir.resolve("agent.conf"),
                "# comment\nsshd-pid-file = /run/other.pid\nuid-range=62000-62099\nstate-dir = /srv/state\n");
        CommandLine cli = KeylessAgent.commandLine(conf);
        CommandLine.ParseResult parsed = cli.parseArgs("run", "--state-dir", "/tmp/given");
        RunCommand run = (RunCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(run.sshd.pidFile).isEqualTo(Path.of("/run/other.pid"));
        assertThat(run.uidRange).isEqualTo("62000-62099");
        assertThat(run.stateDir).isEqualTo(Path.of("/tmp/given"));
        assertThat(run.sshd.trustDir).isEqualTo(Path.of("/etc/ssh/keyless"));
    }

    @Test
    void aMissingFileMeansBuiltInDefaults() {
        CommandLine cli = KeylessAgent.commandLine(dir.resolve("absent.conf"));
        RunCommand run =
                (RunCommand) cli.parseArgs("run").subcommand().commandSpec().userObject();
        assertThat(run.stateDir).isEqualTo(Path.of("/var/lib/keyless-agent"));
    }

    @Test
    void refusesAnUnknownSettingAndTheToken() throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.conf"), "sshd-pidfile = /run/x.pid\n");
        assertThatThrownBy(() -> KeylessAgent.commandLine(typo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'sshd-pidfile'");
        Path token = Files.writeString(dir.resolve("token.conf"), "token = kle_x\n");
        assertThatThrownBy(() -> KeylessAgent.commandLine(token))
                .hasMessageContaining("unknown setting 'token'")
                .hasMessageNotContaining("kle_x");
    }
}
