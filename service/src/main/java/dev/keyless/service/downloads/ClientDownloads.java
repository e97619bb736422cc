package dev.keyless.service.downloads;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the clients and their digests. With {@code keyless.downloads.dir} (environment: {@code
 * KEYLESS_DOWNLOADS_DIR}) set, from that directory; otherwise from the copies bundled into the
 * service jar at build time ({@code classpath:downloads/}). Only the fixed names below are served,
 * so no request path reaches the file system. Digests are computed once per file (per size and
 * modification time in a directory, where an operator may replace a file) and cached; thread-safe.
 */
@Singleton
class ClientDownloads {
    static final MediaType JAR = MediaType.of("application/java-archive");
    static final MediaType DEB = MediaType.of("application/vnd.debian.binary-package");

    private final Path dir;
    private final String version;
    private final Map<String, Cached> digests = new ConcurrentHashMap<>();

    private record Cached(long size, long modified, Download download) {}

    ClientDownloads(@Nullable @Value("${keyless.downloads.dir:}") String dir) {
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir);
        this.version = bundledVersion();
    }

    /** The service's version, which the bundled clients share. */
    String version() {
        return version;
    }

    /** The names this service may serve, in listing order. */
    List<String> names() {
        return List.of("keyless.jar", "keyless-agent.jar", "keyless-agent_" + version + "_all.deb");
    }

    /** The clients present, in {@link #names()} order; empty when none is. */
    List<Download> available() {
        List<Download> present = new ArrayList<>();
        for (String name : names()) {
            find(name).ifPresent(present::add);
        }
        return present;
    }

    /** The client called {@code name}, or a 404 problem that says how to provide the clients. */
    Download get(String name) {
        if (!names().contains(name)) {
            throw new KeylessException(ProblemType.NOT_FOUND, "No such download; GET /downloads/ lists them");
        }
        return find(name).orElseThrow(ClientDownloads::unavailable);
    }

    /** The bytes of a client {@link #get} returned. */
    InputStream open(Download download) {
        try {
            if (dir != null) {
                return Files.newInputStream(dir.resolve(download.name()));
            }
            InputStream in = ClientDownloads.class.getResourceAsStream("/downloads/" + download.name());
            if (in == null) {
                throw unavailable();
            }
            return in;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a download", e);
        }
    }

    /** {@code sha256sum} format: digest, two spaces, name; one line per client. */
    String sha256sums() {
        List<Download> present = available();
        if (present.isEmpty()) {
            throw unavailable();
        }
        StringBuilder text = new StringBuilder();
        present.forEach(
                d -> text.append(d.sha256()).append("  ").append(d.name()).append('\n'));
        return text.toString();
    }

    static KeylessException unavailable() {
        return new KeylessException(
                ProblemType.NOT_FOUND,
                "This service has no client downloads: build it with the clients (./mvnw package builds cli and"
                        + " host-agent before service and bundles them), or set KEYLESS_DOWNLOADS_DIR to a directory"
                        + " holding keyless.jar and keyless-agent.jar");
    }

    private Optional<Download> find(String name) {
        try {
            if (dir != null) {
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                long size = Files.size(file);
                long modified = Files.getLastModifiedTime(file).toMillis();
                Cached cached = digests.get(name);
                if (cached == null || cached.size() != size || cached.modified() != modified) {
                    try (InputStream in = Files.newInputStream(file)) {
                        cached = new Cached(size, modified, digest(name, in));
                    }
                    digests.put(name, cached);
                }
                return Optional.of(cached.download());
            }
            Cached cached = digests.get(name);
            if (cached == null) {
                try (InputStream in = ClientDownloads.class.getResourceAsStream("/downloads/" + name)) {
                    if (in == null) {
                        return Optional.empty();
                    }
                    cached = new Cached(0, 0, digest(name, in));
                }
                digests.put(name, cached);
            }
            return Optional.of(cached.download());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read a download", e);
        }
    }

    private static Download digest(String name, InputStream in) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        long size = 0;
        try (DigestInputStream digesting = new DigestInputStream(in, sha256)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = digesting.read(buffer); n != -1; n = digesting.read(buffer)) {
                size += n;
            }
        }
        return new Download(name, size, HexFormat.of().formatHex(sha256.digest()), name.endsWith(".deb") ? DEB : JAR);
    }

    private static String bundledVersion() {
        try (InputStream in = ClientDownloads.class.getResourceAsStream("/downloads/VERSION")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the service version", e);
        }
    }
}
