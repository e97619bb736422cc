package dev.keyless.client.secrets;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.Masker;
import dev.keyless.protocol.SecretRequests.Revealed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reveals a job's secret bindings and turns them into environment variables for the wrapped
 * command, and nothing else: each value (and each of its lines) is registered with the masker
 * before this returns. A single-line text value becomes {@code NAME=value}; a multi-line or binary
 * value is written to a 0600 file in the job's private directory (deleted with it when the job
 * ends) and {@code NAME_FILE} names that file, since a multi-line value in the environment is easy
 * to leak through a shell's tracing and impossible to use as a key file.
 */
public final class JobSecrets {
    static final String DIRECTORY = "secrets";

    private JobSecrets() {}

    /** What the command gets: variables to add to its environment. */
    public static Map<String, String> reveal(
            KeylessClient client, String accessToken, List<SecretBinding> bindings, Path jobDirectory, Masker masker) {
        Map<String, String> env = new LinkedHashMap<>();
        for (SecretBinding binding : bindings) {
            Revealed revealed = client.revealSecret(accessToken, binding.folder(), binding.name(), null);
            boolean binary = "base64".equals(revealed.encoding());
            String value = revealed.value();
            masker.register(value);
            if (!binary && value.indexOf('\n') < 0 && value.indexOf('\r') < 0 && value.indexOf('\0') < 0) {
                env.put(binding.envName(), value);
            } else {
                byte[] bytes = binary ? Base64.getDecoder().decode(value) : value.getBytes(StandardCharsets.UTF_8);
                if (binary) {
                    masker.register(new String(bytes, StandardCharsets.UTF_8));
                }
                env.put(
                        binding.envName() + "_FILE",
                        write(jobDirectory, binding.envName(), bytes).toString());
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        }
        return env;
    }

    private static Path write(Path jobDirectory, String envName, byte[] bytes) {
        try {
            Path dir = jobDirectory.resolve(DIRECTORY);
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Path file = dir.resolve(envName);
            try (FileChannel channel = FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                channel.write(ByteBuffer.wrap(bytes));
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the secret file of " + envName, e);
        }
    }
}
