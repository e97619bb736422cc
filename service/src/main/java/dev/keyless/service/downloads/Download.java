package dev.keyless.service.downloads;

import io.micronaut.http.MediaType;

/**
 * One client file as served: its name under {@code /downloads/}, size, SHA-256 (lower-case hex)
 * and media type.
 */
record Download(String name, long size, String sha256, MediaType mediaType) {
    /** A strong validator: the bytes' own digest. */
    String etag() {
        return "\"" + sha256 + "\"";
    }
}
