package dev.keyless.cli;

/** A configuration or usage error found after parsing (a missing setting, a bad file): exit 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
