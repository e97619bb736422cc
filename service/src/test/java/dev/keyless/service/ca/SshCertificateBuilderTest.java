package dev.keyless.service.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SshCertificateBuilderTest {
    private static final Ed25519CertificateAuthority CA = Ed25519CertificateAuthority.generate(new SecureRandom());
    private static final SshPublicKey SUBJECT =
            Ed25519CertificateAuthority.generate(new SecureRandom()).publicKey();
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

    static Stream<Arguments> brokenBuilders() {
        return Stream.of(
                broken(
                        "serial missing",
                        b -> SshCertificateBuilder.userCertificate(SUBJECT)
                                .principal("p")
                                .validity(START, Duration.ofMinutes(5)),
                        "serial is not set"),
                broken(
                        "user certificate without principal",
                        b -> b.serial(1).validity(START, Duration.ofMinutes(5)),
                        "user certificates need a principal"),
                broken(
                        "validBefore equal to validAfter",
                        b -> b.serial(1).principal("p").validity(START, Duration.ZERO),
                        "validBefore must be after validAfter"),
                broken(
                        "principal with comma",
                        b -> b.serial(1).principal("a,b").validity(START, Duration.ofMinutes(5)),
                        "invalid principal"),
                broken("validity missing", b -> b.serial(1).principal("p"), "validity is not set"),
                broken(
                        "host certificate with extension",
                        b -> SshCertificateBuilder.hostCertificate(SUBJECT)
                                .serial(1)
                                .validity(START, Duration.ofDays(1))
                                .extension(SshCertificateBuilder.PERMIT_PTY),
                        "host certificates carry no critical options or extensions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBuilders")
    void validateRejectsBrokenCertificateWithFixedMessage(
            String name, UnaryOperator<SshCertificateBuilder> setup, String message) {
        SshCertificateBuilder builder = setup.apply(SshCertificateBuilder.userCertificate(SUBJECT));

        assertThatThrownBy(builder::validate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(message);
    }

    @Test
    void buildDrawsFreshThirtyTwoByteNonceEachTime() {
        SshCertificateBuilder builder = SshCertificateBuilder.userCertificate(SUBJECT)
                .serial(1)
                .principal("p")
                .validity(START, Duration.ofMinutes(5));

        assertThat(builder.build().nonce())
                .hasSize(32)
                .isNotEqualTo(builder.build().nonce());
    }

    @Test
    void caRestoredFromSeedHasSamePublicKeyAndSignsIdentically() {
        Ed25519CertificateAuthority restored = Ed25519CertificateAuthority.fromSeed(CA.seed());
        SshCertificate certificate = SshCertificateBuilder.userCertificate(SUBJECT)
                .serial(1)
                .principal("p")
                .validity(START, Duration.ofMinutes(5))
                .nonce(new byte[32])
                .build();

        assertThat(restored.publicKey()).isEqualTo(CA.publicKey());
        // Ed25519 is deterministic, so equal keys give byte-identical certificates.
        assertThat(restored.sign(certificate).blob())
                .isEqualTo(CA.sign(certificate).blob());
        assertThat(CA.toString())
                .isEqualTo("Ed25519CertificateAuthority[" + CA.publicKey().fingerprintSha256() + "]");
    }

    private static Arguments broken(String name, UnaryOperator<SshCertificateBuilder> setup, String message) {
        return Arguments.of(name, setup, message);
    }
}
