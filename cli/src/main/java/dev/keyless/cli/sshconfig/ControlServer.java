package dev.keyless.cli.sshconfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The background agent's side of {@link AgentControl}: requests one at a time on the calling
 * thread (so certificate requests never run concurrently), until the handler says stop or {@code
 * expired} turns true. The socket sits in the private {@link JobStateDir}, which is the access
 * control.
 */
public final class ControlServer implements AutoCloseable {
    /** What the agent does with one request: answer lines, or an exception whose message is sent. */
    public interface Handler {
        List<String> handle(String request) throws Exception;
    }

    /** Thrown by a handler after answering a request that ends the agent. */
    public static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static final int MAX_REQUEST = 4096;
    private final Path socket;
    private final ServerSocketChannel server;

    private ControlServer(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** Binds {@code socket}; fails if another agent holds it. */
    public static ControlServer bind(Path socket) {
        try {
            if (new AgentControl(socket).alive()) {
                throw new IllegalStateException("an ssh-config agent is already running for this job");
            }
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            return new ControlServer(socket, server);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + socket, e);
        }
    }

    /** Serves until a request ends with {@link Stop} or {@code expired} is true (checked every {@code tick}). */
    public void serve(Handler handler, BooleanSupplier expired, Duration tick) throws IOException {
        server.configureBlocking(false);
        while (!expired.getAsBoolean()) {
            SocketChannel channel = server.accept();
            if (channel == null) {
                try {
                    Thread.sleep(Math.min(tick.toMillis(), 100));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            if (!answer(channel, handler)) {
                return;
            }
        }
    }

    /** Answers one request; false when it was the last. */
    private static boolean answer(SocketChannel channel, Handler handler) throws IOException {
        try (channel) {
            channel.configureBlocking(true);
            String request = readLine(channel);
            StringBuilder reply = new StringBuilder();
            boolean go = true;
            try {
                for (String line : handler.handle(request)) {
                    reply.append(line.replace('\n', ' ')).append('\n');
                }
                reply.append(AgentControl.OK).append('\n');
            } catch (Stop stop) {
                reply.append(AgentControl.OK).append('\n');
                go = false;
            } catch (Exception e) {
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                reply.append(AgentControl.ERROR)
                        .append(message.replace('\n', ' '))
                        .append('\n');
            }
            channel.write(ByteBuffer.wrap(reply.toString().getBytes(StandardCharsets.UTF_8)));
            return go;
        }
    }

    private static String readLine(SocketChannel channel) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        char[] buf = new char[MAX_REQUEST];
        int n = 0;
        for (int c; n < buf.length && (c = in.read()) >= 0 && c != '\n'; ) {
            buf[n++] = (char) c;
        }
        return new String(buf, 0, n);
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + socket, e);
        }
    }
}
