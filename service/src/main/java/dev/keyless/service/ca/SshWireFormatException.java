package dev.keyless.service.ca;

/**
 * Raised by {@link SshWireReader} when bytes are not well-formed SSH wire data. The message names the
 * field problem only, never the bytes.
 */
final class SshWireFormatException extends RuntimeException {
    SshWireFormatException(String message) {
        super(message);
    }
}
