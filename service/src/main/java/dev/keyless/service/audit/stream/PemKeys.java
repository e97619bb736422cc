package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * A sink's client certificate and key from PEM files, as openssl writes them: the key unencrypted,
 * PKCS#8 ({@code BEGIN PRIVATE KEY}) or traditional RSA / EC ({@code BEGIN RSA PRIVATE KEY},
 * {@code BEGIN EC PRIVATE KEY}) — the same choice the service's own HTTPS key has. Bouncy Castle
 * (already the service's provider for Ed25519) reads the PEM and the traditional structures; the
 * JDK makes the key. An encrypted key is refused: the service has no one to ask for a passphrase.
 */
final class PemKeys {
    private PemKeys() {}

    static List<Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> chain =
                    List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (chain.isEmpty()) {
                throw new IOException("no certificate in " + file);
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the certificates in " + file, e);
        }
    }

    static PrivateKey privateKey(Path file) throws IOException {
        PemObject pem;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PemReader reader = new PemReader(r)) {
            pem = reader.readPemObject();
        }
        if (pem == null) {
            throw new IOException("no PEM private key in " + file);
        }
        try {
            return switch (pem.getType()) {
                case "PRIVATE KEY" -> pkcs8(pem.getContent());
                case "RSA PRIVATE KEY" -> pkcs8(new PrivateKeyInfo(
                                new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
                                RSAPrivateKey.getInstance(pem.getContent()))
                        .getEncoded());
                case "EC PRIVATE KEY" -> {
                    ECPrivateKey ec = ECPrivateKey.getInstance(pem.getContent());
                    yield pkcs8(new PrivateKeyInfo(
                                    new AlgorithmIdentifier(
                                            X9ObjectIdentifiers.id_ecPublicKey, ec.getParametersObject()),
                                    ec)
                            .getEncoded());
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException("the private key in " + file
                        + " is encrypted; give the service an unencrypted key (mode 0600)");
                default -> throw new IOException("no private key in " + file + " (found " + pem.getType() + ")");
            };
        } catch (IllegalArgumentException e) {
            throw new IOException("cannot read the private key in " + file, e);
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws IOException {
        String algorithm = PrivateKeyInfo.getInstance(der)
                .getPrivateKeyAlgorithm()
                .getAlgorithm()
                .getId();
        for (String name : new String[] {algorithm, "RSA", "EC", "Ed25519", "Ed448"}) {
            try {
                return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the OID names the algorithm for some providers only; try the usual ones
            }
        }
        throw new IOException("unsupported private key algorithm " + algorithm);
    }
}
