package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentKey;
import dev.keyless.agent.api.AgentVersion;
import dev.keyless.agent.os.AtomicFiles;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Creates the agent key, registers it and the host key, installs the host certificate. */
@Command(name = "enroll", description = "Enrol this server with a one-time enrolment token.")
public final class EnrollCommand implements Callable<Integer> {
    private static final int MAX_TOKEN_CHARS = 256;
    private static final int MAX_TOKEN_INPUT = 4096;
    private static final Pattern CERTIFICATE =
            Pattern.compile("[a-z0-9@.-]+-cert-v01@openssh\\.com [A-Za-z0-9+/=]+( [ -~]*)?");

    @Option(names = "--service", required = true, description = "Keyless service URL")
    URI service;

    @Option(names = "--team", required = true)
    String team;

    @Option(names = "--server", required = true, description = "this server's name in Keyless")
    String server;

    /**
     * Refused, never used: a command line is readable by every local user (ps, /proc/PID/cmdline)
     * while the command runs. Kept hidden so that an old script gets a clear message, not "unknown
     * option", and its token is not sent.
     */
    @Option(names = "--token", hidden = true)
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "PATH",
            description = "read the one-time enrolment token from PATH, or from standard input for '-'"
                    + " (the default when no token option is given)")
    String tokenFile;

    @Option(
            names = "--ca-bundle",
            paramLabel = "PEM",
            description = "PEM file of CAs to trust for the service's TLS instead of the JDK's (kept for run)")
    Path caBundle;

    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

    @Option(names = "--host-key", defaultValue = "/etc/ssh/ssh_host_ed25519_key.pub")
    Path hostKey;

    @Option(
            names = "--host-certificate",
            description = "where to install the host certificate (default: next to the host key, <key>-cert.pub)")
    Path hostCertificate;

    @Option(
            names = "--sshd-config-dir",
            defaultValue = "/etc/ssh/sshd_config.d",
            description = "accepted for symmetry with run")
    Path sshdConfigDir;

    @Spec
    CommandSpec spec;

    /** Where {@code --token-file -} reads from; tests replace it. */
    InputStream stdin = System.in;

    /** The terminal, if any; null when standard input or output is not one. Tests replace it. */
    Supplier<Console> console = System::console;

    @Override
    public Integer call() throws Exception {
        String enrolmentToken = enrolmentToken();
        StateStore store = new StateStore(stateDir);
        store.prepare();
        String hostPublicKey =
                Files.readString(hostKey, StandardCharsets.US_ASCII).strip();
        AgentKey key = AgentKey.generate();
        AgentApi api = new AgentApi(
                service,
                team,
                null,
                AgentApi.DEFAULT_TIMEOUT,
                AgentRuntime.http(caBundle, AgentApi.DEFAULT_TIMEOUT, RetryPolicy.NONE));
        Enrolled enrolled = api.enroll(
                new Enroll(server, enrolmentToken, key.publicKeyLine(), hostPublicKey, AgentVersion.CURRENT));
        if (enrolled.hostCertificate() == null
                || !CERTIFICATE.matcher(enrolled.hostCertificate().strip()).matches()) {
            System.err.println("keyless-agent: the service sent no valid host certificate");
            return 3;
        }
        key.save(stateDir);
        Path certificate = hostCertificate != null ? hostCertificate : defaultCertificatePath(hostKey);
        AtomicFiles.write(
                certificate,
                (enrolled.hostCertificate().strip() + "\n").getBytes(StandardCharsets.US_ASCII),
                "rw-r--r--");
        AgentState state = new AgentState();
        state.agentId = enrolled.agentId();
        state.serviceUrl = service.toString();
        state.caBundle = caBundle == null ? null : caBundle.toAbsolutePath().toString();
        state.team = team;
        state.server = server;
        state.hostCertificate = certificate.toString();
        state.userCaKeys = new ArrayList<>(
                enrolled.userCaPublicKeys() == null ? java.util.List.of() : enrolled.userCaPublicKeys());
        state.hostCaKeys = new ArrayList<>(
                enrolled.hostCaPublicKeys() == null ? java.util.List.of() : enrolled.hostCaPublicKeys());
        store.save(state);
        System.out.println("enrolled " + server + " in team " + team + " as agent " + enrolled.agentId());
        System.out.println("host certificate: " + certificate);
        return 0;
    }

    /**
     * The token from {@code --token-file} (a file, or standard input for {@code -}), or, without
     * it, from the terminal without echo or else from standard input. Only the first line counts, without surrounding white space.
     */
    private String enrolmentToken() throws IOException {
        if (token != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--token is no longer accepted: a command line is readable by every local user (ps,"
                            + " /proc/<pid>/cmdline); use --token-file PATH or --token-file - (standard input)");
        }
        String value;
        if (tokenFile != null && !tokenFile.equals("-")) {
            try (InputStream in = Files.newInputStream(Path.of(tokenFile))) {
                value = firstLine(in);
            }
        } else if (tokenFile == null && console.get() != null) {
            char[] typed = console.get().readPassword("Enrolment token: ");
            value = typed == null ? "" : new String(typed);
        } else {
            value = firstLine(stdin);
        }
        String line = value.lines().findFirst().orElse("").strip();
        if (line.isEmpty() || line.length() > MAX_TOKEN_CHARS) {
            throw new ParameterException(
                    spec.commandLine(),
                    "no enrolment token (expected one line of at most " + MAX_TOKEN_CHARS + " characters)");
        }
        return line;
    }

    /** Up to the first newline (or end of input), reading no more than {@code MAX_TOKEN_INPUT} bytes. */
    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n' && line.size() < MAX_TOKEN_INPUT; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    static Path defaultCertificatePath(Path hostKey) {
        String name = hostKey.getFileName().toString();
        String base = name.endsWith(".pub") ? name.substring(0, name.length() - 4) : name;
        return hostKey.resolveSibling(base + "-cert.pub");
    }
}
