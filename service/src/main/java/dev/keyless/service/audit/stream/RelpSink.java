package dev.keyless.service.audit.stream;

import com.teragrep.rlp_01.RelpBatch;
import com.teragrep.rlp_01.RelpConnection;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Syslog over RELP, rsyslog's reliable event logging protocol ({@code imrelp}): each RFC 5424
 * message is a {@code syslog} command with its own transaction number, and the batch counts as
 * delivered only once the receiver has answered {@code rsp 200} to every one of them. So unlike
 * TCP syslog ({@link SyslogSink}), a receiver that dies mid-batch makes the batch fail and the
 * cursor stay, and the batch is sent again to the restarted receiver: at least once, in order.
 *
 * <p>The protocol is Teragrep's rlp_01 (Apache-2.0, on Maven Central): one {@link RelpConnection}
 * (open handshake with the offer, windowed transactions), over plain TCP or over TLS through the
 * {@link SSLEngine} this sink gives it (rlp_01 wraps it with tls-channel). With TLS the receiver's
 * certificate must chain to the configured CAs and name {@link Tls#serverName()} (the JDK's HTTPS
 * host name check, so a certificate for another host is refused even when a trusted CA signed it);
 * the client certificate, when set, answers rsyslog's {@code tls.authMode} certvalid / name /
 * fingerprint, which demand one.
 */
final class RelpSink implements AuditSink {
    private final String name;
    private final int timeoutMillis;
    private final Target target;
    private final Rfc5424 format;
    private final long pid = ProcessHandle.current().pid();
    private RelpConnection connection;

    record Target(String host, int port, Optional<Tls> tls) {}

    /** @param serverName the name the receiver's certificate must carry (default: the host) */
    record Tls(SSLContext context, String serverName) {}

    RelpSink(String name, Target target, Rfc5424 format, java.time.Duration timeout) {
        if (target.port() < 1 || target.port() > 65535) {
            throw new IllegalArgumentException("relp port must be between 1 and 65535");
        }
        this.name = name;
        this.target = target;
        this.format = format;
        this.timeoutMillis = Math.toIntExact(Math.min(timeout.toMillis(), Integer.MAX_VALUE));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<StreamItem> items) throws IOException {
        RelpConnection c = connection();
        RelpBatch batch = new RelpBatch();
        for (StreamItem item : items) {
            batch.insert(format.message(item, pid));
        }
        try {
            c.commit(batch);
        } catch (TimeoutException e) {
            throw new InterruptedIOException("the RELP receiver did not acknowledge within " + timeoutMillis + " ms");
        } catch (IllegalStateException | IllegalArgumentException e) {
            // rlp_01 signals a broken session or an unparsable answer this way
            throw new IOException("RELP session broken", e);
        }
        if (!batch.verifyTransactionAll()) {
            throw new IOException("the RELP receiver did not answer 200 to every message of the batch");
        }
    }

    private RelpConnection connection() throws IOException {
        if (connection != null) {
            return connection;
        }
        RelpConnection c =
                target.tls().map(t -> new RelpConnection(() -> engine(t))).orElseGet(RelpConnection::new);
        c.setConnectionTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setWriteTimeout(timeoutMillis);
        boolean open;
        try {
            open = c.connect(target.host(), target.port());
        } catch (TimeoutException e) {
            c.tearDown();
            throw new InterruptedIOException("RELP connect timed out");
        } catch (IOException | RuntimeException e) {
            c.tearDown();
            throw e instanceof IOException io ? io : new IOException("RELP open failed", e);
        }
        if (!open) {
            c.tearDown();
            throw new IOException("the RELP receiver refused the session offer");
        }
        connection = c;
        return c;
    }

    /** A client engine that checks the receiver's certificate against the expected name. */
    private SSLEngine engine(Tls tls) {
        SSLEngine engine = tls.context().createSSLEngine(tls.serverName(), target.port());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        if (tls.serverName().indexOf(':') < 0 && !tls.serverName().matches("[0-9.]+")) {
            // SNI carries host names only, never an address literal
            p.setServerNames(List.of(new SNIHostName(tls.serverName())));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    @Override
    public void reset() {
        if (connection != null) {
            // no "close" command: after a failure the session is in an unknown state, and a
            // receiver treats a dropped connection as the end of the session anyway
            connection.tearDown();
        }
        connection = null;
    }
}
