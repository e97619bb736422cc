package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of a sink: the JDK's trusted roots, or only the CAs of a PEM file; and, for a
 * receiver that authenticates its clients (rsyslog's imrelp), a client certificate and key.
 */
final class TlsTrust {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsTrust() {}

    static SSLContext context(Optional<Path> caFile) throws IOException {
        return context(caFile, Optional.empty(), Optional.empty());
    }

    /** {@code certFile} and {@code keyFile} both or neither: a certificate without its key is a mistake. */
    static SSLContext context(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile)
            throws IOException {
        if (certFile.isPresent() != keyFile.isPresent()) {
            throw new IllegalArgumentException("a client certificate file and key file are set together");
        }
        try {
            if (caFile.isEmpty() && certFile.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyManager[] keys = null;
            if (certFile.isPresent()) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                identity.setKeyEntry(
                        "client",
                        PemKeys.privateKey(keyFile.get()),
                        NO_PASSWORD,
                        PemKeys.certificates(certFile.get()).toArray(Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, NO_PASSWORD);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trustManagers(caFile), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + caFile.orElse(null) + " / " + certFile.orElse(null), e);
        }
    }

    /** null (the JDK's roots) without a CA file. */
    private static TrustManager[] trustManagers(Optional<Path> caFile) throws IOException, GeneralSecurityException {
        if (caFile.isEmpty()) {
            return null;
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate cert : PemKeys.certificates(caFile.get())) {
            trust.setCertificateEntry("ca-" + i++, cert);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }
}
