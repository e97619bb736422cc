package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * JSON lines appended to a file, synced to disk before the batch counts as delivered. Rotates like
 * logrotate's numbered scheme — {@code audit.jsonl} becomes {@code audit.jsonl.1}, older ones shift
 * up, past {@code keep} they are deleted — when the next batch would pass {@code maxSize} or the
 * file is older than {@code maxAge}. Files are created mode 0600: they hold subjects and addresses.
 */
final class FileSink implements AuditSink {
    record Rotation(Path path, long maxSize, Duration maxAge, int keep) {
        Rotation {
            if (keep < 1 || keep > 1000) {
                throw new IllegalArgumentException("audit file keep must be between 1 and 1000");
            }
        }
    }

    private final String name;
    private final Rotation rotation;
    private final RecordFormat format;
    private FileChannel channel;
    private Instant openedAt;

    FileSink(String name, Rotation rotation, RecordFormat format) {
        this.name = name;
        this.rotation = rotation;
        this.format = format;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<StreamItem> items) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (StreamItem item : items) {
            lines.append(format.render(item)).append('\n');
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        FileChannel ch = open();
        if (ch.size() > 0 && (ch.size() + bytes.length > rotation.maxSize() || old())) {
            rotate();
            ch = open();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
        ch.force(false);
    }

    private boolean old() {
        return openedAt.plus(rotation.maxAge()).isBefore(Instant.now());
    }

    private FileChannel open() throws IOException {
        if (channel != null) {
            return channel;
        }
        Path path = rotation.path();
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (!Files.exists(path)) {
            Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            openedAt = Instant.now();
        } else {
            // the birth time where the file system keeps one, else the last change: a restart does
            // not make an old file young
            openedAt = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class)
                    .creationTime()
                    .toInstant();
        }
        channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return channel;
    }

    private void rotate() throws IOException {
        reset();
        Path path = rotation.path();
        Files.deleteIfExists(numbered(rotation.keep()));
        for (int i = rotation.keep() - 1; i >= 1; i--) {
            if (Files.exists(numbered(i))) {
                Files.move(numbered(i), numbered(i + 1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(path, numbered(1), StandardCopyOption.ATOMIC_MOVE);
    }

    private Path numbered(int n) {
        return rotation.path().resolveSibling(rotation.path().getFileName() + "." + n);
    }

    @Override
    public void reset() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing unsynced is counted as delivered
        }
        channel = null;
    }
}
