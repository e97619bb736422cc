package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * RFC 5424 over TCP, or over TLS (RFC 5425) with the server's name checked against its
 * certificate. TCP syslog has no acknowledgement: a batch counts as delivered once written and
 * flushed, so what a receiver had in its buffers when it died is lost unless it persists on
 * receipt (rsyslog's disk queues) — the webhook is the sink with a real acknowledgement.
 */
final class SyslogSink implements AuditSink {
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    record Target(String host, int port, boolean tls, SSLContext ssl) {}

    private final String name;
    private final Target target;
    private final Rfc5424 format;
    private final long pid = ProcessHandle.current().pid();
    private Socket socket;
    private OutputStream out;

    SyslogSink(String name, Target target, Rfc5424 format) {
        if (target.port() < 1 || target.port() > 65535) {
            throw new IllegalArgumentException("syslog port must be between 1 and 65535");
        }
        this.name = name;
        this.target = target;
        this.format = format;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<StreamItem> items) throws IOException {
        OutputStream o = connection();
        for (StreamItem item : items) {
            o.write(format.frame(item, pid));
        }
        o.flush();
    }

    private OutputStream connection() throws IOException {
        if (out != null) {
            return out;
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(target.host(), target.port()), CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            if (target.tls()) {
                SSLSocket tls =
                        (SSLSocket) target.ssl().getSocketFactory().createSocket(s, target.host(), target.port(), true);
                SSLParameters p = tls.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                tls.setSSLParameters(p);
                tls.startHandshake();
                s = tls;
            }
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        out = new java.io.BufferedOutputStream(s.getOutputStream(), 64 * 1024);
        return out;
    }

    @Override
    public void reset() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // already broken; a new connection follows
        }
        socket = null;
        out = null;
    }
}
