package dev.keyless.client.token;

import dev.keyless.client.token.TokenSourceException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A token in a file, read again on every fetch because its owner rotates it in place: a
 * Kubernetes projected service-account token (kubelet refreshes it), a Jenkins file credential, or
 * {@code --jwt-file PATH}.
 */
public final class FileTokenSource implements PlatformTokenSource {
    private final String name;
    private final Path file;
    private final String hint;

    /** @param hint what to do when the file is missing; may be null */
    public FileTokenSource(String name, Path file, String hint) {
        this.name = name;
        this.file = file;
        this.hint = hint;
    }

    @Override
    public String name() {
        return name;
    }

    public Path file() {
        return file;
    }

    @Override
    public String describe() {
        return name + " (file " + file + ")";
    }

    @Override
    public String fetch(String audience) {
        try {
            return Jwts.requireJwt(
                    Files.readString(file, StandardCharsets.UTF_8).strip(), "file " + file);
        } catch (NoSuchFileException e) {
            throw new TokenSourceException(Reason.NOT_CONFIGURED, "token file " + file + " does not exist", hint);
        } catch (IOException e) {
            throw new TokenSourceException(
                    Reason.NOT_CONFIGURED,
                    "token file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")",
                    hint);
        }
    }
}
