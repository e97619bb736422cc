package dev.keyless.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A fleet of host agents on one service node: onboards {@code --agents} servers in bulk and {@code
 * --one-by-one} more one at a time (timed, with the bulk fleet present), then runs every agent as a
 * {@link SimulatedAgent} (signed long polls, reports, reconcile on digest mismatch) while CI jobs
 * open sessions at {@code --sessions-per-second} on random servers and close them; reports the
 * onboarding rates, the fleet's request mix, certificate-to-READY latency, errors and CPU of the
 * service and of this load generator.
 */
@Command(
        name = "fleet-benchmark",
        mixinStandardHelpOptions = true,
        description = "A fleet of simulated host agents against the real service jar.")
public final class FleetBenchmark implements Callable<Integer> {
    private static final String TEAM = "bench";

    @Option(names = "--agents", description = "servers onboarded in bulk, each with its agent", defaultValue = "1000")
    int agents;

    @Option(
            names = "--one-by-one",
            description = "servers onboarded one at a time after the bulk",
            defaultValue = "100")
    int oneByOne;

    @Option(names = "--seconds", description = "seconds of the measured fleet phase", defaultValue = "60")
    int seconds;

    @Option(names = "--wait-seconds", description = "the agents' long-poll wait_seconds", defaultValue = "25")
    int waitSeconds;

    @Option(names = "--sessions-per-second", description = "CI jobs opening a session per second", defaultValue = "2")
    double sessionsPerSecond;

    @Option(names = "--http-clients", description = "java.net.http clients the agents share", defaultValue = "8")
    int httpClients;

    @Option(
            names = "--bulk-chunk",
            description = "servers per POST /servers/bulk and per bulk enrolment-token call",
            defaultValue = "1000")
    int bulkChunk;

    @Option(
            names = "--onboarding-only",
            description = "measure the onboarding only, without connecting the fleet (no agent connections)")
    boolean onboardingOnly;

    @Option(names = "--service-jar", defaultValue = "service/target/keyless-service.jar")
    Path serviceJar;

