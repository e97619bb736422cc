package dev.keyless.service.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.service.ca.Ed25519CertificateAuthority;
import dev.keyless.service.ca.SshCertificate;
import dev.keyless.service.ca.SshCertificateBuilder;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.policy.AccessDecision;
import dev.keyless.service.session.CertificateOptions.Extensions;
import dev.keyless.service.session.CertificateOptions.Identity;
import dev.keyless.service.session.CertificateOptions.Option;
import dev.keyless.service.session.CertificateOptions.Principal;
import dev.keyless.service.session.CertificateOptions.SourceAddress;
import dev.keyless.service.session.CertificateOptions.Validity;
import dev.keyless.service.workload.WorkloadPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateOptionsTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SshPublicKey KEY =
            Ed25519CertificateAuthority.generate(RANDOM).publicKey();
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final SessionStart START = new SessionStart("s-1", -2L, NOW);

    static Stream<Arguments> validities() {
        return Stream.of(
                validity("token ends later: one TTL from now", NOW.plusSeconds(300), NOW.plus(TTL)),
                validity("token ends now: one TTL from now", NOW, NOW.plus(TTL)),
                validity(
                        "token already ended: one TTL past its end",
                        NOW.minusSeconds(120),
                        NOW.minusSeconds(120).plus(TTL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validities")
    void validityIsBackdatedAndEndsNoLaterThanOneTtlPastTheAccessToken(
            String name, Instant tokenExpiresAt, Instant validBefore) {
        Validity validity = Validity.forSession(NOW, tokenExpiresAt, TTL);

        assertThat(validity).isEqualTo(new Validity(NOW.minusSeconds(30), validBefore));
        SshCertificate certificate = apply(validity);
        assertThat(certificate.validAfter()).isEqualTo(NOW.minusSeconds(30));
        assertThat(certificate.validBefore()).isEqualTo(validBefore);
    }

    static Stream<Arguments> identities() {
        return Stream.of(
                Arguments.of("with the CI run", "13245678901", "keyless:acme:deployer:s-1:13245678901"),
                Arguments.of("without a run", null, "keyless:acme:deployer:s-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identities")
    void identityNamesTeamRoleSessionAndRun(String name, String runId, String keyId) {
        Identity identity = Identity.forSession(principal(runId), START);

        assertThat(identity.keyId()).isEqualTo(keyId);
        assertThat(identity.serialText()).isEqualTo("18446744073709551614");
        SshCertificate certificate = apply(identity);
        assertThat(certificate.serial()).isEqualTo(-2L);
        assertThat(certificate.keyId()).isEqualTo(keyId);
    }

    @Test
    void principalIsTheRolesUnixAccountOnly() {
        Principal principal = Principal.forRole("deployer");

        assertThat(principal.name()).isEqualTo("wl_deployer");
        assertThat(apply(principal).principals()).containsExactly("wl_deployer");
    }

    @Test
    void principalRefusesARoleThatIsNoName() {
        assertThatThrownBy(() -> Principal.forRole("../root")).isInstanceOf(InvalidNameException.class);
    }

    static Stream<Arguments> sourceAddresses() {
        return Stream.of(
                Arguments.of("none: unrestricted, no critical option", List.of(), Map.of()),
                Arguments.of("one", List.of("10.0.0.0/8"), Map.of("source-address", "10.0.0.0/8")),
                Arguments.of(
                        "several, joined by commas in order",
                        List.of("10.0.0.0/8", "192.0.2.7"),
                        Map.of("source-address", "10.0.0.0/8,192.0.2.7")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceAddresses")
    void sourceAddressIsACriticalOptionOnlyWhenTheDecisionRestricts(
            String name, List<String> addresses, Map<String, String> criticalOptions) {
        assertThat(apply(new SourceAddress(addresses)).criticalOptions()).isEqualTo(criticalOptions);
    }

    static Stream<Arguments> extensions() {
        return Stream.of(
                Arguments.of("none", List.of(), Map.of()),
                Arguments.of("permit-pty", List.of("permit-pty"), Map.of("permit-pty", "")),
                Arguments.of(
                        "several flags",
                        List.of("permit-agent-forwarding", "permit-pty"),
                        Map.of("permit-agent-forwarding", "", "permit-pty", "")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("extensions")
    void extensionsAreFlags(String name, List<String> names, Map<String, String> extensions) {
        assertThat(apply(new Extensions(names)).extensions()).isEqualTo(extensions);
    }

    @Test
    void decideTakesEachOptionFromTheTokenAndTheDecision() {
        CertificateOptions options = CertificateOptions.decide(principal("7"), decision(), START);

        assertThat(options)
                .isEqualTo(new CertificateOptions(
                        new Identity(-2L, "keyless:acme:deployer:s-1:7"),
                        new Principal("wl_deployer"),
                        new Validity(NOW.minusSeconds(30), NOW.plus(TTL)),
                        new Extensions(List.of("permit-pty")),
                        new SourceAddress(List.of("10.0.0.0/8"))));
        SshCertificate certificate = options.certificate(KEY, RANDOM).build();
        assertThat(certificate.principals()).containsExactly("wl_deployer");
        assertThat(certificate.criticalOptions()).containsExactly(Map.entry("source-address", "10.0.0.0/8"));
        assertThat(certificate.extensions()).containsExactly(Map.entry("permit-pty", ""));
    }

    @Test
    void certificateIsValidatedBeforeAnythingIsReservedOrSigned() {
        CertificateOptions broken = new CertificateOptions(
                new Identity(1, "k"),
                new Principal("wl_deployer"),
                new Validity(NOW, NOW),
                new Extensions(List.of()),
                new SourceAddress(List.of()));

        assertThatThrownBy(() -> broken.certificate(KEY, RANDOM))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("validBefore must be after validAfter");
    }

    /** {@code option} on a certificate whose other options are plain defaults. */
    private static SshCertificate apply(Option option) {
        List<Option> defaults = List.of(
                new Identity(1, "k"),
                new Principal("wl_default"),
                new Validity(NOW, NOW.plus(TTL)),
                new Extensions(List.of()),
                new SourceAddress(List.of()));
        SshCertificateBuilder builder =
                SshCertificateBuilder.userCertificate(KEY).random(RANDOM);
        defaults.stream().filter(d -> d.getClass() != option.getClass()).forEach(d -> d.applyTo(builder));
        option.applyTo(builder);
        return builder.build();
    }

    private static Arguments validity(String name, Instant tokenExpiresAt, Instant validBefore) {
        return Arguments.of(name, tokenExpiresAt, validBefore);
    }

    private static WorkloadPrincipal principal(String runId) {
        return new WorkloadPrincipal("acme", "github", "deployer", "repo:acme", "tok-1", runId, NOW, 1);
    }

    private static AccessDecision decision() {
        return new AccessDecision(
                true,
                List.of("deploy"),
                List.of(),
                TTL,
                Duration.ofMinutes(5),
                null,
                List.of("permit-pty"),
                List.of("10.0.0.0/8"));
    }
}
