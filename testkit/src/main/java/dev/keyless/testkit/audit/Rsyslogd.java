package dev.keyless.testkit.audit;

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
 */
public final class Rsyslogd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/rsyslogd");

    private final Process process;
    private final int port;
    private final Path output;

    private Rsyslogd(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY);
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
        conf.append(
                "template(name=\"parsed\" type=\"string\" string=\"%app-name%|%msgid%|%structured-data%|%msg%\\n\")\n");
        conf.append("ruleset(name=\"audit\") { action(type=\"omfile\" file=\"")
                .append(output)
                .append("\" template=\"parsed\" flushOnTXEnd=\"on\" asyncWriting=\"off\") }\n");
        conf.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"")
                .append(port)
                .append("\" ruleset=\"audit\" maxFrameSize=\"1000000\")\n");
        Path confFile = dir.resolve("rsyslog.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(
                        BINARY.toString(),
                        "-n",
                        "-f",
                        confFile.toString(),
                        "-i",
                        dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("rsyslogd.out").toFile())
                .start();
        Rsyslogd r = new Rsyslogd(p, port, output);
        r.awaitListening(dir);
        return r;
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
