package dev.keyless.service.sealing;

/**
 * A sealed value could not be opened. The message is fixed per cause and never carries key
 * material, plaintext or the sealed value.
 */
public final class SecretBoxException extends RuntimeException {
    public SecretBoxException(String message) {
        super(message);
    }

    public SecretBoxException(String message, Throwable cause) {
        super(message, cause);
    }
}
