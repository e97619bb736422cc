package dev.keyless.client;

/**
 * The service (or a platform's token endpoint) could not be reached, or kept failing after every
 * retry without a problem document. The message names the endpoint, never a token.
 */
public final class KeylessTransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeylessTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
