package dev.keyless.agent.os;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The drop-in check against the real {@code sshd -T}: a main config that includes the drop-in
 * passes; one without the include, or one that sets a keyword before the include, fails naming
 * the keyword (sshd -t passes on all three).
 */
class SshdConfigVerifierIT {
    Path dir;
    TrustSettings settings;
    Path hostKey;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("sshd-config-verifier-it");
        hostKey = SshKeygen.generate(dir, "host", "ed25519", 0, "host");
        settings = new TrustSettings(
                dir.resolve("trust"),
                dir.resolve("sshd_config.d/keyless.conf"),
                dir.resolve("sshd_config"),
                Path.of("/usr/sbin/sshd"),
                null,
                null,
                List.of());
        Files.createDirectories(dir.resolve("sshd_config.d"));
        Files.writeString(settings.dropIn(), new OpenSshTrust(settings).dropIn());
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("includes the drop-in", "Include %s/sshd_config.d/*.conf\n", List.of()),
                Arguments.of(
                        "no include line",
                        "",
                        List.of("trustedusercakeys", "revokedkeys", "authorizedprincipalsfile", "exposeauthinfo")),
                Arguments.of(
                        "sets TrustedUserCAKeys before the include",
                        "TrustedUserCAKeys /etc/ssh/other_ca.pub\nInclude %s/sshd_config.d/*.conf\n",
                        List.of("trustedusercakeys")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void reportsWhetherSshdUsesTheDropIn(String name, String mainConfig, List<String> wrongKeywords) throws Exception {
        Files.writeString(settings.sshdConfig(), "HostKey " + hostKey + "\n" + mainConfig.formatted(dir));
        assertThat(Exec.run(List.of(
                                "/usr/sbin/sshd",
                                "-t",
                                "-f",
                                settings.sshdConfig().toString()))
                        .succeeded())
                .as("sshd -t passes either way")
                .isTrue();

        SshdConfigVerifier verifier = new SshdConfigVerifier(settings);
        SshdConfigVerifier.Report report = verifier.verify();

        assertThat(report.inEffect()).isEqualTo(wrongKeywords.isEmpty());
        assertThat(report.problems()).map(p -> p.substring(0, p.indexOf(':'))).containsExactlyElementsOf(wrongKeywords);
        if (!report.inEffect()) {
            assertThat(verifier.explain(report))
                    .startsWith("WARNING")
                    .contains("Include " + dir + "/sshd_config.d/*.conf");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void aConfigSshdCannotReadIsNotInEffect(String name, String mainConfig) throws Exception {
        Files.writeString(settings.sshdConfig(), mainConfig);
        SshdConfigVerifier.Report report = new SshdConfigVerifier(settings).verify();
        assertThat(report.inEffect()).isFalse();
        assertThat(report.problems()).singleElement().asString().contains("sshd -T");
    }

    static Stream<Arguments> brokenConfigs() {
        return Stream.of(Arguments.of("unknown keyword", "NoSuchKeyword yes\n"));
    }
}
