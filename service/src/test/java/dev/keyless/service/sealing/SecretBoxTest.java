package dev.keyless.service.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SecretBoxTest {
    private static final String CANNOT_OPEN =
            "sealed secret cannot be opened: wrong master key, wrong associated data, or the value was altered";
    private static final byte[] SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- ca key".getBytes(StandardCharsets.UTF_8);
    private static final SecretBox BOX = new SecretBox(key(), new SecureRandom());

    @ParameterizedTest(name = "{0} bytes")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 32, 4096})
    void roundTrip(int size) {
        byte[] plaintext = new byte[size];
        new SecureRandom().nextBytes(plaintext);
        String sealed = BOX.seal(plaintext, "ca:user:default");
        assertThat(BOX.open(sealed, "ca:user:default")).isEqualTo(plaintext);
        assertThat(Base64.getDecoder().decode(sealed))
                .hasSize(1 + 12 + size + 16)
                .startsWith((byte) 1);
    }

    @Test
    void freshNonceEverySeal() {
        assertThat(BOX.seal(SECRET, "a")).isNotEqualTo(BOX.seal(SECRET, "a"));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                refuse("wrong associated data (row swapped)", s -> s, "ca:host:default", CANNOT_OPEN),
                refuse("ciphertext bit flipped", s -> flip(s, 20), "ca:user:default", CANNOT_OPEN),
                refuse("nonce bit flipped", s -> flip(s, 3), "ca:user:default", CANNOT_OPEN),
                refuse(
                        "tag bit flipped",
                        s -> flip(s, Base64.getDecoder().decode(s).length - 1),
                        "ca:user:default",
                        CANNOT_OPEN),
                refuse("truncated", s -> reencode(s, 28), "ca:user:default", "sealed secret is too short"),
                refuse(
                        "unknown version",
                        s -> setVersion(s, 2),
                        "ca:user:default",
                        "sealed secret has an unsupported format version"),
                refuse("not base64", s -> "%%%" + s, "ca:user:default", "sealed secret is not valid base64"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refusals(String name, UnaryOperator<String> change, String associatedData, String message) {
        String sealed = change.apply(BOX.seal(SECRET, "ca:user:default"));
        assertThatThrownBy(() -> BOX.open(sealed, associatedData))
                .isInstanceOf(SecretBoxException.class)
                .hasMessage(message);
    }

    @Test
    void wrongKeyCannotOpen() {
        String sealed = BOX.seal(SECRET, "ca:user:default");
        assertThatThrownBy(() -> new SecretBox(key()).open(sealed, "ca:user:default"))
                .isInstanceOf(SecretBoxException.class)
                .hasMessage(CANNOT_OPEN);
    }

    @Test
    void refusesShortKeys() {
        assertThatThrownBy(() -> new SecretBox(new byte[16])).hasMessage("the master key must be exactly 32 bytes");
    }

    private static Arguments refuse(String name, UnaryOperator<String> change, String aad, String message) {
        return Arguments.of(name, change, aad, message);
    }

    private static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String flip(String sealed, int index) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[index] ^= 0x01;
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String reencode(String sealed, int length) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, length));
    }

    private static String setVersion(String sealed, int version) {
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[0] = (byte) version;
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Test
    void duringARotationEitherKeyOpensAndOnlyTheCurrentOneSeals() {
        byte[] oldKey = key();
        byte[] newKey = key();
        SecretBox old = new SecretBox(oldKey, new SecureRandom());
        SecretBox rotating = new SecretBox(newKey, oldKey, new SecureRandom());
        SecretBox next = new SecretBox(newKey, new SecureRandom());
        String underOld = old.seal(SECRET, "ca:user:default");
        assertThat(rotating.hasPreviousKey()).isTrue();
        assertThat(next.hasPreviousKey()).isFalse();
        assertThat(rotating.open(underOld, "ca:user:default")).isEqualTo(SECRET);
        String sealedNow = rotating.seal(SECRET, "ca:user:default");
        assertThat(next.open(sealedNow, "ca:user:default")).isEqualTo(SECRET);
        assertThatThrownBy(() -> old.open(sealedNow, "ca:user:default")).hasMessage(CANNOT_OPEN);
    }

    @Test
    void resealMovesAValueOntoTheCurrentKeyOnce() {
        byte[] oldKey = key();
        byte[] newKey = key();
        SecretBox rotating = new SecretBox(newKey, oldKey, new SecureRandom());
        String underOld = new SecretBox(oldKey, new SecureRandom()).seal(SECRET, "aad");
        String moved = rotating.reseal(underOld, "aad");
        assertThat(new SecretBox(newKey, new SecureRandom()).open(moved, "aad")).isEqualTo(SECRET);
        assertThat(rotating.reseal(moved, "aad"))
                .as("already under the current key")
                .isNull();
        assertThatThrownBy(() -> rotating.reseal(underOld, "other aad")).hasMessage(CANNOT_OPEN);
        String underNeither = BOX.seal(SECRET, "aad");
        assertThatThrownBy(() -> rotating.reseal(underNeither, "aad")).hasMessage(CANNOT_OPEN);
        assertThatThrownBy(() -> new SecretBox(newKey, new SecureRandom()).reseal(underOld, "aad"))
                .as("without the previous key an old value cannot move")
                .hasMessage(CANNOT_OPEN);
    }
}
