package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.ssh.OpenSshCertificates;
import dev.keyless.agent.ssh.OpenSshCertificates.CertificateInfo;
import dev.keyless.agent.state.StateStore;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.protocol.sudo.RoleNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Run by pam_exec in sshd's session stack: reports a {@code wl_} login or logout with the
 * certificate's serial and key id (from {@code SSH_AUTH_INFO_0}, set by ExposeAuthInfo). Always
 * exits 0 for other users; a report failure exits 0 too unless {@code --strict}, so a service
 * outage never blocks a login the certificate already allowed. pam_exec waits for the hook, and
 * sshd for pam_exec before it starts the login's shell, so the report is bounded by {@code
 * --timeout-seconds}: a service that accepts connections but does not answer delays a login by
 * that much (plus the JVM start), not by the agent's general 15 s request timeout.
 */
@Command(name = "pam-hook", description = "Report a login/logout to the service (pam_exec, session stack).")
public final class PamHookCommand implements Callable<Integer> {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%-]{1,255}");

    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

    @Option(names = "--strict", description = "exit 1 when the report fails")
    boolean strict;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "3",
            description = "give up reporting after this long (default 3; a login waits for the hook)")
    int timeoutSeconds;

    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() {
        Optional<Login> login = login(environment);
        if (login.isEmpty()) {
            return 0;
        }
        try {
            StateStore store = new StateStore(stateDir);
            // One attempt: the login waits for the hook, so its timeout is the whole budget.
            AgentRuntime.api(
                            stateDir,
                            store.load(),
                            Clock.systemUTC(),
                            Duration.ofSeconds(Math.max(1, timeoutSeconds)),
                            RetryPolicy.NONE)
                    .login(login.get());
            return 0;
        } catch (RuntimeException e) {
            System.err.println("keyless-agent pam-hook: could not report the "
                    + login.get().type() + ": " + e.getMessage());
            return strict ? 1 : 0;
        }
    }

    /** The report for a PAM environment, or empty when it is not a wl_ session event. */
    public static Optional<Login> login(Map<String, String> env) {
        String type =
                switch (env.getOrDefault("PAM_TYPE", "")) {
                    case "open_session" -> "login";
                    case "close_session" -> "logout";
                    default -> null;
                };
        String user = env.get("PAM_USER");
        if (type == null || !RoleNames.isPrincipal(user)) {
            return Optional.empty();
        }
        String rhost = env.get("PAM_RHOST");
        Optional<CertificateInfo> certificate = OpenSshCertificates.find(env.get("SSH_AUTH_INFO_0"));
        return Optional.of(new Login(
                type,
                user,
                certificate.map(CertificateInfo::serial).orElse(null),
                certificate.map(CertificateInfo::keyId).orElse(null),
                rhost != null && HOST.matcher(rhost).matches() ? rhost : null));
    }
}
