package dev.keyless.service.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.service.sealing.SecretBox;
import dev.keyless.service.sealing.SecretBoxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SecretEnvelopeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SecretCoordinates AT = new SecretCoordinates("acme", "/ci/prod/app", "db", 3);
    private static final byte[] VALUE = "s3cr3t".getBytes(StandardCharsets.UTF_8);

    private static SecretBox box() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return new SecretBox(key, RANDOM);
    }

    @Test
    void opensWhatItSealedAndNeverStoresThePlaintext() {
        SecretEnvelope envelope = new SecretEnvelope(box(), RANDOM);
        SealedValue sealed = envelope.seal(AT, VALUE);
        assertThat(envelope.open(AT, sealed)).isEqualTo(VALUE);
        assertThat(sealed.sealedValue() + sealed.sealedKey()).doesNotContain("s3cr3t");
        assertThat(sealed.toString()).doesNotContain(sealed.sealedKey());
        // A fresh data key per version: the same value seals differently each time.
        assertThat(envelope.seal(AT, VALUE).sealedKey()).isNotEqualTo(sealed.sealedKey());
    }

    static Stream<Named<SecretCoordinates>> elsewhere() {
        return Stream.of(
                Named.of("another team", new SecretCoordinates("other", "/ci/prod/app", "db", 3)),
                Named.of("another folder", new SecretCoordinates("acme", "/ci/prod/app2", "db", 3)),
                Named.of("another name", new SecretCoordinates("acme", "/ci/prod/app", "db2", 3)),
                Named.of("another version", new SecretCoordinates("acme", "/ci/prod/app", "db", 4)),
                Named.of("name moved into folder", new SecretCoordinates("acme", "/ci/prod/app/db", "3", 3)));
    }

    @ParameterizedTest
    @MethodSource("elsewhere")
    void aSealedValueMovedToAnotherRowDoesNotOpen(SecretCoordinates other) {
        SecretEnvelope envelope = new SecretEnvelope(box(), RANDOM);
        SealedValue sealed = envelope.seal(AT, VALUE);
        assertThatThrownBy(() -> envelope.open(other, sealed)).isInstanceOf(SecretBoxException.class);
    }

    @Test
    void aValueUnderAnotherVersionsDataKeyDoesNotOpen() {
        SecretEnvelope envelope = new SecretEnvelope(box(), RANDOM);
        SealedValue one = envelope.seal(AT, VALUE);
        SealedValue two = envelope.seal(AT, VALUE);
        assertThatThrownBy(() -> envelope.open(AT, new SealedValue(one.sealedKey(), two.sealedValue())))
                .isInstanceOf(SecretBoxException.class);
    }

    @Test
    void resealingMovesTheDataKeyToTheNewMasterKeyAndLeavesTheValue() {
        byte[] oldKey = new byte[32];
        byte[] newKey = new byte[32];
        RANDOM.nextBytes(oldKey);
        RANDOM.nextBytes(newKey);
        SecretBox old = new SecretBox(oldKey, RANDOM);
        SecretBox rotating = new SecretBox(newKey, oldKey, RANDOM);
        SecretBox next = new SecretBox(newKey, RANDOM);
        SealedValue sealed = new SecretEnvelope(old, RANDOM).seal(AT, VALUE);
        assertThat(new SecretEnvelope(rotating, RANDOM).open(AT, sealed)).isEqualTo(VALUE);

        String resealed = rotating.reseal(sealed.sealedKey(), AT.keyAad());
        SealedValue moved = new SealedValue(resealed, sealed.sealedValue());
        assertThat(new SecretEnvelope(next, RANDOM).open(AT, moved)).isEqualTo(VALUE);
        assertThatThrownBy(() -> new SecretEnvelope(old, RANDOM).open(AT, moved))
                .isInstanceOf(SecretBoxException.class);
        assertThat(rotating.reseal(resealed, AT.keyAad()))
                .as("already under the new key")
                .isNull();
    }
}
