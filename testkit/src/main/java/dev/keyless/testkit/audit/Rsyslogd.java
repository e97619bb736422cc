package dev.keyless.testkit.audit;

import dev.keyless.testkit.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Debian's real {@code rsyslogd} as a syslog receiver for tests: its own configuration (imtcp on
 * a loopback port, optionally over TLS with the gtls driver; nothing else loaded, so it never
 * touches /dev/log or the system's logs), run in the foreground ({@code -n}) as a child process,
 * writing {@code APP-NAME|MSGID|STRUCTURED-DATA|MSG} lines to a file — rsyslog's own parse of
 * each RFC 5424 message.
 *
 * <p>{@link #startRelp} listens with imrelp instead (Debian's rsyslog-relp), with the main queue
 * in direct mode: a message is written to the file before imrelp answers {@code rsp 200}, so
 * what the receiver acknowledged survives {@link #kill()} — the receiver a reliable sender needs.
 */
public final class Rsyslogd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/rsyslogd");

    private final Path dir;
    private final Path confFile;
    private final int port;
    private final Path output;
    private Process process;

    private Rsyslogd(Path dir, Path confFile, int port, Path output) {
        this.dir = dir;
        this.confFile = confFile;
        this.port = port;
        this.output = output;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** rsyslogd and its imrelp module (Debian's rsyslog-relp). */
    public static boolean relpInstalled() {
        try (var libs = Files.list(Path.of("/usr/lib"))) {
            return installed() && libs.anyMatch(d -> Files.exists(d.resolve("rsyslog/imrelp.so")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts rsyslogd in {@code dir} as a RELP receiver (imrelp on a loopback port). */
    public static Rsyslogd startRelp(Path dir) throws IOException, InterruptedException {
        return startRelp(dir, null);
    }

    private static Rsyslogd startRelp(Path dir, RelpTls tls) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        Path output = dir.resolve("received.log");
        return launch(dir, relpConf(dir, port, output, tls), port, output);
    }

    private static String relpConf(Path dir, int port, Path output, RelpTls tls) {
        return "global(workDirectory=\"" + dir + "\" maxMessageSize=\"1m\")\n"
                + "main_queue(queue.type=\"Direct\")\n"
                + "module(load=\"imrelp\"" + (tls == null ? "" : " tls.tlslib=\"" + tls.tlsLib() + "\"") + ")\n"
                + TEMPLATE
                + ruleset(output)
                + "input(type=\"imrelp\" address=\"127.0.0.1\" port=\"" + port
                + "\" ruleset=\"audit\" maxDataSize=\"1000000\"" + (tls == null ? "" : tls.inputOptions()) + ")\n";
    }

    /**
     * Rewrites this RELP receiver's configuration with {@code tls} (same port, same output file);
     * it takes effect at the next {@link #restart()} after {@link #kill()} — an operator fixing the
     * receiver's settings.
     */
    public void reconfigureRelpTls(RelpTls tls) throws IOException {
        Files.writeString(confFile, relpConf(dir, port, output, tls));
    }

    /**
     * imrelp's TLS: {@code tlsLib} {@code gnutls} (Debian's default) or {@code openssl};
     * {@code authMode} null (no client check, which only the openssl library honours: with gnutls
     * the handshake still fails without a client certificate), {@code certvalid} (any client
     * certificate the CA signed), {@code name} with the client's name as {@code permittedPeer}, or
     * {@code fingerprint} with its certificate's {@link #fingerprint} as {@code permittedPeer}.
     */
    public record RelpTls(String tlsLib, TestPki pki, String authMode, String permittedPeer) {
        /**
         * The certificate's SHA-256 fingerprint as librelp's GnuTLS backend compares it in {@code
         * tls.authMode="fingerprint"}: the digest's GnuTLS name, then each byte as {@code
         * :XX} in upper-case hex ({@code SHA256:AB:CD:…}); librelp 1.11 takes any digest GnuTLS
         * names, SHA1 included, by the prefix of each permitted peer.
         */
        public static String fingerprint(Path certificatePem) throws IOException {
            try (var in = Files.newInputStream(certificatePem)) {
                byte[] der = java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in)
                        .getEncoded();
                byte[] digest =
                        java.security.MessageDigest.getInstance("SHA-256").digest(der);
                return "SHA256:"
                        + java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("not an X.509 certificate: " + certificatePem, e);
            }
        }

        String inputOptions() {
            StringBuilder o = new StringBuilder(" tls=\"on\"")
                    .append(" tls.cacert=\"")
                    .append(pki.ca())
                    .append('"')
                    .append(" tls.mycert=\"")
                    .append(pki.cert())
                    .append('"')
                    .append(" tls.myprivkey=\"")
                    .append(pki.key())
                    .append('"');
            if (authMode != null) {
                o.append(" tls.authMode=\"").append(authMode).append('"');
            }
            if (permittedPeer != null) {
                o.append(" tls.permittedPeer=[\"").append(permittedPeer).append("\"]");
            }
            return o.toString();
        }
    }

    /** {@link #startRelp} with TLS on the imrelp input. */
    public static Rsyslogd startRelpTls(Path dir, RelpTls tls) throws IOException, InterruptedException {
        return startRelp(dir, tls);
    }

    /** Starts rsyslogd in {@code dir}; {@code tls} null for plain TCP. */
    public static Rsyslogd start(Path dir, SelfSignedTls tls) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = freePort();
        Path output = dir.resolve("received.log");
        StringBuilder conf = new StringBuilder();
        if (tls == null) {
            conf.append("global(workDirectory=\"").append(dir).append("\")\n");
            conf.append("module(load=\"imtcp\")\n");
        } else {
            conf.append("global(workDirectory=\"")
                    .append(dir)
                    .append("\" DefaultNetstreamDriver=\"gtls\"")
                    .append(" DefaultNetstreamDriverCAFile=\"")
                    .append(tls.certificate())
                    .append('"')
                    .append(" DefaultNetstreamDriverCertFile=\"")
                    .append(tls.certificate())
                    .append('"')
                    .append(" DefaultNetstreamDriverKeyFile=\"")
                    .append(tls.key())
                    .append("\")\n");
            conf.append("module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\""
                    + " StreamDriver.AuthMode=\"anon\")\n");
        }
        conf.append(TEMPLATE);
        conf.append(ruleset(output));
        conf.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"")
                .append(port)
                .append("\" ruleset=\"audit\" maxFrameSize=\"1000000\")\n");
        return launch(dir, conf.toString(), port, output);
    }

    private static final String TEMPLATE =
            "template(name=\"parsed\" type=\"string\" string=\"%app-name%|%msgid%|%structured-data%|%msg%\\n\")\n";

    private static String ruleset(Path output) {
        return "ruleset(name=\"audit\") { action(type=\"omfile\" file=\"" + output
                + "\" template=\"parsed\" flushOnTXEnd=\"on\" asyncWriting=\"off\") }\n";
    }

    private static Rsyslogd launch(Path dir, String conf, int port, Path output)
            throws IOException, InterruptedException {
        Path confFile = dir.resolve("rsyslog.conf");
        Files.writeString(confFile, conf);
        Rsyslogd r = new Rsyslogd(dir, confFile, port, output);
        r.restart();
        return r;
    }

    /** Starts rsyslogd (again, after {@link #kill()}) on the same port, appending to the same file. */
    public void restart() throws IOException, InterruptedException {
        process = new ProcessBuilder(
                        BINARY.toString(),
                        "-n",
                        "-f",
                        confFile.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve("rsyslogd.out").toFile()))
                .start();
        awaitListening(dir);
    }

    /**
     * {@code kill -STOP}: the receiver hangs with its connections open — the kernel still takes
     * what a sender writes, but nothing is read, written or acknowledged.
     */
    public void freeze() throws IOException, InterruptedException {
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (stop.waitFor() != 0) {
            throw new IOException("kill -STOP failed");
        }
    }

    /** {@code kill -9}: the receiver dies with whatever it had not written yet. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        try {
            Files.deleteIfExists(dir.resolve("rsyslogd.pid"));
        } catch (IOException e) {
            // rsyslogd refuses to start over a live pid file only
        }
    }

    private void awaitListening(Path dir) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(15));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException(
                "rsyslogd did not listen on " + port + ": " + Files.readString(dir.resolve("rsyslogd.out")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** The lines rsyslog wrote so far. */
    public List<String> lines() throws IOException {
        return Files.exists(output) ? Files.readAllLines(output) : List.of();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
