package dev.keyless.client.job;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a job asks for: which connection to exchange the platform token at, with which audience
 * and optional role hint, and which servers to get certificates for.
 *
 * @param connection the connection to exchange at; null only when the job is given an access token
 *     instead of exchanging one
 * @param audience the audience to request the platform token for; null where the platform fixes it
 * @param roleHint the role to ask for; null lets the service pick the only matching role
 * @param servers server names as the service knows them; may be empty (exchange only)
 * @param readyTimeout how long to wait for each session to become {@code READY}
 * @param tempRoot where the job's private directory is created; null for {@code java.io.tmpdir}
 */
public record JobSpec(
        String connection,
        String audience,
        String roleHint,
        List<String> servers,
        Duration readyTimeout,
        Path tempRoot) {

    public JobSpec {
        servers = List.copyOf(servers);
        Objects.requireNonNull(readyTimeout, "readyTimeout");
    }

    /** A spec with a 60-second ready timeout in {@code java.io.tmpdir}. */
    public static JobSpec of(String connection, String audience, String roleHint, List<String> servers) {
        return new JobSpec(connection, audience, roleHint, servers, Duration.ofSeconds(60), null);
    }
}
