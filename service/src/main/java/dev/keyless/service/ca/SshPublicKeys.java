package dev.keyless.service.ca;

import dev.keyless.protocol.ssh.SshWireFormatException;
import dev.keyless.protocol.ssh.SshWireReader;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses presented OpenSSH public keys. Accepts ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384,
 * ecdsa-sha2-nistp521 and ssh-rsa with a modulus of at least 3072 bits; rejects everything else with a
 * {@link PublicKeyRejectedException} whose message never echoes the input. Stateless and thread-safe.
 */
public final class SshPublicKeys {
    /** Larger inputs are refused before any parsing; a 16384-bit RSA line is about 2.8 KiB. */
    public static final int MAX_LINE_CHARS = 16 * 1024;

    // type, one run of blanks, base64, then optionally blanks and a comment running to the end.
    private static final Pattern LINE = Pattern.compile("([!-~]+)[ \\t]+([A-Za-z0-9+/=]+)(?:[ \\t]+(.*))?");

    private SshPublicKeys() {}

    /**
     * Parses exactly one line in authorized_keys form, {@code type base64 [comment]}, without options.
     * Leading and trailing whitespace (such as the newline of a {@code .pub} file) is ignored.
     *
     * @throws PublicKeyRejectedException if the input is not one acceptable public key
     */
    public static SshPublicKey parse(String authorizedKeysLine) {
        if (authorizedKeysLine == null || authorizedKeysLine.isBlank()) {
            throw SshKeyBlobValidator.invalid("public key line is empty");
        }
        if (authorizedKeysLine.length() > MAX_LINE_CHARS) {
            throw SshKeyBlobValidator.invalid("public key line exceeds 16 KiB");
        }
        String line = authorizedKeysLine.strip();
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw SshKeyBlobValidator.invalid("public key input has more than one line");
        }
        Matcher matcher = LINE.matcher(line);
        if (!matcher.matches()) {
            throw SshKeyBlobValidator.invalid("public key line is not in the form: type base64 [comment]");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw SshKeyBlobValidator.invalid("public key is not valid base64");
        }
        String comment = matcher.group(3) == null ? "" : matcher.group(3).strip();
        return new SshPublicKey(matcher.group(1), blob, comment);
    }

    /**
     * Accepts a key already in wire form (as an SSH agent or a certificate carries it).
     *
     * @throws PublicKeyRejectedException if the blob is not one acceptable public key
     */
    public static SshPublicKey fromBlob(byte[] blob, String comment) {
        String keyType;
        try {
            keyType = new SshWireReader(blob).readAsciiString();
        } catch (SshWireFormatException e) {
            throw SshKeyBlobValidator.invalid("public key blob is malformed: " + e.getMessage());
        }
        return new SshPublicKey(keyType, blob, comment);
    }
}
