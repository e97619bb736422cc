package dev.keyless.service.ca;

/** The two OpenSSH certificate types and their wire codes from PROTOCOL.certkeys. */
public enum SshCertificateType {
    USER(1),
    HOST(2);

    private final int wireCode;

    SshCertificateType(int wireCode) {
        this.wireCode = wireCode;
    }

    int wireCode() {
        return wireCode;
    }
}
