package dev.keyless.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP forwarder in front of a real server (a database), for outage tests: {@link #cut()}
 * resets every open connection and refuses new ones, as a crashed server's host does; {@link
 * #restore()} listens again on the same port; {@link #loseAnswerOnce(String, String)} lets one
 * request through and then breaks its connection before the server's answer is relayed, as a link
 * that fails while a {@code COMMIT} is under way. Written here because the test needs only these
 * moves and no proxy library on Maven Central is smaller than this class.
 */
public final class TcpProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private final AtomicReference<String[]> loseAnswer = new AtomicReference<>();
    private volatile boolean fired;

    public TcpProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = listen(0);
        this.port = listener.getLocalPort();
        accept(listener);
    }

    public int port() {
        return port;
    }

    /** Resets all connections and stops listening: clients see connection refused. */
    public synchronized void cut() throws IOException {
        listener.close();
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, not FIN: what a dead peer's kernel answers
                s.close();
            } catch (IOException e) {
                // closed by its pump meanwhile
            }
        }
        open.clear();
    }

    /** Listens again on the same port. */
    public synchronized void restore() throws IOException {
        if (listener.isClosed()) {
            listener = listen(port);
            accept(listener);
        }
    }

    /**
     * Once: on the first connection whose client sends a chunk containing {@code after} (ASCII,
     * case-insensitive) and then one containing {@code request}, that request reaches the server,
     * and when the server's answer arrives both sides are reset instead. The server has then
     * executed the request (a {@code COMMIT} took effect) and the client never learns it.
     */
    public void loseAnswerOnce(String after, String request) {
        loseAnswer.set(new String[] {after.toLowerCase(Locale.ROOT), request.toLowerCase(Locale.ROOT)});
    }

    /** Whether the armed {@link #loseAnswerOnce} has fired. */
    public boolean answerLost() {
        return fired;
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private void accept(ServerSocket server) {
        daemon("tcp-proxy-accept", () -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(upstream);
                    Link link = new Link();
                    daemon("tcp-proxy-up", () -> pump(client, upstream, link, true));
                    daemon("tcp-proxy-down", () -> pump(upstream, client, link, false));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** One proxied connection's progress towards a lost answer. */
    private static final class Link {
        volatile boolean sawAfter;
        volatile boolean dropAnswer;
    }

    private void pump(Socket from, Socket to, Link link, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!fromClient && link.dropAnswer) {
                    // the request was executed and this is its answer: the link breaks instead
                    reset(from);
                    reset(to);
                    return;
                }
                if (fromClient) {
                    watch(link, new String(buffer, 0, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away; the other is closed below
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void watch(Link link, String chunk) {
        String[] armed = loseAnswer.get();
        if (armed == null) {
            return;
        }
        if (!link.sawAfter) {
            link.sawAfter = chunk.contains(armed[0]);
        } else if (chunk.contains(armed[1]) && loseAnswer.compareAndSet(armed, null)) {
            fired = true;
            link.dropAnswer = true; // set before the request is forwarded, so its answer is caught
        }
    }

    private void reset(Socket s) {
        open.remove(s);
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
