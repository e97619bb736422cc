package dev.keyless.cli.sshconfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of the background agent's control socket: one request line ({@code PING},
 * {@code ENV}, {@code ADD name...}, {@code STOP}), then answer lines ending with {@code OK} or
 * {@code ERROR message}. Nothing secret crosses it: the variables name files and sockets.
 */
public final class AgentControl {
    static final String OK = "OK";
    static final String ERROR = "ERROR ";

    private final Path socket;

    public AgentControl(Path socket) {
        this.socket = socket;
    }

    /** Whether an agent answers on the socket. */
    public boolean alive() {
        if (!Files.exists(socket)) {
            return false;
        }
        try {
            call("PING");
            return true;
        } catch (IOException | AgentException e) {
            return false;
        }
    }

    /** Sends one request; returns the answer's lines before {@code OK}. */
    public List<String> call(String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            OutputStream out = Channels.newOutputStream(channel);
            out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals(OK)) {
                    return lines;
                }
                if (line.startsWith(ERROR)) {
                    throw new AgentException(line.substring(ERROR.length()));
                }
                lines.add(line);
            }
            throw new IOException("the agent closed the control socket without an answer");
        }
    }

    /** The agent refused a request; the message names what failed, never a secret. */
    public static final class AgentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AgentException(String message) {
            super(message);
        }
    }
}
