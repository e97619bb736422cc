package dev.keyless.testkit.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made by the real {@code openssl}, as PEM
 * files (for rsyslog and for the service's {@code ca-file}) and as a server {@link SSLContext} (for
 * the JDK's HttpsServer).
 */
public record SelfSignedTls(Path certificate, Path key, SSLContext serverContext) {
    private static final String PASSWORD = "test-only";

    public static SelfSignedTls create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Path p12 = dir.resolve("server.p12");
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString(),
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1,DNS:localhost");
        run(
                dir,
                "openssl",
                "pkcs12",
                "-export",
                "-in",
                cert.toString(),
                "-inkey",
                key.toString(),
                "-out",
                p12.toString(),
                "-passout",
                "pass:" + PASSWORD);
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return new SelfSignedTls(cert, key, context);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the test certificate", e);
        }
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        if (p.waitFor() != 0) {
            throw new IOException(
                    String.join(" ", command) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }
}
