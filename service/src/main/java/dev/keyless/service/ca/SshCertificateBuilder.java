package dev.keyless.service.ca;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Fluent builder for {@link SshCertificate}. Start with {@link #userCertificate(SshPublicKey)} or
 * {@link #hostCertificate(SshPublicKey)}; {@link #build()} checks the rules (a serial was set, user
 * certificates name a principal, validBefore is after validAfter) and fills a fresh 32-byte random nonce
 * unless {@link #nonce(byte[])} set one. Not thread-safe: use one builder per certificate.
 */
public final class SshCertificateBuilder {
    /** Critical option restricting the source addresses a user certificate is valid from. */
    public static final String SOURCE_ADDRESS = "source-address";
    /** Critical option forcing the command run on login. */
    public static final String FORCE_COMMAND = "force-command";
    /** Extension allowing a pseudo-terminal. */
    public static final String PERMIT_PTY = "permit-pty";

    // SecureRandom is thread-safe; sharing one avoids re-seeding cost per certificate.
    private static final SecureRandom DEFAULT_RANDOM = new SecureRandom();

    private final SshCertificateType type;
    private final SshPublicKey publicKey;
    private final List<String> principals = new ArrayList<>();
    private final SortedMap<String, String> criticalOptions = new TreeMap<>();
    private final SortedMap<String, String> extensions = new TreeMap<>();
    private SecureRandom random = DEFAULT_RANDOM;
    private byte[] nonce;
    private Long serial;
    private String keyId = "";
    private Instant validAfter;
    private Instant validBefore;

    private SshCertificateBuilder(SshCertificateType type, SshPublicKey publicKey) {
        this.type = type;
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    public static SshCertificateBuilder userCertificate(SshPublicKey publicKey) {
        return new SshCertificateBuilder(SshCertificateType.USER, publicKey);
    }

    /** A certificate for a host key; the principals are the host names it may present. */
    public static SshCertificateBuilder hostCertificate(SshPublicKey publicKey) {
        return new SshCertificateBuilder(SshCertificateType.HOST, publicKey);
    }

    /** Unsigned 64-bit serial carried in a long. */
    public SshCertificateBuilder serial(long value) {
        this.serial = value;
        return this;
    }

    public SshCertificateBuilder keyId(String value) {
        this.keyId = Objects.requireNonNull(value, "keyId");
        return this;
    }

    public SshCertificateBuilder principal(String value) {
        principals.add(Objects.requireNonNull(value, "principal"));
        return this;
    }

    public SshCertificateBuilder principals(List<String> values) {
        values.forEach(this::principal);
        return this;
    }

    public SshCertificateBuilder validAfter(Instant value) {
        this.validAfter = Objects.requireNonNull(value, "validAfter");
        return this;
    }

    public SshCertificateBuilder validBefore(Instant value) {
        this.validBefore = Objects.requireNonNull(value, "validBefore");
        return this;
    }

    /** Valid from {@code start} for {@code lifetime}. */
    public SshCertificateBuilder validity(Instant start, Duration lifetime) {
        return validAfter(start).validBefore(start.plus(lifetime));
    }

    /** Adds a critical option with a value, for example {@code source-address} and a CIDR list. */
    public SshCertificateBuilder criticalOption(String name, String value) {
        criticalOptions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Adds a flag extension such as {@code permit-pty}. */
    public SshCertificateBuilder extension(String name) {
        return extension(name, "");
    }

    public SshCertificateBuilder extension(String name, String value) {
        extensions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Fixes the nonce; meant for tests. By default each build draws a fresh random one. */
    public SshCertificateBuilder nonce(byte[] value) {
        this.nonce = value.clone();
        return this;
    }

    /** Source for the nonce; by default a shared {@link SecureRandom}. */
    public SshCertificateBuilder random(SecureRandom value) {
        this.random = Objects.requireNonNull(value, "random");
        return this;
    }

    /**
     * Checks the builder without drawing a nonce.
     *
     * @throws IllegalStateException naming the first missing field or broken rule
     */
    public SshCertificateBuilder validate() {
        requireFields();
        try {
            SshCertificateRules.check(
                    type,
                    nonce == null ? new byte[SshCertificate.NONCE_BYTES] : nonce,
                    keyId,
                    principals,
                    validAfter,
                    validBefore,
                    criticalOptions,
                    extensions);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return this;
    }

    /** Validates and returns the certificate content, ready for {@link Ed25519CertificateAuthority#sign}. */
    public SshCertificate build() {
        validate();
        byte[] certificateNonce = nonce;
        if (certificateNonce == null) {
            certificateNonce = new byte[SshCertificate.NONCE_BYTES];
            random.nextBytes(certificateNonce);
        }
        return new SshCertificate(
                type,
                publicKey,
                certificateNonce,
                serial,
                keyId,
                principals,
                validAfter,
                validBefore,
                criticalOptions,
                extensions);
    }

    /** Shorthand for {@code authority.sign(build())}. */
    public SignedSshCertificate sign(Ed25519CertificateAuthority authority) {
        return authority.sign(build());
    }

    private void requireFields() {
        if (serial == null) {
            throw new IllegalStateException("serial is not set");
        }
        if (validAfter == null || validBefore == null) {
            throw new IllegalStateException("validity is not set");
        }
    }
}
