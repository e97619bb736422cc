package dev.keyless.protocol.ssh;

/**
 * Raised by {@link SshWireReader} when bytes are not well-formed SSH wire data. The message names the
 * field problem only, never the bytes. An {@link IllegalArgumentException}: the input, not the reader, is
 * at fault.
 */
public final class SshWireFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message which field problem, without the data */
    public SshWireFormatException(String message) {
        super(message);
    }
}
