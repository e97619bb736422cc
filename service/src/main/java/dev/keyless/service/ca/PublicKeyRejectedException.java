package dev.keyless.service.ca;

import java.util.Objects;

/**
 * A presented SSH public key is not acceptable. This is a rejection of input, not a processing failure:
 * callers map it to a client error. The message is one fixed sentence naming the failed check; it never
 * contains the key, its comment or any other part of the presented input.
 */
public final class PublicKeyRejectedException extends RuntimeException {
    /** Why a key was rejected. */
    public enum Reason {
        /** Malformed, unsupported or not a plain public key. */
        INVALID,
        /** Well-formed but below the accepted strength (DSA, RSA shorter than 3072 bits). */
        WEAK
    }

    private final Reason reason;

    PublicKeyRejectedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason);
    }

    public Reason reason() {
        return reason;
    }
}
