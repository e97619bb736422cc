package dev.keyless.client.token;

/**
 * Supplies the CI platform's OIDC token (a JWT) that proves which job is running.
 *
 * <p>{@link #fetch(String)} is called right before every exchange and must return a fresh token
 * where the platform can mint one (GitHub, GCP, Azure DevOps) or re-read it where the platform
 * rotates it in place (Kubernetes). Implementations never log the token nor put it in an exception;
 * they fail with {@link TokenSourceException}. Implementations are thread-safe.
 */
public interface PlatformTokenSource {
    /** A short stable name, e.g. {@code github-actions}; also the value of {@code --token-source}. */
    String name();

    /**
     * A token for {@code audience}. Sources whose platform fixes the audience elsewhere (GitLab's
     * {@code id_tokens}, CircleCI, files) ignore it; the service checks the audience either way.
     *
     * @param audience the audience to request; may be null where the platform has a default
     */
    String fetch(String audience);

    /** A one-line, secret-free description of where the token comes from, for {@code doctor}. */
    default String describe() {
        return name();
    }
}
