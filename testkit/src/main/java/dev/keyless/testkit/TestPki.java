package dev.keyless.testkit;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A private CA and a server certificate for {@code 127.0.0.1} and {@code localhost}, made by the
 * real {@code openssl} into a directory the test owns, for the service's {@code KEYLESS_TLS_CERT}
 * / {@code KEYLESS_TLS_KEY} and a client's CA bundle, and on request client certificates for a
 * receiver that authenticates its clients (rsyslog's imrelp with TLS). Valid two days.
 *
 * @param ca the CA certificate (PEM), what {@code --ca-bundle} takes
 * @param cert the server certificate (PEM), signed by the CA
 * @param key the server's private key (PEM, unencrypted)
 */
public record TestPki(Path ca, Path cert, Path key) {
    /** Makes the CA and the server certificate under {@code dir}. */
    public static TestPki create(Path dir) {
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        Path cert = dir.resolve("server.pem");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path san = dir.resolve("san.ext");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                caKey.toString(),
                "-out",
                ca.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=Keyless test CA");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString(),
                "-subj",
                "/CN=127.0.0.1");
        try {
            Files.writeString(san, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        openssl(
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                caKey.toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-extfile",
                san.toString());
        return new TestPki(ca, cert, key);
    }

    /** A TLS context that trusts this CA only, for Java clients of the test (HttpClient, Api). */
    public SSLContext trustingContext() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            trust.setCertificateEntry(
                    "ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * A client certificate for {@code commonName} ({@code extendedKeyUsage=clientAuth}) signed by
     * this CA. Its key is written in the traditional RSA form ({@code BEGIN RSA PRIVATE KEY}), the
     * one older tooling still produces, so a reader of PEM keys is tested on both forms (the server
     * key is PKCS#8).
     */
    public ClientCertificate issueClient(String commonName) {
        Path dir = ca.getParent();
        Path cert = dir.resolve(commonName + ".pem");
        Path pkcs8 = dir.resolve(commonName + ".pkcs8.key");
        Path key = dir.resolve(commonName + ".key");
        Path csr = dir.resolve(commonName + ".csr");
        Path ext = dir.resolve(commonName + ".ext");
        try {
            Files.writeString(ext, "extendedKeyUsage=clientAuth\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                pkcs8.toString(),
                "-out",
                csr.toString(),
                "-subj",
                "/CN=" + commonName);
        openssl(
                "x509",
                "-req",
                "-in",
                csr.toString(),
                "-CA",
                ca.toString(),
                "-CAkey",
                dir.resolve("ca.key").toString(),
                "-CAcreateserial",
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-extfile",
                ext.toString());
        openssl("rsa", "-in", pkcs8.toString(), "-traditional", "-out", key.toString());
        return new ClientCertificate(commonName, cert, key);
    }

    /** A client certificate and its private key (PEM, unencrypted, traditional RSA form). */
    public record ClientCertificate(String commonName, Path certificate, Path key) {}

    private static void openssl(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(args));
        Commands.runChecked(argv);
    }
}
