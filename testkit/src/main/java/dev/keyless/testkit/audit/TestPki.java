package dev.keyless.testkit.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test CA with a server certificate (for 127.0.0.1 and localhost) and a client certificate
 * (CN {@code keyless-audit}), made by the real {@code openssl} as PEM files: what a receiver that
 * authenticates its clients (rsyslog's imrelp with TLS) and the sink presenting one need. The
 * client key is written in the traditional RSA form ({@code BEGIN RSA PRIVATE KEY}), the one older
 * tooling still produces; the server key is PKCS#8.
 */
public record TestPki(
        Path caCertificate, Path serverCertificate, Path serverKey, Path clientCertificate, Path clientKey) {
    public static final String CLIENT_NAME = "keyless-audit";

    public static TestPki create(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        run(
                dir,
                "openssl",
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
                "/CN=keyless test CA");
        Path serverCert = dir.resolve("server.pem");
        Path serverKey = dir.resolve("server.key");
        issue(
                dir,
                ca,
                caKey,
                "server",
                "/CN=localhost",
                "subjectAltName=IP:127.0.0.1,DNS:localhost",
                serverCert,
                serverKey);
        Path clientCert = dir.resolve("client.pem");
        Path clientKey = dir.resolve("client.key");
        issue(dir, ca, caKey, "client", "/CN=" + CLIENT_NAME, "extendedKeyUsage=clientAuth", clientCert, clientKey);
        Path pkcs1 = dir.resolve("client-rsa.key");
        run(dir, "openssl", "rsa", "-in", clientKey.toString(), "-traditional", "-out", pkcs1.toString());
        return new TestPki(ca, serverCert, serverKey, clientCert, pkcs1);
    }

    private static void issue(
            Path dir, Path ca, Path caKey, String name, String subject, String extension, Path cert, Path key)
            throws IOException, InterruptedException {
        Path csr = dir.resolve(name + ".csr");
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, extension + "\n");
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                key.toString(),
                "-out",
                csr.toString(),
                "-subj",
                subject);
        run(
                dir,
                "openssl",
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
                ext.toString());
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
