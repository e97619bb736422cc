package dev.keyless.client.ssh;

import dev.keyless.protocol.ssh.SshWireReader;
import dev.keyless.protocol.ssh.SshWireWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal ssh-agent (draft-miller-ssh-agent) on a Unix domain socket, serving in-memory keys with
 * their certificates to the real OpenSSH {@code ssh}: {@code REQUEST_IDENTITIES} lists each
 * certificate (and its plain key, as OpenSSH's agent does), {@code SIGN_REQUEST} signs with the matching key; every other request (adding,
 * removing, locking, extensions) gets {@code FAILURE}.
 *
 * <p>Why our own agent rather than the system {@code ssh-agent}: feeding {@code ssh-agent} means
 * serialising the private key and piping it to another process ({@code ssh-add -}), where it would
 * live until that process is killed, possibly outliving a crashed job. Here the key never leaves
 * the JVM, the agent dies with it, and nothing but signatures crosses the socket. The socket sits
 * in a directory only this user can enter (0700, as {@code ssh-agent} does), which is the access
 * control: Java cannot read peer credentials portably.
 *
 * <p>Thread-safe: one acceptor thread, one daemon thread per connection. {@link #close()} stops
 * accepting, closes open connections and deletes the socket file.
 */
public final class SshAgent implements AutoCloseable {
    static final int FAILURE = 5;
    static final int REQUEST_IDENTITIES = 11;
    static final int IDENTITIES_ANSWER = 12;
    static final int SIGN_REQUEST = 13;
    static final int SIGN_RESPONSE = 14;
    private static final int MAX_MESSAGE = 256 * 1024;

    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SshIdentity> identities = new CopyOnWriteArrayList<>();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private SshAgent(Path socket, ServerSocketChannel server) {
        this.socket = socket;
        this.server = server;
    }

    /** Listens on {@code socket} (its directory should be 0700) and starts serving. */
    public static SshAgent start(Path socket) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            SshAgent agent = new SshAgent(socket, server);
            Thread acceptor = new Thread(agent::acceptLoop, "keyless-ssh-agent");
            acceptor.setDaemon(true);
            acceptor.start();
            return agent;
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen on " + socket, e);
        }
    }

    /** The socket path, for {@code SSH_AUTH_SOCK} and {@code IdentityAgent}. */
    public Path socket() {
        return socket;
    }

    public void add(SshIdentity identity) {
        identities.add(identity);
    }

    public List<SshIdentity> identities() {
        return List.copyOf(identities);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel channel = server.accept();
                connections.add(channel);
                Thread t = new Thread(() -> serve(channel), "keyless-ssh-agent-conn");
                t.setDaemon(true);
                t.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel) {
            while (!closed) {
                ByteBuffer header = ByteBuffer.allocate(4);
                if (!readFully(channel, header)) {
                    return;
                }
                int length = header.flip().getInt();
                if (length <= 0 || length > MAX_MESSAGE) {
                    return;
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                if (!readFully(channel, body)) {
                    return;
                }
                byte[] reply = handle(body.array());
                ByteBuffer out = ByteBuffer.allocate(4 + reply.length)
                        .putInt(reply.length)
                        .put(reply)
                        .flip();
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }
        } catch (IOException e) {
            // The client went away; nothing to clean up beyond the channel.
        } finally {
            connections.remove(channel);
        }
    }

    /** One request in, one reply out (both without the length prefix). */
    byte[] handle(byte[] request) {
        try {
            SshWireReader in = new SshWireReader(request);
            int type = in.readByte();
            if (type == REQUEST_IDENTITIES) {
                // Certificate first (what sshd accepts), then the plain key: with IdentitiesOnly, ssh
                // matches agent keys against IdentityFile by the plain key, as with OpenSSH's agent.
                SshWireWriter out =
                        new SshWireWriter().writeByte(IDENTITIES_ANSWER).writeUint32(identities.size() * 2L);
                for (SshIdentity id : identities) {
                    out.writeString(id.certificateBlob()).writeString(id.key().comment());
                    out.writeString(id.key().publicKeyBlob())
                            .writeString(id.key().comment());
                }
                return out.toByteArray();
            }
            if (type == SIGN_REQUEST) {
                byte[] blob = in.readString();
                byte[] data = in.readString();
                for (SshIdentity id : identities) {
                    if (id.matches(blob)) {
                        return new SshWireWriter()
                                .writeByte(SIGN_RESPONSE)
                                .writeString(id.key().sign(data))
                                .toByteArray();
                    }
                }
            }
        } catch (IllegalArgumentException malformed) {
            // Fall through: a malformed request is refused like an unsupported one.
        }
        return new byte[] {FAILURE};
    }

    private static boolean readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // Closing a listening socket only fails if it is already broken.
        }
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // Best effort: the peer may have gone already.
            }
        }
        identities.clear();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the agent socket " + socket, e);
        }
    }
}
