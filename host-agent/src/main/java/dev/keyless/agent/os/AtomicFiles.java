package dev.keyless.agent.os;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * Writes files atomically with an exact mode: a hidden temporary file in the same directory
 * (created with the final mode, so the content is never readable more widely), fsync, then a
 * rename over the target. Files are owned by the agent's user (root in production). Stateless.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes {@code content} to {@code target} with {@code mode} such as {@code rw-------}. */
    public static void write(Path target, byte[] content, String mode) {
        Path temporary = temporaryFor(target);
        try {
            writeNew(temporary, content, mode);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new UncheckedIOException("could not write " + target, e);
        }
    }

    /** A hidden sibling name; sudo ignores names with a dot, sshd's Include globs skip it too. */
    public static Path temporaryFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Creates {@code path} (which must not exist) with {@code mode}, writes and syncs it. */
    public static void writeNew(Path path, byte[] content, String mode) throws IOException {
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        // createFile is subject to the umask; set the mode again so it is exact.
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(content));
            channel.force(true);
        }
    }

    /** Creates a directory (and parents) and sets its exact mode. */
    public static Path directory(Path directory, String mode) {
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(mode));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + directory, e);
        }
    }

    public static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary file is never read by sudo or sshd
        }
    }
}
