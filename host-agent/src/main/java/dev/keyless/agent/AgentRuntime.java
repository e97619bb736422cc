package dev.keyless.agent;

import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentKey;
import dev.keyless.agent.api.AgentRequestSigner;
import dev.keyless.agent.core.AgentLoop;
import dev.keyless.agent.core.Host;
import dev.keyless.agent.core.HostCertificateRenewal;
import dev.keyless.agent.core.SessionManager;
import dev.keyless.agent.core.UidRange;
import dev.keyless.agent.metrics.AgentMetrics;
import dev.keyless.agent.os.LinuxAccounts;
import dev.keyless.agent.os.OpenSshTrust;
import dev.keyless.agent.os.ProcFsProcessKiller;
import dev.keyless.agent.os.TrustSettings;
import dev.keyless.agent.os.VisudoSudoersFiles;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.http.RetryingSender;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Wires an enrolled agent from its state dir and settings: the signed API client, the real OS
 * adapters, the session manager and the loop. {@code keyless-agent run} and the tests use it.
 */
public final class AgentRuntime {
    /** The sudoers include directory; fixed, because sudo reads only what /etc/sudoers includes. */
    public static final Path SUDOERS_DIR = Path.of("/etc/sudoers.d");

    /** How an enrolled agent runs. */
    public record Settings(Path stateDir, TrustSettings trust, UidRange uids, AgentLoop.Timings timings) {}

    private final StateStore store;
    private final AgentState state;
    private final AgentApi api;
    private final Host host;
    private final SessionManager sessions;
    private final HostCertificateRenewal renewal;
    private final AgentLoop loop;

    public AgentRuntime(Settings settings, Clock clock) {
        this(settings, clock, new AgentMetrics());
    }

    public AgentRuntime(Settings settings, Clock clock, AgentMetrics metrics) {
        this.store = new StateStore(settings.stateDir());
        store.prepare();
        this.state = store.load();
        this.api = api(settings.stateDir(), state, clock);
        this.host = new Host(
                new LinuxAccounts(),
                new VisudoSudoersFiles(SUDOERS_DIR),
                new OpenSshTrust(settings.trust()),
                new ProcFsProcessKiller(),
                settings.uids());
        this.sessions = new SessionManager(host, api, store, state, clock, metrics);
        this.renewal =
                new HostCertificateRenewal(api, host.trust(), settings.trust().hostCertificate(), store, state, clock);
        this.loop = new AgentLoop(sessions, renewal, api, store, state, clock, settings.timings());
    }

    /** The signed client of an enrolled agent, with the default retry policy. */
    public static AgentApi api(Path stateDir, AgentState state, Clock clock) {
        return api(stateDir, state, clock, AgentApi.DEFAULT_TIMEOUT, RetryPolicy.DEFAULT);
    }

    /**
     * The signed client of an enrolled agent whose attempts each take at most {@code timeout}:
     * proxies from the process environment, the CA bundle given at enrolment.
     */
    public static AgentApi api(Path stateDir, AgentState state, Clock clock, Duration timeout, RetryPolicy retries) {
        AgentKey key = AgentKey.load(stateDir);
        return new AgentApi(
                URI.create(state.serviceUrl),
                state.team,
                new AgentRequestSigner(key, state.agentId, state.team, state.server, clock),
                timeout,
                http(state.caBundle == null ? null : Path.of(state.caBundle), timeout, retries));
    }

    /** The agent's HTTP stack: proxies from the process environment, {@code caBundle} if not null. */
    public static RetryingSender http(Path caBundle, Duration timeout, RetryPolicy retries) {
        return AgentApi.http(timeout)
                .env(System.getenv())
                .caBundle(caBundle)
                .retryPolicy(retries)
                .build();
    }

    public StateStore store() {
        return store;
    }

    public AgentState state() {
        return state;
    }

    public AgentApi api() {
        return api;
    }

    public Host host() {
        return host;
    }

    public SessionManager sessions() {
        return sessions;
    }

    public HostCertificateRenewal renewal() {
        return renewal;
    }

    public AgentLoop loop() {
        return loop;
    }
}
