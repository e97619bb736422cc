package dev.keyless.agent.cli;

import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentKey;
import dev.keyless.agent.os.AtomicFiles;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Creates the agent key, registers it and the host key, installs the host certificate. */
@Command(name = "enroll", description = "Enrol this server with a one-time enrolment token.")
public final class EnrollCommand implements Callable<Integer> {
    private static final Pattern CERTIFICATE =
            Pattern.compile("[a-z0-9@.-]+-cert-v01@openssh\\.com [A-Za-z0-9+/=]+( [ -~]*)?");

    @Option(names = "--service", required = true, description = "Keyless service URL")
    URI service;

    @Option(names = "--team", required = true)
    String team;

    @Option(names = "--server", required = true, description = "this server's name in Keyless")
    String server;

    @Option(names = "--token", required = true, description = "one-time enrolment token")
    String token;

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

    @Override
    public Integer call() throws Exception {
        StateStore store = new StateStore(stateDir);
        store.prepare();
        String hostPublicKey =
                Files.readString(hostKey, StandardCharsets.US_ASCII).strip();
        AgentKey key = AgentKey.generate();
        Enrolled enrolled =
                new AgentApi(service, team, null).enroll(new Enroll(server, token, key.publicKeyLine(), hostPublicKey));
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

    static Path defaultCertificatePath(Path hostKey) {
        String name = hostKey.getFileName().toString();
        String base = name.endsWith(".pub") ? name.substring(0, name.length() - 4) : name;
        return hostKey.resolveSibling(base + "-cert.pub");
    }
}
