package dev.keyless.agent.os;

import dev.keyless.protocol.sudo.SudoCommand;
import dev.keyless.protocol.sudo.SudoersRenderer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link SudoersFiles} in a sudoers include directory (/etc/sudoers.d). The file is written under a
 * hidden name containing a dot (sudo skips such names in an includedir), checked with {@code
 * visudo -cf}, then renamed into place atomically.
 */
public final class VisudoSudoersFiles implements SudoersFiles {
    private static final String PREFIX = "keyless-";
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private final Path directory;

    public VisudoSudoersFiles(Path directory) {
        this.directory = directory;
    }

    @Override
    public void install(String sessionId, String role, List<SudoCommand> commands) {
        Path target = fileFor(sessionId);
        byte[] content = SudoersRenderer.render(sessionId, role, commands).getBytes(StandardCharsets.UTF_8);
        Path temporary = AtomicFiles.temporaryFor(target);
        try {
            AtomicFiles.writeNew(temporary, content, "r--r-----");
            Exec.checked(List.of("visudo", "-c", "-q", "-f", temporary.toString()));
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the sudoers file", e);
        } finally {
            AtomicFiles.deleteQuietly(temporary);
        }
    }

    @Override
    public boolean remove(String sessionId) {
        try {
            return Files.deleteIfExists(fileFor(sessionId));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the sudoers file", e);
        }
    }

    @Override
    public List<String> sessionIds() {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(PREFIX)
                        && SESSION_ID.matcher(name.substring(PREFIX.length())).matches()) {
                    ids.add(name.substring(PREFIX.length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + directory, e);
        }
        return ids;
    }

    public Path fileFor(String sessionId) {
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("session id must match [A-Za-z0-9-]{1,64}");
        }
        return directory.resolve(PREFIX + sessionId);
    }
}
