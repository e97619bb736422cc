package dev.keyless.service.sealing;

/**
 * The master key cannot be loaded; the service must not start. Messages name the source (the
 * environment variable or the file path and its mode) and never the key.
 */
public final class MasterKeyException extends RuntimeException {
    public MasterKeyException(String message) {
        super(message);
    }

    public MasterKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