    @Option(names = "--service-jvm", split = " ", defaultValue = "-Xmx512m")
    List<String> serviceJvm;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FleetBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long descriptors = descriptorLimit();
        // Each agent holds one socket here and one in the service, which inherits this limit: the
        // limit is per process, so each side needs one per agent plus headroom (the service's
        // headroom is its agent descriptor reserve, which it refuses polls to keep free).
        long needed = agents + oneByOne + 512L; // each JVM holds well under 512 other descriptors
        if (!onboardingOnly && descriptors < needed) {
            System.err.printf(
                    "fleet-benchmark: %d agents need more than %d file descriptors (this process may open %d):"
                            + " run it from a shell after 'ulimit -n 1048576' (root) or lower --agents%n",
                    agents + oneByOne, needed, descriptors);
            return 2;
        }
        Path dir = Files.createTempDirectory("keyless-fleet-bench");
        RSAKey platformKey = TestKeys.rsa("gh-bench-1");
        Secrets secrets = Secrets.random();
        String metricsToken = ServiceMetrics.newToken();
        try (JwksServer jwks = new JwksServer("/.well-known/jwks", platformKey.toPublicJWK());
                ServiceProcess service = ServiceProcess.start(
                        new ServiceProcess.Launch(
                                serviceJar, serviceJvm, dir, TEAM, Map.of(ServiceMetrics.TOKEN_VARIABLE, metricsToken)),
                        secrets)) {
            String devops = new TeamBootstrap(service.uri(), TEAM).configure(secrets.bootstrapToken(), jwks.jwksUri());
            HttpClient admin =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Onboarding onboarding = new Onboarding(service.uri(), TEAM, devops, admin, bulkChunk);

            Map<String, Double> bulkSeconds = new LinkedHashMap<>();
            Resources resources = new Resources(service.pid());
            Resources.Sample bulkCpu = resources.sample();
            Onboarding.Timed bulk = onboarding.bulk("fleet-", agents, bulkSeconds);
            Resources.Usage bulkUsage = resources.since(bulkCpu);
            System.out.printf(
                    "onboarding, bulk: %d servers created in %.1f s (%.0f/s), tokens %.1f s, enrolled %.1f s (%.0f/s);"
                            + " all three %.0f servers/s%n",
                    agents,
                    bulkSeconds.get("create"),
                    agents / bulkSeconds.get("create"),
                    bulkSeconds.get("tokens"),
                    bulkSeconds.get("enrol"),
                    agents / bulkSeconds.get("enrol"),
                    agents / bulk.seconds());
            cpuPerServer(bulkUsage, bulk.seconds(), agents);
            Resources.Sample singleCpu = resources.sample();
            Onboarding.Timed single = onboarding.oneByOne("single-", oneByOne);
            Resources.Usage singleUsage = resources.since(singleCpu);
            Histogram perServer = single.perServerMicros();
            System.out.printf(
                    "onboarding, one at a time with %d present: %d servers in %.1f s (%.0f/s), p50 %.1f ms, p99 %.1f ms%n",
                    agents,
                    oneByOne,
                    single.seconds(),
                    oneByOne / single.seconds(),
                    perServer.getValueAtPercentile(50) / 1000.0,
                    perServer.getValueAtPercentile(99) / 1000.0);
            cpuPerServer(singleUsage, single.seconds(), oneByOne);

            if (onboardingOnly) {
                return 0;
            }
            List<SimulatedAgent.Identity> identities = new ArrayList<>(bulk.agents());
            identities.addAll(single.agents());
            return fleet(service, ServiceMetrics.of(service, metricsToken), identities, platformKey);
        } finally {
            deleteTree(dir);
        }
    }

    private int fleet(
            ServiceProcess service,
            ServiceMetrics metrics,
            List<SimulatedAgent.Identity> identities,
            RSAKey platformKey)
            throws Exception {
        FleetCounters counters = new FleetCounters();
        ExecutorService httpThreads = Executors.newFixedThreadPool(4);
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < httpClients; i++) {
            clients.add(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(httpThreads)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build());
        }
        List<SimulatedAgent> fleet = new ArrayList<>();
        for (int i = 0; i < identities.size(); i++) {
            fleet.add(new SimulatedAgent(
                    service.uri(),
                    TEAM,
                    identities.get(i),
                    clients.get(i % clients.size()),
                    Duration.ofSeconds(waitSeconds),
                    counters,
                    timer));
        }
        // Connect at about 500 agents a second, as a fleet coming up would, then let it settle.
        for (int i = 0; i < fleet.size(); i++) {
            fleet.get(i).start();
            if (i % 50 == 49) {
                Thread.sleep(100);
            }
        }
        Thread.sleep(5_000);

        Resources resources = new Resources(service.pid());
        int jobs = (int) Math.ceil(sessionsPerSecond * seconds * 1.2) + 10;
        String[] tokens = Workload.platformTokens(platformKey, jobs);
        String[] keys = Workload.publicKeyLines(1);
        KeylessClient workload = KeylessClient.create(service.uri(), TEAM);
        ConcurrentHistogram readyMicros = new ConcurrentHistogram(60_000_000L, 3);
        LongAdder ready = new LongAdder();
        LongAdder notReady = new LongAdder();
        LongAdder jobErrors = new LongAdder();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService jobsPool = Executors.newScheduledThreadPool(8);

        FleetCounters.Snapshot before = counters.snapshot();
        counters.emptyPollLateMicros.reset();
        Map<String, Double> metricsBefore = metrics.scrape();
        Resources.Sample cpu = resources.sample();
        long periodMicros = (long) (1_000_000 / Math.max(0.01, sessionsPerSecond));
        var schedule = jobsPool.scheduleAtFixedRate(
                () -> {
                    int n = next.getAndIncrement();
                    if (n >= tokens.length) {
                        return;
                    }
                    jobsPool.execute(() ->
                            job(workload, tokens[n], keys[0], identities, readyMicros, ready, notReady, jobErrors));
                },
                0,
                periodMicros,
                TimeUnit.MICROSECONDS);
        Thread.sleep(seconds * 1000L);
        schedule.cancel(false);
        Resources.Usage usage = resources.since(cpu);
        FleetCounters.Snapshot done = counters.snapshot().minus(before);
        Histogram late = counters.emptyPollLateMicros.copy();
        Map<String, Double> metricsAfter = metrics.scrape();
        long sockets = metrics.sockets();
        jobsPool.shutdown();
        jobsPool.awaitTermination(30, TimeUnit.SECONDS);
        ProcStats.Memory memory = service.memory();
        double liveHeap = metrics.liveHeapMiB();
        fleet.forEach(SimulatedAgent::stop);

        System.out.printf("fleet: %d agents, wait_seconds %d, %d s measured%n", fleet.size(), waitSeconds, seconds);
        System.out.printf(
                "  requests/s: polls %.1f, reconciles %.1f, reports %.1f; agent errors %d%s%n",
                done.polls() / (double) seconds,
                done.reconciles() / (double) seconds,
                done.reports() / (double) seconds,
                done.errors(),
                counters.firstErrors.isEmpty() ? "" : " " + counters.firstErrors);
        System.out.printf(
                "  sessions: %d READY, %d not READY in the certificate answer, %d failed; certificate->READY p50 %.1f"
                        + " ms, p99 %.1f ms, max %.1f ms%n",
                ready.sum(),
                notReady.sum(),
                jobErrors.sum(),
                readyMicros.getValueAtPercentile(50) / 1000.0,
                readyMicros.getValueAtPercentile(99) / 1000.0,
                readyMicros.getMaxValue() / 1000.0);
        System.out.printf(
                "  CPU cores: service %.2f, this load generator %.2f, other %.2f; service RSS peak %d MiB, now %d MiB%n",
                usage.service(), usage.loadGenerator(), usage.other(), memory.peakMiB(), memory.currentMiB());
        System.out.printf(
                "  service: live heap %.0f MiB after a full GC (%.1f KiB per agent), %d sockets open, %.0f polls open%n",
                liveHeap,
                liveHeap * 1024 / fleet.size(),
                sockets,
                ServiceMetrics.sum(metricsAfter, "keyless_agent_polls_open", ""));
        System.out.printf(
                "  empty poll answers: %d, later than wait_seconds by p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d over 1 s%n",
                late.getTotalCount(),
                late.getValueAtPercentile(50) / 1000.0,
                late.getValueAtPercentile(99) / 1000.0,
                late.getMaxValue() / 1000.0,
                late.getTotalCount() - late.getCountBetweenValues(0, 1_000_000));
        String events = "uri=\"/v1/teams/{team}/agents/events\"";
        double served = ServiceMetrics.sum(metricsAfter, "http_server_requests_seconds_count", events)
                - ServiceMetrics.sum(metricsBefore, "http_server_requests_seconds_count", events);
        double servedSeconds = ServiceMetrics.sum(metricsAfter, "http_server_requests_seconds_sum", events)
                - ServiceMetrics.sum(metricsBefore, "http_server_requests_seconds_sum", events);
        System.out.printf(
                "  polls as the service timed them: %.0f answered, %.2f s on average (as this tool saw them: see above)%n",
                served, served == 0 ? 0 : servedSeconds / served);
        sweeper(metricsBefore, metricsAfter, done.polls());
        timer.shutdownNow();
        httpThreads.shutdownNow();
        return done.errors() == 0 && jobErrors.sum() == 0 ? 0 : 1;
    }

    /**
     * The service's CPU per onboarded server: unlike the rate, it holds on a busy machine, so it
     * shows whether the cost grows with the fleet (and bounds the rate: cores / CPU per server).
     */
    private static void cpuPerServer(Resources.Usage usage, double seconds, int servers) {
        System.out.printf(
                "  service CPU %.2f ms per server (%.2f cores; this load generator %.2f, other %.2f)%n",
                usage.service() * seconds * 1000 / Math.max(1, servers),
                usage.service(),
                usage.loadGenerator(),
                usage.other());
    }

    /** The poll sweeper's database reads in the window: per poll answered and per second, by kind, and its busy share. */
    private void sweeper(Map<String, Double> before, Map<String, Double> after, long polls) {
        StringBuilder line = new StringBuilder("  poll sweeper reads:");
        double busy = 0;
        for (String kind : List.of("recheck", "page", "heads")) {
            String label = "kind=\"" + kind + "\"";
            double count = ServiceMetrics.sum(after, "keyless_agent_poll_queries_seconds_count", label)
                    - ServiceMetrics.sum(before, "keyless_agent_poll_queries_seconds_count", label);
            busy += ServiceMetrics.sum(after, "keyless_agent_poll_queries_seconds_sum", label)
                    - ServiceMetrics.sum(before, "keyless_agent_poll_queries_seconds_sum", label);
            line.append(String.format(
                    java.util.Locale.ROOT,
                    " %s %.1f/s (%.3f per poll)",
                    kind,
                    count / seconds,
                    count / Math.max(1, polls)));
        }
        line.append(
                String.format(java.util.Locale.ROOT, "; the sweeper thread %.1f%% busy reading", 100 * busy / seconds));
        System.out.println(line);
    }

    /** One CI job: exchange, certificate for a random server (timed: it answers once the agent is READY), close. */
    private static void job(
            KeylessClient client,
            String platformToken,
            String publicKey,
            List<SimulatedAgent.Identity> servers,
            Histogram micros,
            LongAdder ready,
            LongAdder notReady,
            LongAdder errors) {
        try {
            var access = client.authenticate(TeamBootstrap.CONNECTION, platformToken, null);
            String server = servers.get(ThreadLocalRandom.current().nextInt(servers.size()))
                    .server();
            long started = System.nanoTime();
            CertificateResponse cert = client.requestCertificate(access.accessToken(), server, publicKey);
            micros.recordValue(Math.min(60_000_000L, (System.nanoTime() - started) / 1000));
            (cert.state() == SessionState.READY ? ready : notReady).increment();
            client.closeSession(access.accessToken(), cert.sessionId());
        } catch (RuntimeException e) {
            errors.increment();
        }
    }

    private static long descriptorLimit() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount()
                : Long.MAX_VALUE;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}
