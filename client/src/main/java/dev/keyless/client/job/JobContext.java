package dev.keyless.client.job;

import dev.keyless.client.Masker;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link KeylessJob} takes from its caller besides the spec: the environment (for {@code
 * PATH}, where the real {@code ssh} is looked up; never read from {@code System.getenv()} inside
 * the library), the {@link Masker} that learns every token, and the {@link JobListener}.
 */
public record JobContext(Map<String, String> env, Masker masker, JobListener listener) {
    public JobContext {
        env = Map.copyOf(env);
        Objects.requireNonNull(masker, "masker");
        Objects.requireNonNull(listener, "listener");
    }

    /** A context with a fresh masker and no listener. */
    public static JobContext of(Map<String, String> env) {
        return new JobContext(env, new Masker(), JobListener.NONE);
    }
}
