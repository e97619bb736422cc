package dev.keyless.client.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobSshConfigTest {
    private static final String CERT = "ssh-ed25519-cert-v01@openssh.com AAAA keyless";

    @Test
    void rendersOneHostBlock() {
        SshHost host =
                new SshHost("web-01", "10.0.0.5", 2222, "wl_deployer", new SshIdentity(SshKey.generate("k"), CERT));
        String block = JobSshConfig.renderHost(
                host, Path.of("/t/agent.sock"), Path.of("/t/known_hosts"), Path.of("/t/web-01"), Path.of("/t/100%/c"));
        assertThat(block)
                .contains(
                        "\nHost web-01\n",
                        "  HostName 10.0.0.5\n",
                        "  Port 2222\n",
                        "  User wl_deployer\n",
                        "  IdentityAgent \"/t/agent.sock\"\n",
                        "  IdentitiesOnly yes\n",
                        "  UserKnownHostsFile \"/t/known_hosts\"\n",
                        "  GlobalKnownHostsFile /dev/null\n",
                        "  StrictHostKeyChecking yes\n",
                        "  CertificateFile \"/t/100%%/c\"\n");
    }

    static Stream<Arguments> unusable() {
        return Stream.of(
                Arguments.of("name with a newline", "web\nProxyCommand x", "10.0.0.5", "wl_deployer"),
                Arguments.of("name with a space", "web 01", "10.0.0.5", "wl_deployer"),
                Arguments.of("address with an option", "web", "-oProxyCommand=x", "wl_deployer"),
                Arguments.of("user not wl_", "web", "10.0.0.5", "root"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void refusesValuesThatCouldInjectConfig(String name, String server, String address, String user) {
        SshIdentity id = new SshIdentity(SshKey.generate("k"), CERT);
        assertThatThrownBy(() -> new SshHost(server, address, 22, user, id))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quotesForTheShell() {
        assertThat(JobSshConfig.shellQuote("/tmp/it's")).isEqualTo("'/tmp/it'\\''s'");
    }
}
