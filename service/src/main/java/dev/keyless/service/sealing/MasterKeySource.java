package dev.keyless.service.sealing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Supplies the 256-bit master key of {@link SecretBox}. From {@value #ENV} (base64 of 32 bytes)
 * when that is set, as in containers and multi-replica setups; otherwise from {@value #FILE_NAME}
 * in the data directory, created on first start with mode 0600. A key file readable or writable by
 * group or others is refused: whoever can read it can decrypt every CA key. {@value #FILE_ENV}
 * names a key file elsewhere instead (a systemd credential, {@code LoadCredential=}, or a
 * mounted secret), under the same mode rule; it is never created, and setting it together with
 * {@value #ENV} is refused, since which of two keys wins would be a guess.
 *
 * <p>During a master-key rotation the key of before is given too, from {@value #PREVIOUS_ENV} or
 * {@value #PREVIOUS_FILE_NAME} (same rules): it only opens what is still sealed under it, until
 * the re-seal has moved everything onto the current key ({@value #PREVIOUS_FILE_ENV} names its file
 * elsewhere).
 */
public final class MasterKeySource {
    public static final String ENV = "KEYLESS_MASTER_KEY";
    public static final String FILE_NAME = "master.key";
    public static final String PREVIOUS_ENV = "KEYLESS_MASTER_KEY_PREVIOUS";
    public static final String PREVIOUS_FILE_NAME = "master.key.previous";
    public static final String FILE_ENV = "KEYLESS_MASTER_KEY_FILE";
    public static final String PREVIOUS_FILE_ENV = "KEYLESS_MASTER_KEY_PREVIOUS_FILE";

    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final Map<String, String> env;
    private final Path dataDir;
    private final SecureRandom random;

    /**
     * @param env the process environment ({@code System.getenv()} in production)
     * @param dataDir the service's data directory
     */
    public MasterKeySource(Map<String, String> env, Path dataDir, SecureRandom random) {
        this.env = Map.copyOf(env);
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The 32-byte master key; a fresh copy the caller may wipe. */
    public byte[] load() {
        String fromEnv = env.get(ENV);
        Path given = given(ENV, FILE_ENV);
        if (fromEnv != null) {
            return decode(fromEnv, ENV);
        }
        if (given != null) {
            return readGiven(given, FILE_ENV);
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                create(file);
            }
            return read(file);
        } catch (IOException e) {
            throw new MasterKeyException("cannot read or create the master key file " + file, e);
        }
    }

    /** The 32-byte previous key of a rotation under way, or null; a fresh copy the caller may wipe. */
    public byte[] loadPrevious() {
        String fromEnv = env.get(PREVIOUS_ENV);
        Path given = given(PREVIOUS_ENV, PREVIOUS_FILE_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return decode(fromEnv, PREVIOUS_ENV);
        }
        if (given != null) {
            return readGiven(given, PREVIOUS_FILE_ENV);
        }
        Path file = dataDir.resolve(PREVIOUS_FILE_NAME);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw new MasterKeyException("cannot read the previous master key file " + file, e);
        }
    }

    /** A {@link SecretBox} under the loaded key, and the previous key if one is given (and differs). */
    public SecretBox secretBox() {
        byte[] key = load();
        byte[] previous = loadPrevious();
        try {
            return new SecretBox(key, previous == null || Arrays.equals(key, previous) ? null : previous, random);
        } finally {
            Arrays.fill(key, (byte) 0);
            if (previous != null) {
                Arrays.fill(previous, (byte) 0);
            }
        }
    }

    /** The key file {@code fileVariable} names, or null; refused when {@code valueVariable} is set too. */
    private Path given(String valueVariable, String fileVariable) {
        String name = env.get(fileVariable);
        if (name == null || name.isBlank()) {
            return null;
        }
        String value = env.get(valueVariable);
        if (value != null && !value.isBlank()) {
            throw new MasterKeyException(
                    "both " + valueVariable + " and " + fileVariable + " are set; set one of them, not both");
        }
        return Path.of(name.strip());
    }

    private byte[] readGiven(Path file, String variable) {
        if (!Files.isRegularFile(file)) {
            throw new MasterKeyException(variable + " names " + file
                    + ", which is not a readable file (is the credential or secret mounted?)");
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw new MasterKeyException("cannot read the master key file " + file + " (" + variable + ")", e);
        }
    }

    private byte[] read(Path file) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new MasterKeyException("master key file " + file + " has mode " + octal(mode)
                    + "; it must not be accessible to group or others (chmod 600 " + file + ")");
        }
        return decode(Files.readString(file, StandardCharsets.US_ASCII).strip(), "master key file " + file);
    }

    /**
     * Writes a new key to a temporary file created with mode 0600 (never briefly wider), then links
     * it into place. A hard link, unlike a rename, fails when the target exists, so two processes
     * starting at once cannot each keep a different key: the loser reads the winner's file.
     */
    private void create(Path file) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(
                    dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        byte[] key = new byte[SecretBox.KEY_SIZE];
        random.nextBytes(key);
        Path tmp =
                Files.createTempFile(dataDir, ".master.key.", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(
                        StandardCharsets.US_ASCII.encode(Base64.getEncoder().encodeToString(key) + "\n"));
                channel.force(true);
            }
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            // Another process won the race; its key is the one to use.
        } finally {
            Files.deleteIfExists(tmp);
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] decode(String base64, String source) {
        if (base64.isEmpty()) {
            throw new MasterKeyException(source + " is empty; it must hold base64 of 32 random bytes");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new MasterKeyException(source + " is not valid base64; it must hold base64 of 32 random bytes");
        }
        if (key.length != SecretBox.KEY_SIZE) {
            throw new MasterKeyException(source + " must hold base64 of exactly 32 bytes, not " + key.length);
        }
        return key;
    }

    @SuppressWarnings("EnumOrdinal") // PosixFilePermission is declared in mode-bit order, owner read first
    private static String octal(Set<PosixFilePermission> mode) {
        int bits = 0;
        for (PosixFilePermission p : mode) {
            bits |= 1 << (8 - p.ordinal());
        }
        return String.format("0%03o", bits);
    }
}
