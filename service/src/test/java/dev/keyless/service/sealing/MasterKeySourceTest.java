package dev.keyless.service.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MasterKeySourceTest {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    @TempDir
    Path dir;

    @Test
    void environmentWinsAndNoFileIsCreated() {
        Map<String, String> env =
                Map.of("KEYLESS_MASTER_KEY", Base64.getEncoder().encodeToString(KEY));
        assertThat(source(env).load()).isEqualTo(KEY);
        assertThat(dir.resolve("master.key")).doesNotExist();
    }

    static Stream<Arguments> badEnvironmentValues() {
        return Stream.of(
                Arguments.of("empty", "", "KEYLESS_MASTER_KEY is empty; it must hold base64 of 32 random bytes"),
                Arguments.of(
                        "not base64",
                        "not*base64!",
                        "KEYLESS_MASTER_KEY is not valid base64; it must hold base64 of 32 random bytes"),
                Arguments.of(
                        "16 bytes",
                        Base64.getEncoder().encodeToString(new byte[16]),
                        "KEYLESS_MASTER_KEY must hold base64 of exactly 32 bytes, not 16"),
                Arguments.of(
                        "33 bytes",
                        Base64.getEncoder().encodeToString(new byte[33]),
                        "KEYLESS_MASTER_KEY must hold base64 of exactly 32 bytes, not 33"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void badEnvironmentValues(String name, String value, String message) {
        assertThatThrownBy(() -> source(Map.of("KEYLESS_MASTER_KEY", value)).load())
                .isInstanceOf(MasterKeyException.class)
                .hasMessage(message)
                .satisfies(e -> {
                    if (!value.isEmpty()) {
                        assertThat(e.getMessage()).doesNotContain(value);
                    }
                });
    }

    @Test
    void createsKeyFileWithMode0600AndReusesIt() throws Exception {
        Path data = dir.resolve("data");
        byte[] first = new MasterKeySource(Map.of(), data, new SecureRandom()).load();
        Path file = data.resolve("master.key");
        assertThat(first).hasSize(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).isEqualTo(first);
        assertThat(new MasterKeySource(Map.of(), data, new SecureRandom()).load())
                .isEqualTo(first);
        try (Stream<Path> files = Files.list(data)) {
            assertThat(files).containsExactly(file);
        }
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"rw-r-----", "rw----r--", "rw-rw-rw-", "rw-----w-", "rw---x---"})
    void refusesKeyFileOpenToOthers(String mode) throws Exception {
        Path file = writeKeyFile(mode);
        String octal = String.format(
                "0%o",
                Integer.parseInt(
                        mode.replace('r', '1')
                                .replace('w', '1')
                                .replace('x', '1')
                                .replace('-', '0'),
                        2));
        assertThatThrownBy(() -> source(Map.of()).load())
                .isInstanceOf(MasterKeyException.class)
                .hasMessage("master key file " + file + " has mode " + octal
                        + "; it must not be accessible to group or others (chmod 600 " + file + ")");
    }

    @ParameterizedTest(name = "mode {0}")
    @ValueSource(strings = {"rw-------", "r--------"})
    void acceptsOwnerOnlyKeyFile(String mode) throws Exception {
        writeKeyFile(mode);
        assertThat(source(Map.of()).load()).isEqualTo(KEY);
    }

    @Test
    void refusesKeyFileOfWrongLengthWithoutEchoingIt() throws Exception {
        Path file = dir.resolve("master.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(new byte[31]) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> source(Map.of()).load())
                .hasMessage("master key file " + file + " must hold base64 of exactly 32 bytes, not 31");
    }

    @Test
    void secretBoxUsesTheLoadedKey() {
        Map<String, String> env =
                Map.of("KEYLESS_MASTER_KEY", Base64.getEncoder().encodeToString(KEY));
        String sealed = source(env).secretBox().seal(new byte[] {1, 2, 3}, "ca:user:default");
        assertThat(new SecretBox(KEY).open(sealed, "ca:user:default")).containsExactly(1, 2, 3);
    }

    @Test
    void thePreviousKeyComesFromTheEnvironmentOrItsFileAndOnlyOpens() throws Exception {
        byte[] previous = new byte[32];
        new SecureRandom().nextBytes(previous);
        String underPrevious = new SecretBox(previous).seal(new byte[] {4, 5, 6}, "aad");
        String current = Base64.getEncoder().encodeToString(KEY);
        assertThat(source(Map.of("KEYLESS_MASTER_KEY", current)).loadPrevious()).isNull();
        assertThat(source(Map.of("KEYLESS_MASTER_KEY", current)).secretBox().hasPreviousKey())
                .isFalse();

        SecretBox fromEnv = source(Map.of(
                        "KEYLESS_MASTER_KEY",
                        current,
                        "KEYLESS_MASTER_KEY_PREVIOUS",
                        Base64.getEncoder().encodeToString(previous)))
                .secretBox();
        assertThat(fromEnv.open(underPrevious, "aad")).containsExactly(4, 5, 6);
        assertThat(new SecretBox(KEY).open(fromEnv.seal(new byte[] {7}, "aad"), "aad"))
                .containsExactly(7);

        Path file = dir.resolve("master.key.previous");
        Files.writeString(file, Base64.getEncoder().encodeToString(previous) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> source(Map.of("KEYLESS_MASTER_KEY", current)).secretBox())
                .hasMessageContaining("master key file " + file + " has mode 0644");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SecretBox fromFile = source(Map.of("KEYLESS_MASTER_KEY", current)).secretBox();
        assertThat(fromFile.hasPreviousKey()).isTrue();
        assertThat(fromFile.open(underPrevious, "aad")).containsExactly(4, 5, 6);
    }

    @Test
    void aPreviousKeyEqualToTheCurrentOneIsNoRotation() throws Exception {
        writeKeyFile("rw-------");
        Files.createLink(dir.resolve("master.key.previous"), dir.resolve("master.key"));
        assertThat(source(Map.of()).secretBox().hasPreviousKey()).isFalse();
    }

    @Test
    void keyFileElsewhereIsReadUnderTheSameModeRuleAndNeverCreated() throws Exception {
        // As systemd hands a LoadCredential= file over: read-only for the service's user.
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Path file = credentials.resolve("master-key");
        Files.writeString(file, Base64.getEncoder().encodeToString(KEY) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(source(Map.of("KEYLESS_MASTER_KEY_FILE", file.toString())).load())
                .isEqualTo(KEY);
        assertThat(dir.resolve("master.key")).doesNotExist();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> source(Map.of("KEYLESS_MASTER_KEY_FILE", file.toString()))
                        .load())
                .isInstanceOf(MasterKeyException.class)
                .hasMessageContaining("master key file " + file + " has mode 0644");

        Path missing = credentials.resolve("absent");
        assertThatThrownBy(() -> source(Map.of("KEYLESS_MASTER_KEY_FILE", missing.toString()))
                        .load())
                .isInstanceOf(MasterKeyException.class)
                .hasMessage("KEYLESS_MASTER_KEY_FILE names " + missing
                        + ", which is not a readable file (is the credential or secret mounted?)");
        assertThat(missing).doesNotExist();
        assertThat(dir.resolve("master.key")).doesNotExist();
    }

    @Test
    void aKeyAndAKeyFileTogetherAreRefusedWithoutEchoingTheKey() throws Exception {
        Path file = dir.resolve("elsewhere.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(KEY) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String value = Base64.getEncoder().encodeToString(KEY);
        assertThatThrownBy(() -> source(Map.of("KEYLESS_MASTER_KEY", value, "KEYLESS_MASTER_KEY_FILE", file.toString()))
                        .load())
                .isInstanceOf(MasterKeyException.class)
                .hasMessage("both KEYLESS_MASTER_KEY and KEYLESS_MASTER_KEY_FILE are set; set one of them, not both")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(value));
        assertThatThrownBy(() -> source(Map.of(
                                "KEYLESS_MASTER_KEY",
                                value,
                                "KEYLESS_MASTER_KEY_PREVIOUS",
                                value,
                                "KEYLESS_MASTER_KEY_PREVIOUS_FILE",
                                file.toString()))
                        .secretBox())
                .hasMessage("both KEYLESS_MASTER_KEY_PREVIOUS and KEYLESS_MASTER_KEY_PREVIOUS_FILE are set;"
                        + " set one of them, not both");
    }

    @Test
    void thePreviousKeyFileElsewhereOpensWhatIsStillSealedUnderIt() throws Exception {
        byte[] previous = new byte[32];
        new SecureRandom().nextBytes(previous);
        String underPrevious = new SecretBox(previous).seal(new byte[] {8, 9}, "aad");
        Path current = dir.resolve("current.key");
        Path old = dir.resolve("previous.key");
        Files.writeString(current, Base64.getEncoder().encodeToString(KEY) + "\n");
        Files.writeString(old, Base64.getEncoder().encodeToString(previous) + "\n");
        Files.setPosixFilePermissions(current, PosixFilePermissions.fromString("r--------"));
        Files.setPosixFilePermissions(old, PosixFilePermissions.fromString("r--------"));
        SecretBox box = source(Map.of(
                        "KEYLESS_MASTER_KEY_FILE", current.toString(),
                        "KEYLESS_MASTER_KEY_PREVIOUS_FILE", old.toString()))
                .secretBox();
        assertThat(box.hasPreviousKey()).isTrue();
        assertThat(box.open(underPrevious, "aad")).containsExactly(8, 9);
        assertThat(new SecretBox(KEY).open(box.seal(new byte[] {1}, "aad"), "aad"))
                .containsExactly(1);
    }

    private MasterKeySource source(Map<String, String> env) {
        return new MasterKeySource(env, dir, new SecureRandom());
    }

    private Path writeKeyFile(String mode) throws Exception {
        Path file = dir.resolve("master.key");
        Files.writeString(file, Base64.getEncoder().encodeToString(KEY) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
