package dev.keyless.service.ca;

import dev.keyless.protocol.ssh.SshWireReader;
import dev.keyless.protocol.ssh.SshWireWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes the to-be-signed part of an OpenSSH certificate exactly as PROTOCOL.certkeys lays it out: key type,
 * nonce, the subject key's fields, serial, type, key id, principals, validity, critical options,
 * extensions, reserved, signature key. The caller appends the signature. Stateless and thread-safe.
 */
final class SshCertificateEncoder {
    // Typical Ed25519/ECDSA certificates are 300-500 bytes; RSA-4096 ones about 900. One growth at most.
    private static final int INITIAL_CAPACITY = 1024;

    private SshCertificateEncoder() {}

    static SshWireWriter encodeUnsigned(SshCertificate certificate, byte[] signatureKeyBlob) {
        SshWireWriter writer = new SshWireWriter(INITIAL_CAPACITY);
        writer.writeString(certificate.certificateKeyType().getBytes(StandardCharsets.US_ASCII));
        writer.writeString(certificate.sharedNonce());
        writeKeyFields(writer, certificate.publicKey().sharedBlob());
        writer.writeUint64(certificate.serial());
        writer.writeUint32(certificate.type().wireCode());
        writer.writeString(certificate.keyId());
        int principals = writer.beginString();
        certificate.principals().forEach(writer::writeString);
        writer.endString(principals);
        writer.writeUint64(certificate.validAfter().getEpochSecond());
        writer.writeUint64(certificate.validBefore().getEpochSecond());
        writeOptions(writer, certificate.criticalOptions());
        writeOptions(writer, certificate.extensions());
        writer.writeUint32(0); // reserved: an empty string
        writer.writeString(signatureKeyBlob);
        return writer;
    }

    /**
     * A certificate repeats the subject key's fields without its leading key-type string (for ed25519 the
     * point, for ecdsa the curve and point, for rsa e then n), so copying the rest of the blob is exact.
     */
    private static void writeKeyFields(SshWireWriter writer, byte[] keyBlob) {
        int typeLength = (int) new SshWireReader(keyBlob).readUint32();
        int fieldsStart = 4 + typeLength;
        writer.writeRaw(keyBlob, fieldsStart, keyBlob.length - fieldsStart);
    }

    /**
     * Options are (string name, string data) pairs in the map's lexical order, as OpenSSH requires. A flag
     * has empty data; a valued option's data is itself a string holding the value.
     */
    private static void writeOptions(SshWireWriter writer, Map<String, String> options) {
        int all = writer.beginString();
        options.forEach((name, value) -> {
            writer.writeString(name);
            if (value.isEmpty()) {
                writer.writeUint32(0);
            } else {
                int data = writer.beginString();
                writer.writeString(value);
                writer.endString(data);
            }
        });
        writer.endString(all);
    }
}
