package dev.keyless.service.platformtoken.jwks;

/**
 * A connection's provider settings were refused at write time (missing issuer, non-https URL, bad
 * pinned key set). {@link #field()} is the wire field name ({@code issuer}, {@code jwks_uri}, {@code
 * jwks}, {@code provider}); the message is fixed text naming the rule.
 */
public final class InvalidProviderSettingsException extends IllegalArgumentException {
    private final String field;

    public InvalidProviderSettingsException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
