package dev.keyless.service.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.ssh.SshWireReader;
import dev.keyless.protocol.ssh.SshWireWriter;
import dev.keyless.service.ca.PublicKeyRejectedException.Reason;
import dev.keyless.testkit.SshKeygen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SshPublicKeysTest {
    @TempDir
    static Path keys;

    private static String ed25519;
    private static String rsa2048;
    private static String ecdsa256;
    private static String certificate;
    private static String privateKey;

    @BeforeAll
    static void generateKeys() throws IOException {
        Path ed = SshKeygen.generate(keys, "ed", "ed25519", 0, "job@ci");
        ed25519 = read(pub(ed));
        rsa2048 = read(pub(SshKeygen.generate(keys, "rsa2048", "rsa", 2048, "old")));
        ecdsa256 = read(pub(SshKeygen.generate(keys, "p256", "ecdsa", 256, "p256")));
        privateKey = read(ed);
        Path ca = SshKeygen.generate(keys, "ca", "ed25519", 0, "ca");
        dev.keyless.testkit.Commands.runChecked(
                List.of("ssh-keygen", "-q", "-s", ca.toString(), "-I", "id", "-n", "someone", pub(ed).toString()));
        certificate = read(keys.resolve("ed-cert.pub"));
    }

    static Stream<Arguments> acceptedKeys() {
        return Stream.of(
                Arguments.of("ed25519", "ed25519", 0, "ssh-ed25519"),
                Arguments.of("ecdsa nistp256", "ecdsa", 256, "ecdsa-sha2-nistp256"),
                Arguments.of("ecdsa nistp384", "ecdsa", 384, "ecdsa-sha2-nistp384"),
                Arguments.of("ecdsa nistp521", "ecdsa", 521, "ecdsa-sha2-nistp521"),
                Arguments.of("rsa 3072", "rsa", 3072, "ssh-rsa"),
                Arguments.of("rsa 4096", "rsa", 4096, "ssh-rsa"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedKeys")
    void acceptsSupportedKeyAndFingerprintsItLikeSshKeygen(String name, String type, int bits, String keyType)
            throws IOException {
        Path key = SshKeygen.generate(keys, "accept-" + type + bits, type, bits, "comment with spaces");
        String line = read(pub(key));

        SshPublicKey parsed = SshPublicKeys.parse(line);

        assertThat(parsed.keyType()).isEqualTo(keyType);
        assertThat(parsed.comment()).isEqualTo("comment with spaces");
        assertThat(parsed.fingerprintSha256()).isEqualTo(SshKeygen.fingerprint(pub(key)));
        assertThat(parsed.toLine()).isEqualTo(line.strip());
        assertThat(SshPublicKeys.fromBlob(parsed.blob(), "")).isEqualTo(parsed.withComment(""));
    }

    static Stream<Arguments> rejectedInputs() {
        return Stream.of(
                rejected("rsa 2048", () -> rsa2048, Reason.WEAK, "RSA keys shorter than 3072 bits are not accepted"),
                rejected("empty", () -> "  \n", Reason.INVALID, "public key line is empty"),
                rejected(
                        "garbage",
                        () -> "hello",
                        Reason.INVALID,
                        "public key line is not in the form: type base64 [comment]"),
                rejected(
                        "private key pasted",
                        () -> privateKey,
                        Reason.INVALID,
                        "public key input has more than one line"),
                rejected(
                        "truncated base64",
                        () -> ed25519.substring(0, 12 + 41),
                        Reason.INVALID,
                        "public key is not valid base64"),
                rejected(
                        "truncated key blob",
                        () -> ed25519.substring(0, 12 + 40),
                        Reason.INVALID,
                        "public key blob is malformed: string length exceeds the remaining data"),
                rejected(
                        "trailing junk inside blob",
                        () -> "ssh-ed25519 " + base64(concat(blob(ed25519), new byte[] {0, 0, 0, 0})),
                        Reason.INVALID,
                        "public key blob is malformed: trailing data after the last field"),
                rejected(
                        "type differs from blob",
                        () -> "ssh-rsa " + ed25519.split(" ", -1)[1],
                        Reason.INVALID,
                        "key type in the line does not match the key type in the key blob"),
                rejected(
                        "ecdsa curve differs from type",
                        () -> "ecdsa-sha2-nistp384 "
                                + base64(ecdsaBlob("ecdsa-sha2-nistp384", "nistp256", point(false))),
                        Reason.INVALID,
                        "ECDSA curve name does not match the key type"),
                rejected(
                        "ecdsa point off the curve",
                        () -> "ecdsa-sha2-nistp256 "
                                + base64(ecdsaBlob("ecdsa-sha2-nistp256", "nistp256", point(true))),
                        Reason.INVALID,
                        "ECDSA public key is not on the curve"),
                rejected(
                        "certificate",
                        () -> certificate,
                        Reason.INVALID,
                        "certificates are not accepted as public keys"),
                rejected(
                        "two lines",
                        () -> ed25519 + ecdsa256,
                        Reason.INVALID,
                        "public key input has more than one line"),
                rejected(
                        "authorized_keys options",
                        () -> "from=\"10.0.0.0/8\" " + ed25519,
                        Reason.INVALID,
                        "public key line is not in the form: type base64 [comment]"),
                rejected(
                        "security key type",
                        () -> "sk-ssh-ed25519@openssh.com " + ed25519.split(" ", -1)[1],
                        Reason.INVALID,
                        "unsupported key type"),
                rejected(
                        "control character in comment",
                        () -> ed25519.strip() + "\u0007bell",
                        Reason.INVALID,
                        "public key comment contains control characters"),
                rejected(
                        "20 KiB input",
                        () -> "ssh-ed25519 " + "A".repeat(20 * 1024),
                        Reason.INVALID,
                        "public key line exceeds 16 KiB"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedInputs")
    void rejectsUnacceptableInputWithFixedMessage(String name, Supplier<String> input, Reason reason, String message) {
        assertThatThrownBy(() -> SshPublicKeys.parse(input.get()))
                .isInstanceOfSatisfying(PublicKeyRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(reason))
                .hasMessage(message);
    }

    /**
     * The encodings of the eight points of small order (canonical, with the sign bit set, and y = p
     * or p + 1, which are not canonical), as libsodium lists them, and y = 2, for which no x exists.
     * A certificate for such a key would let anyone sign as its holder.
     */
    @ParameterizedTest
    @MethodSource("smallOrderAndNonPoints")
    void rejectsEd25519KeysThatAreNotPointsOfPrimeOrder(String hex) {
        byte[] point = java.util.HexFormat.of().parseHex(hex);
        String line = "ssh-ed25519 "
                + base64(new SshWireWriter(64)
                        .writeString("ssh-ed25519")
                        .writeString(point)
                        .toByteArray());

        assertThatThrownBy(() -> SshPublicKeys.parse(line))
                .isInstanceOfSatisfying(PublicKeyRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.INVALID))
                .hasMessage("Ed25519 public key is not a valid curve point");
    }

    static Stream<String> smallOrderAndNonPoints() {
        return Stream.of(
                "0100000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000080",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                "0000000000000000000000000000000000000000000000000000000000000000",
                "0000000000000000000000000000000000000000000000000000000000000080",
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "0200000000000000000000000000000000000000000000000000000000000000");
    }

    @Test
    void rejectsDsaKeyAsWeak() throws IOException {
        Assumptions.assumeTrue(SshKeygen.canGenerate(keys, "dsa", 0), "this ssh-keygen cannot make DSA keys");
        String dsa = read(pub(SshKeygen.generate(keys, "dsa", "dsa", 0, "dsa")));

        assertThatThrownBy(() -> SshPublicKeys.parse(dsa))
                .isInstanceOfSatisfying(PublicKeyRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.WEAK))
                .hasMessage("DSA keys are not accepted");
    }

    @Test
    void ignoresSurroundingWhitespaceAndMissingComment() {
        String bare = String.join(" ", List.of(ed25519.split(" ")).subList(0, 2));

        SshPublicKey parsed = SshPublicKeys.parse("  " + bare + "\n");

        assertThat(parsed.comment()).isEmpty();
        assertThat(parsed.toLine()).isEqualTo(bare);
    }

    private static Arguments rejected(String name, Supplier<String> input, Reason reason, String message) {
        return Arguments.of(name, input, reason, message);
    }

    private static byte[] ecdsaBlob(String type, String curve, byte[] point) {
        return new SshWireWriter(256)
                .writeString(type)
                .writeString(curve)
                .writeString(point)
                .toByteArray();
    }

    /** The nistp256 point of the test key, optionally with its last byte flipped to leave the curve. */
    private static byte[] point(boolean corrupt) {
        SshWireReader reader = new SshWireReader(blob(ecdsa256));
        reader.readString();
        reader.readString();
        byte[] point = reader.readString();
        if (corrupt) {
            point[point.length - 1] ^= 1;
        }
        return point;
    }

    private static byte[] blob(String line) {
        return Base64.getDecoder().decode(line.split(" ", -1)[1]);
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = new byte[a.length + b.length];
        System.arraycopy(a, 0, result, 0, a.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static Path pub(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }

    private static String read(Path path) throws IOException {
        return Files.readString(path);
    }
}
