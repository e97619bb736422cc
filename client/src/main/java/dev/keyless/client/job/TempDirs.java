package dev.keyless.client.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The job's private directory: created 0700, deleted recursively. */
final class TempDirs {
    /**
     * The longest agent socket path to create: {@code sun_path} holds 108 bytes on Linux and 104 on
     * macOS, terminator included. Self-hosted runners' work directories easily exceed it.
     */
    static final int MAX_SOCKET_PATH = 100;

    /** The worst case of what the job's directory adds: {@code /keyless-<random long>/agent.sock}. */
    private static final int ADDED = "/keyless-".length() + 20 + "/agent.sock".length();

    private TempDirs() {}

    /**
     * A private directory under {@code root} (else {@code java.io.tmpdir}); when the agent socket
     * in it could exceed {@link #MAX_SOCKET_PATH} bytes, under {@code java.io.tmpdir} or {@code /tmp}
     * instead, the directory being private (0700) wherever it is.
     */
    static Path create(Path root) {
        try {
            Path base = base(root);
            return Files.createTempDirectory(
                    base,
                    "keyless-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the job's private directory", e);
        }
    }

    static Path base(Path root) {
        List<Path> candidates = new java.util.ArrayList<>();
        if (root != null) {
            candidates.add(root);
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir")));
        candidates.add(Path.of("/tmp"));
        for (Path candidate : candidates) {
            String absolute = candidate.toAbsolutePath().toString();
            if (absolute.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + ADDED <= MAX_SOCKET_PATH
                    && Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return candidates.get(0);
    }

    static void delete(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
