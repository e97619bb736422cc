package dev.keyless.service.platformtoken.jwks;

/** Told about each fetch of a remote key set, e.g. to count fetches and failures. */
@FunctionalInterface
public interface JwksFetchListener {
    JwksFetchListener NONE = (sourceId, ok) -> {};

    /** {@code sourceId} is the id the source was created under ({@link JwkSetSources#remote}). */
    void fetched(String sourceId, boolean ok);
}
