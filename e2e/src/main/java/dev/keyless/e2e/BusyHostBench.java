package dev.keyless.e2e;

import dev.keyless.testkit.LinuxUsers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent on a busy host: N jobs (default 50) ask for a certificate for the same server at the
 * same moment, each waits for {@code READY}, logs in over real SSH and runs {@code sudo -n
 * /usr/bin/true} then holds its session open until all N are logged in at once (counted from
 * /proc: the remote shells of {@code wl_} users, and the agent's own state); then all N close at
 * the same moment. Per session it times certificate request to {@code READY}, and close to the
 * session's sudoers file gone; per account, the last close of its sessions to the account gone.
 * It samples the agent's RSS ({@code VmRSS}, {@code VmHWM}) and CPU time from /proc.
 *
 * <p>Shapes: {@code --roles 1,50} runs each round once with all sessions on one role (one shared
 * account {@code wl_busy1}, the agent creates it once and deletes it with the last session) and
 * once with the sessions spread over that many roles (one account each), interleaved. The bench's
 * sshd runs with {@code MaxStartups 100:30:200} ({@code --max-startups}; sshd's default 10:30:100
 * drops new connections at random once 10 are not yet authenticated, 30 % rising to all at 100).
 * A login refused that way is counted, not fatal, and the session is still closed.
 *
 * <p>{@code --agent-jar} twice compares two agent builds in one run: before each round of a jar the
 * agent is restarted on it (same enrolment and state) and warmed up with five sessions, so both see
 * the same machine load, which on a shared machine swings more than the difference between builds.
 * Not a test: {@code e2e/bench-busy-host.sh}; figures in bench/README.md.
 */
public final class BusyHostBench {
    /** The remote command: proves the sudo rule is in place, says so, and holds the session open. */
    private static final String HOLD = "sudo -n /usr/bin/true && echo live && read -r line";

    private static final long CLK_TCK = 100; // USER_HZ on Linux

    private BusyHostBench() {}

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        int maxRoles = options.roles.stream().mapToInt(Integer::intValue).max().orElse(1);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Path jar : options.agentJars) {
            options.roles.forEach(r -> shapes.put(jar + "/" + r, new Shape(jar, r)));
        }
        boolean interleaved = options.agentJars.size() > 1;
        try (Stack stack = Stack.withSshd("busy1", sshd -> {
            if (!options.maxStartups.equals("default")) {
                sshd.option("MaxStartups " + options.maxStartups);
            }
        })) {
            for (int r = 2; r <= maxRoles; r++) {
                stack.grant("busy" + r, "github", Map.of("repository", "acme-corp/deploy-svc"));
            }
            if (!interleaved) {
                restartAgent(stack, options.agentJars.get(0), options.agentJvmOptions);
            }
            System.out.printf(
                    Locale.ROOT,
                    "agent jar(s) %s%s, JVM options %s, sshd MaxStartups %s, %d concurrent sessions, shapes (roles)"
                            + " %s, %d warm-up + %d rounds%n",
                    options.agentJars,
                    interleaved ? " (interleaved: the agent is restarted with each jar before its rounds)" : "",
                    options.agentJvmOptions,
                    options.maxStartups,
                    options.concurrent,
                    options.roles,
                    options.warmup,
                    options.rounds);
            ExecutorService pool = Executors.newFixedThreadPool(options.concurrent);
            try {
                for (int round = 0; round < options.warmup + options.rounds; round++) {
                    for (Path jar : options.agentJars) {
                        if (interleaved) {
                            restartAgent(stack, jar, options.agentJvmOptions);
                        }
                        for (int roles : options.roles) {
                            Shape shape = shapes.get(jar + "/" + roles);
                            boolean measured = round >= options.warmup;
                            RoundResult result = round(stack, pool, options.concurrent, roles, options.loginTogether);
                            System.out.printf(
                                    Locale.ROOT,
                                    "%s round %d, %s, %d role(s): %s%n",
                                    measured ? "measured" : "warm-up",
                                    round + 1,
                                    jar.getFileName(),
                                    roles,
                                    result.summary());
                            if (measured) {
                                shape.add(result);
                            }
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            long pid = stack.agent.pid();
            System.out.printf(
                    Locale.ROOT,
                    "agent at the end: VmRSS %d MiB, VmHWM (peak over its life) %d MiB, CPU %.1f s%n",
                    status(pid, "VmRSS") / 1024,
                    status(pid, "VmHWM") / 1024,
                    cpuTicks(pid) / (double) CLK_TCK);
            if (options.agentLog != null) {
                Files.writeString(options.agentLog, stack.agent.log());
            }
        }
        for (Shape shape : shapes.values()) {
            shape.print(options.concurrent);
        }
    }

    /** One round: N sessions over {@code roles} roles, started together, live together, closed together. */
    private static RoundResult round(Stack stack, ExecutorService pool, int n, int roles, boolean together)
            throws Exception {
        long pid = stack.agent.pid();
        List<Workload.Prepared> prepared = all(pool, n, i -> {
            String role = "busy" + (1 + i % roles);
            return Workload.prepare(
                    stack.client,
                    "web-01",
                    stack.dir,
                    "github",
                    stack.team.githubToken(Map.of("repository", "acme-corp/deploy-svc")),
                    role);
        });
        RssSampler rss = new RssSampler(pid);
        rss.start();
        long cpuBefore = cpuTicks(pid);
        double loadBefore = loadAverage();

        // All certificate requests at once; each job then waits READY and logs in.
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch allReady = new CountDownLatch(n);
        List<Future<Live>> starting = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Workload.Prepared job = prepared.get(i);
            starting.add(pool.submit(() -> {
                go.await();
                Workload w = job.requestCertificate();
                String state = w.awaitReady();
                long ready = System.nanoTime();
                if (!"READY".equals(state)) {
                    throw new IllegalStateException("session " + w.certificate.sessionId() + " ended " + state);
                }
                if (together) { // every login starts once all sessions are READY
                    allReady.countDown();
                    allReady.await();
                }
                long sshStart = System.nanoTime();
                Process ssh = w.sshInBackground(HOLD);
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8));
                String line;
                StringBuilder seen = new StringBuilder();
                while ((line = out.readLine()) != null && !line.equals("live")) {
                    seen.append(line).append('\n');
                }
                if (line == null) { // refused or dropped: counted, and the session is still closed below
                    ssh.waitFor(60, TimeUnit.SECONDS);
                    String first = seen.toString().lines().findFirst().orElse("");
                    return new Live(
                            w, ssh, out, w.requestedAt, ready, sshStart, -1, "exit " + ssh.exitValue() + ": " + first);
                }
                return new Live(w, ssh, out, w.requestedAt, ready, sshStart, System.nanoTime(), null);
            }));
        }
        go.countDown();
        List<Live> live = new ArrayList<>();
        for (Future<Live> f : starting) {
            live.add(f.get(120, TimeUnit.SECONDS));
        }
        // Everyone is logged in: check that they overlap, from the host's side.
        int shells = remoteShells();
        int agentSessions = agentSessions(stack);
        int sudoers = 0;
        for (Live l : live) {
            sudoers += Files.exists(sudoersOf(l)) ? 1 : 0;
        }
        double loadLive = loadAverage();

        // Release every session, wait for ssh to end, then close them all at once.
        for (Live l : live) {
            if (l.failure == null) {
                try (OutputStream in = l.ssh.getOutputStream()) {
                    in.write('\n');
                }
            }
        }
        for (Live l : live) {
            if (l.failure != null) {
                continue;
            }
            if (!l.ssh.waitFor(60, TimeUnit.SECONDS) || l.ssh.exitValue() != 0) {
                throw new IllegalStateException("ssh did not end cleanly: exit "
                        + (l.ssh.isAlive() ? "none" : Integer.toString(l.ssh.exitValue())));
            }
            l.out.close();
        }
        Map<String, Long> closedAt = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch close = new CountDownLatch(1);
        List<Future<?>> closing = new ArrayList<>();
        for (Live l : live) {
            closing.add(pool.submit(() -> {
                close.await();
                closedAt.put(l.workload.certificate.sessionId(), System.nanoTime());
                l.workload.close();
                return null;
            }));
        }
        Map<String, Long> sudoersGone = new LinkedHashMap<>();
        Map<String, Long> accountGone = new LinkedHashMap<>();
        close.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // One watcher, polling every 2 ms, so that 50 waiting threads do not compete with the agent.
        while (sudoersGone.size() < n || accountGone.size() < roles) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("teardown not done after 120 s: " + stack.agent.log());
            }
            long now = System.nanoTime();
            for (Live l : live) {
                String id = l.workload.certificate.sessionId();
                if (!sudoersGone.containsKey(id) && closedAt.containsKey(id) && !Files.exists(sudoersOf(l))) {
                    sudoersGone.put(id, now);
                }
            }
            for (int r = 1; r <= roles; r++) {
                String user = "wl_busy" + r;
                if (!accountGone.containsKey(user) && closedAt.size() == n && !LinuxUsers.exists(user)) {
                    accountGone.put(user, now);
                }
            }
            Thread.sleep(2);
        }
        for (Future<?> f : closing) {
            f.get(60, TimeUnit.SECONDS);
        }
        rss.stop();
        RoundResult result = new RoundResult();
        for (Live l : live) {
            String id = l.workload.certificate.sessionId();
            result.toReady.add((l.ready - l.requested) / 1e6);
            if (l.failure == null) {
                result.toCommand.add((l.command - l.sshStart) / 1e6);
            } else {
                result.loginFailures++;
                result.firstFailure = result.firstFailure == null ? l.failure : result.firstFailure;
            }
            result.teardown.add((sudoersGone.get(id) - closedAt.get(id)) / 1e6);
        }
        for (int r = 1; r <= roles; r++) {
            String principal = "wl_busy" + r;
            long lastClose = live.stream()
                    .filter(l -> l.workload.certificate.principal().equals(principal))
                    .mapToLong(l -> closedAt.get(l.workload.certificate.sessionId()))
                    .max()
                    .orElseThrow();
            result.accountGone.add((accountGone.get(principal) - lastClose) / 1e6);
        }
        result.shells = shells;
        result.agentSessions = agentSessions;
        result.sudoersFiles = sudoers;
        result.peakRssKib = rss.peak();
        result.afterRssKib = status(pid, "VmRSS");
        result.cpuSeconds = (cpuTicks(pid) - cpuBefore) / (double) CLK_TCK;
        result.load = Math.max(Math.max(loadBefore, loadLive), loadAverage());
        for (Workload.Prepared p : prepared) { // the round's keys and certificates
            Stack.deleteTree(p.key().getParent());
        }
        return result;
    }

    private static Path sudoersOf(Live l) {
        return Path.of("/etc/sudoers.d/keyless-" + l.workload.certificate.sessionId());
    }

    /** Restarts the stack's agent on {@code jar} and warms it up with five sessions one after another. */
    private static void restartAgent(Stack stack, Path jar, List<String> jvmOptions) throws Exception {
        stack.agent.close();
        stack.agent.use(jar, jvmOptions);
        stack.agent.start();
        int ready = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (ready < 5) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the agent did not come up: " + stack.agent.log());
            }
            Workload w = stack.job("github", "busy1", Map.of("repository", "acme-corp/deploy-svc"));
            String state = w.awaitReady();
            w.close();
            if ("READY".equals(state)) {
                ready++;
            }
            while (LinuxUsers.exists(stack.user)) {
                Thread.sleep(10);
            }
        }
    }

    /** Remote shells of JIT users now running (each session's {@code bash -c ... read}). */
    private static int remoteShells() {
        return (int) ProcessHandle.allProcesses()
                .filter(p -> p.info().user().map(u -> u.startsWith("wl_busy")).orElse(false))
                .filter(p -> p.info().command().map(c -> c.endsWith("/bash")).orElse(false))
                .count();
    }

    /** Sessions in the agent's state file (it saves after each provisioning). */
    private static int agentSessions(Stack stack) throws IOException {
        Path state = stack.agent.stateDir.resolve("state.json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(state.toFile());
        var sessions = json.get("sessions");
        return sessions == null ? -1 : sessions.size();
    }

    private interface Task<T> {
        T run(int i) throws Exception;
    }

    private static <T> List<T> all(ExecutorService pool, int n, Task<T> task) throws Exception {
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Callable<T> call = () -> task.run(index);
            futures.add(pool.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(120, TimeUnit.SECONDS));
        }
        return results;
    }

    /** A field of /proc/<pid>/status in KiB, e.g. VmRSS. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        return -1;
    }

    /** utime + stime of the process (its threads included), in clock ticks. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException e) {
            return -1;
        }
    }

    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ", -1)[0]);
        } catch (IOException e) {
            return -1;
        }
    }

    /** One session of a round; {@code failure} says why its login did not get to the command, or is null. */
    private record Live(
            Workload workload,
            Process ssh,
            BufferedReader out,
            long requested,
            long ready,
            long sshStart,
            long command,
            String failure) {}

    /** Samples VmRSS every 20 ms on a thread of its own. */
    private static final class RssSampler {
        private final long pid;
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread;

        RssSampler(long pid) {
            this.pid = pid;
            this.thread = new Thread(this::sample, "rss-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void sample() {
            while (running) {
                peak.accumulateAndGet(status(pid, "VmRSS"), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long peak() {
            return peak.get();
        }
    }

    private static final class RoundResult {
        final List<Double> toReady = new ArrayList<>();
        final List<Double> toCommand = new ArrayList<>();
        final List<Double> teardown = new ArrayList<>();
        final List<Double> accountGone = new ArrayList<>();
        int shells;
        int loginFailures;
        String firstFailure;
        int agentSessions;
        int sudoersFiles;
        long peakRssKib;
        long afterRssKib;
        double cpuSeconds;
        double load;

        String summary() {
            return String.format(
                    Locale.ROOT,
                    "live at once: %d remote shells, %d agent sessions, %d sudoers files; login failures %d%s; READY %s; "
                            + "ssh start->command %s; teardown (sudoers gone) %s; account gone %s; "
                            + "agent RSS peak %d MiB, after %d MiB, CPU %.2f s; load %.1f",
                    shells,
                    agentSessions,
                    sudoersFiles,
                    loginFailures,
                    firstFailure == null ? "" : " (first: " + firstFailure + ")",
                    Stats.of(toReady),
                    Stats.of(toCommand),
                    Stats.of(teardown),
                    Stats.of(accountGone),
                    peakRssKib / 1024,
                    afterRssKib / 1024,
                    cpuSeconds,
                    load);
        }
    }

    private static final class Shape {
        final Path jar;
        final int roles;
        final List<RoundResult> rounds = new ArrayList<>();

        Shape(Path jar, int roles) {
            this.jar = jar;
            this.roles = roles;
        }

        void add(RoundResult r) {
            rounds.add(r);
        }

        void print(int n) {
            System.out.printf(
                    Locale.ROOT,
                    "%n== %s: %d sessions at once over %d role(s), %d rounds ==%n",
                    jar.getFileName(),
                    n,
                    roles,
                    rounds.size());
            row("certificate request -> READY", r -> r.toReady);
            row("ssh start -> sudo done", r -> r.toCommand);
            row("close -> sudoers file gone", r -> r.teardown);
            row("last close -> account gone", r -> r.accountGone);
            System.out.printf(
                    Locale.ROOT,
                    "login failures per round: %s; agent RSS peak per round (MiB): %s; after: %s; CPU per round (s): %s;"
                            + " load: %s%n",
                    rounds.stream().map(r -> Integer.toString(r.loginFailures)).toList(),
                    rounds.stream().map(r -> Long.toString(r.peakRssKib / 1024)).toList(),
                    rounds.stream()
                            .map(r -> Long.toString(r.afterRssKib / 1024))
                            .toList(),
                    rounds.stream()
                            .map(r -> String.format(Locale.ROOT, "%.2f", r.cpuSeconds))
                            .toList(),
                    rounds.stream()
                            .map(r -> String.format(Locale.ROOT, "%.1f", r.load))
                            .toList());
        }

        private void row(String what, java.util.function.Function<RoundResult, List<Double>> values) {
            List<Stats> per =
                    rounds.stream().map(r -> Stats.of(values.apply(r))).toList();
            System.out.printf(
                    Locale.ROOT,
                    "%-30s per round: %s%n%-30s median of rounds: median %.0f ms, p99 %.0f ms, max %.0f ms; "
                            + "all rounds pooled: %s%n",
                    what,
                    per,
                    "",
                    median(per.stream().map(Stats::median).toList()),
                    median(per.stream().map(Stats::p99).toList()),
                    median(per.stream().map(Stats::max).toList()),
                    Stats.of(rounds.stream()
                            .flatMap(r -> values.apply(r).stream())
                            .toList()));
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private record Stats(double median, double p99, double max) {
        static Stats of(List<Double> millis) {
            if (millis.isEmpty()) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN);
            }
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return new Stats(
                    sorted.get(sorted.size() / 2),
                    sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                    sorted.get(sorted.size() - 1));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.0f / p99 %.0f / max %.0f ms", median, p99, max);
        }
    }

    private record Options(
            int concurrent,
            int rounds,
            int warmup,
            List<Integer> roles,
            List<Path> agentJars,
            List<String> agentJvmOptions,
            Path agentLog,
            String maxStartups,
            boolean loginTogether) {
        static Options parse(String[] args) {
            int concurrent = 50;
            int rounds = 3;
            int warmup = 1;
            List<Integer> roles = List.of(1, 50);
            List<Path> jars = new ArrayList<>();
            List<String> jvm = new ArrayList<>();
            Path log = null;
            String maxStartups = "100:30:200";
            boolean together = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--concurrent" -> concurrent = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--roles" -> roles = java.util.Arrays.stream(args[++i].split(",", -1))
                            .map(Integer::parseInt)
                            .toList();
                    case "--agent-jar" -> jars.add(Path.of(args[++i]));
                    case "--agent-jvm" -> jvm.add(args[++i]);
                    case "--agent-log" -> log = Path.of(args[++i]);
                    case "--max-startups" -> maxStartups = args[++i];
                    case "--login-together" -> together = true;
                    default -> throw new IllegalArgumentException("unknown option " + args[i]
                            + "; options: --concurrent N --rounds R --warmup W --roles 1,50 --agent-jar PATH"
                            + " (repeatable: rounds interleave the jars) --agent-jvm OPTION (repeatable) --agent-log PATH (a copy of the agent's log)"
                            + " --max-startups 100:30:200|default (sshd's, default 10:30:100)"
                            + " --login-together (all logins start once all sessions are READY)");
                }
            }
            int n = concurrent;
            if (roles.stream().anyMatch(r -> r < 1 || r > n || r > 90)) {
                throw new IllegalArgumentException("--roles: each between 1 and --concurrent (and at most 90)");
            }
            if (!maxStartups.matches("default|[0-9]+(:[0-9]+:[0-9]+)?")) {
                throw new IllegalArgumentException("--max-startups: start[:rate:full] or default");
            }
            return new Options(
                    concurrent,
                    rounds,
                    warmup,
                    roles,
                    jars.isEmpty() ? List.of(AgentProcess.JAR) : jars,
                    jvm,
                    log,
                    maxStartups,
                    together);
        }
    }
}
