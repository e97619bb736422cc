package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.TestPki;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The CLI's time from start to the first remote command under different JVM flags, the variants
 * interleaved so machine noise hits all alike, and {@code keyless version} alone; medians of N.
 * Against the real service, host agent and sshd, GitHub Actions token source. Not a test: run it
 * with {@code e2e/bench-startup.sh [N [BASELINE_JAR]]}: a second jar (an earlier build) runs
 * through the same launcher as one more variant, for before/after in one run.
 */
public final class CliStartupBench {
    private static final String ROLE = "benchcli";
    private static final String QUIET_CDS = "-Xlog:cds=off,cds+dynamic=off";
    private static final String LAUNCHER =
            Path.of("../cli/src/main/dist/keyless").toAbsolutePath().normalize().toString();

    private CliStartupBench() {}

    public static void main(String[] argv) throws Exception {
        List<String> args = new ArrayList<>(List.of(argv));
        boolean tls = args.remove("--tls");
        boolean authenticateOnly = args.remove("--authenticate");
        int rounds = !args.isEmpty() ? Integer.parseInt(args.get(0)) : 10;
        // -Dbench.jar: the jar under test, so a build during the run cannot swap it (default cli/target's)
        String jar = Path.of(System.getProperty("bench.jar", CliProcess.JAR.toString()))
                .toAbsolutePath()
                .normalize()
                .toString();
        Path pkiDir = Files.createTempDirectory(Path.of("/tmp"), "kcb-pki");
        TestPki pki = null;
        if (tls) {
            // The service serves HTTPS from a private CA's certificate; the CLI gets the CA as
            // KEYLESS_CA_BUNDLE, this JVM (health check, team set-up) trusts it by default.
            pki = TestPki.create(pkiDir);
            SSLContext.setDefault(pki.trustingContext());
        }
        Map<String, String> serviceEnv = new HashMap<>();
        if (pki != null) {
            serviceEnv.put("KEYLESS_TLS_CERT", pki.cert().toString());
            serviceEnv.put("KEYLESS_TLS_KEY", pki.key().toString());
        }
        if (authenticateOnly) {
            authenticateOnly(rounds, jar, serviceEnv, pki, args.size() > 1 ? args.get(1) : null);
            Stack.deleteTree(pkiDir);
            return;
        }
        try (Stack stack = Stack.withServiceEnv(ROLE, serviceEnv);
                GitHubTokenEndpoint endpoint =
                        new GitHubTokenEndpoint(aud -> stack.team.githubToken(Map.of("aud", aud)))) {
            Path temp = Files.createTempDirectory(Path.of("/tmp"), "kcb");
            Path archive = temp.resolve("keyless.jsa");
            Map<String, String> env = env(stack, endpoint, temp);
            if (pki != null) {
                env.put("KEYLESS_CA_BUNDLE", pki.ca().toString());
            }
            // One run records the classes a job loads into an AppCDS archive (JDK 17: two steps).
            // CDS logs its warnings to stdout (picocli's Java 5 classes cannot be archived); the
            // README's -Xlog options silence them, as a job must for `authenticate`'s output.
            run(List.of("-XX:ArchiveClassesAtExit=" + archive, QUIET_CDS), jar, env, stack, null);
            Map<String, List<String>> variants = new LinkedHashMap<>();
            variants.put("no flags", List.of());
            variants.put(
                    "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
            variants.put(
                    "the same + AppCDS archive",
                    List.of(
                            "-XX:SharedArchiveFile=" + archive,
                            QUIET_CDS,
                            "-XX:TieredStopAtLevel=1",
                            "-XX:+UseSerialGC"));
            // The launcher (cli/src/main/dist/keyless): the same flags, its own AppCDS archive,
            // recorded by its first run (the warm-up below) in a cache dir of its own.
            Path launcherCache = temp.resolve("launcher-cds");
            env.put("KEYLESS_JAR", jar);
            env.put("KEYLESS_CDS_DIR", launcherCache.toString());
            variants.put("bin/keyless (launcher, its AppCDS archive)", List.of(LAUNCHER));
            run(List.of(LAUNCHER), jar, env, stack, null);
            if (args.size() > 1) {
                // Another build's jar (e.g. before a change) through the same launcher, interleaved.
                List<String> baseline =
                        List.of(LAUNCHER, Path.of(args.get(1)).toAbsolutePath().toString());
                variants.put("bin/keyless with " + args.get(1), baseline);
                run(baseline, jar, env, stack, null);
            }
            Map<String, List<Long>> steps = new LinkedHashMap<>();
            Map<String, List<Long>> firstCommand = new LinkedHashMap<>();
            Map<String, List<Long>> version = new LinkedHashMap<>();
            List<Long> floor = new ArrayList<>();
            variants.keySet().forEach(v -> {
                firstCommand.put(v, new ArrayList<>());
                version.put(v, new ArrayList<>());
            });
            for (int i = 0; i < rounds; i++) {
                // The floor: an empty JVM with the launcher's flags and the JDK's own CDS archive.
                long f0 = System.nanoTime();
                Commands.run(FLOOR, env, Duration.ofSeconds(60));
                floor.add((System.nanoTime() - f0) / 1_000_000);
                for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                    firstCommand.get(v.getKey()).add(run(v.getValue(), jar, env, stack, null));
                    long t0 = System.nanoTime();
                    Commands.run(command(v.getValue(), jar, List.of("version")), env, Duration.ofSeconds(60));
                    version.get(v.getKey()).add((System.nanoTime() - t0) / 1_000_000);
                }
                // Where the time goes: the launcher's run once more with --debug, its steps kept.
                run(List.of(LAUNCHER), jar, env, stack, steps);
            }
            System.out.printf(
                    Locale.ROOT, "rounds: %d, variants interleaved, service over %s%n", rounds, tls ? "HTTPS" : "HTTP");
            System.out.printf(
                    Locale.ROOT,
                    "%-50s %29s median %5d p90 %5d ms%n",
                    "floor: java -Xshare:auto (flags) -version",
                    "",
                    median(floor),
                    p90(floor));
            for (String v : variants.keySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "%-50s first remote command median %5d p90 %5d ms   version median %4d p90 %4d ms%n",
                        v,
                        median(firstCommand.get(v)),
                        p90(firstCommand.get(v)),
                        median(version.get(v)),
                        p90(version.get(v)));
            }
            System.out.printf(
                    Locale.ROOT,
                    "%nwhere the time goes (bin/keyless --debug, one more run per round, medians of %d)%n",
                    rounds);
            for (Map.Entry<String, List<Long>> step : steps.entrySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-62s %5d ms (p90 %d)%n",
                        step.getKey(),
                        median(step.getValue()),
                        p90(step.getValue()));
            }
            Stack.deleteTree(temp);
        } finally {
            Stack.deleteTree(pkiDir);
        }
    }

    /**
     * Without sshd and host agent (no {@code /tmp/keyless-e2e.lock} needed): {@code keyless
     * authenticate}, launch to exit, i.e. JVM, picocli, HTTP client, platform token and exchange
     * against the real service; the same variants, floor and {@code --debug} breakdown.
     */
    private static void authenticateOnly(
            int rounds, String jar, Map<String, String> serviceEnv, TestPki pki, String baselineJar) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "kcb-auth");
        try (ServiceProcess service = ServiceProcess.start(dir, serviceEnv);
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken());
                GitHubTokenEndpoint endpoint = new GitHubTokenEndpoint(aud -> team.githubToken(Map.of("aud", aud)))) {
            team.activeConnection("github");
            team.role(ROLE, "github", Map.of("repository", "acme-corp/deploy-svc"));
            // an exchange needs a policy for the role, a policy a server (never reached here)
            team.server("web-01", 22, Map.of("env", "e2e"));
            team.policy("e2e", List.of(ROLE), Map.of("names", List.of("web-01")), List.of());
            Map<String, String> env = new HashMap<>();
            System.getenv().keySet().forEach(name -> env.put(name, null));
            env.putAll(CliProcess.baseEnv());
            env.put("KEYLESS_SERVICE_URL", service.uri().toString());
            env.put("KEYLESS_TEAM", TeamSetup.TEAM);
            env.put("KEYLESS_CONNECTION", "github");
            env.put("KEYLESS_AUDIENCE", TeamSetup.AUDIENCE);
            env.put("GITHUB_ACTIONS", "true");
            env.put("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.requestUrl());
            env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.requestToken);
            if (pki != null) {
                env.put("KEYLESS_CA_BUNDLE", pki.ca().toString());
            }
            Path archive = dir.resolve("keyless.jsa");
            Map<String, List<String>> variants = variants(jar, archive, dir, env, baselineJar);
            List<String> authenticate = List.of("authenticate");
            // the archives: recorded by one run each before the rounds
            time(List.of("java", "-XX:ArchiveClassesAtExit=" + archive, QUIET_CDS, "-jar", jar, "authenticate"), env);
            variants.values().stream()
                    .filter(v -> !v.isEmpty() && v.get(0).equals(LAUNCHER))
                    .forEach(v -> time(command(v, jar, authenticate), env));
            Map<String, List<Long>> total = new LinkedHashMap<>();
            Map<String, List<Long>> cpu = new LinkedHashMap<>();
            Map<String, List<Long>> steps = new LinkedHashMap<>();
            List<Long> floor = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                floor.add(time(FLOOR, env).millis);
                for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                    Timed t = time(cpuTimed(command(v.getValue(), jar, authenticate)), env);
                    total.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(t.millis);
                    cpu.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add(cpuMillis(t.result.stderr()));
                }
                Timed debug = time(command(List.of(LAUNCHER), jar, List.of("authenticate", "--debug")), env);
                Map<String, long[]> at = steps(debug.result.stderr());
                long[] parsed = at.get("parsed");
                long[] token = at.get("token");
                long[] exchange = at.get("exchange");
                Map<String, Long> phases = new LinkedHashMap<>();
                phases.put("1 JVM start until main (launcher, VM init, CDS mapping)", parsed[1] - parsed[0]);
                phases.put("2 main -> command line parsed (picocli)", parsed[0]);
                phases.put("3 parsed -> token request sent (HTTP client)", token[1] - token[0] - parsed[1]);
                phases.put("4 platform token (first HTTP call)", token[0]);
                phases.put("5 exchange round trip (after the platform token)", exchange[1] - token[1]);
                phases.put("6 exchanged -> exit", debug.millis - exchange[1]);
                phases.put("total: launch -> exit", debug.millis);
                phases.forEach((k, ms) ->
                        steps.computeIfAbsent(k, x -> new ArrayList<>()).add(ms));
            }
            System.out.printf(
                    Locale.ROOT,
                    "rounds: %d, keyless authenticate (launch -> exit), variants interleaved, service over %s%n",
                    rounds,
                    pki != null ? "HTTPS" : "HTTP");
            System.out.printf(
                    Locale.ROOT,
                    "%-50s median %5d p90 %5d ms%n",
                    "floor: java -Xshare:auto (flags) -version",
                    median(floor),
                    p90(floor));
            total.forEach((k, v) -> System.out.printf(
                    Locale.ROOT,
                    "%-50s median %5d p90 %5d ms   CPU (user+sys) median %5d p90 %5d ms%n",
                    k,
                    median(v),
                    p90(v),
                    median(cpu.get(k)),
                    p90(cpu.get(k))));
            System.out.printf(Locale.ROOT, "%nwhere the time goes (bin/keyless --debug, medians of %d)%n", rounds);
            steps.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-62s %5d ms (p90 %d)%n", k, median(v), p90(v)));
        } finally {
            Stack.deleteTree(dir);
        }
    }

    private static final List<String> FLOOR =
            List.of("java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-version");

    /** The JVM flag sets compared, the launcher (its archive under {@code dir}) and the baseline jar. */
    private static Map<String, List<String>> variants(
            String jar, Path archive, Path dir, Map<String, String> env, String baselineJar) {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("no flags", List.of());
        variants.put(
                "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        variants.put(
                "the same + AppCDS archive",
                List.of("-XX:SharedArchiveFile=" + archive, QUIET_CDS, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        env.put("KEYLESS_JAR", jar);
        env.put("KEYLESS_CDS_DIR", dir.resolve("launcher-cds").toString());
        variants.put("bin/keyless (launcher, its AppCDS archive)", List.of(LAUNCHER));
        if (baselineJar != null) {
            variants.put(
                    "bin/keyless with " + baselineJar,
                    List.of(LAUNCHER, Path.of(baselineJar).toAbsolutePath().toString()));
        }
        return variants;
    }

    /**
     * {@code argv} under GNU time, which reports the CPU time of the process and its children (the
     * launcher's shell and the JVM it execs): on a machine shared with other work, wall time is
     * mostly waiting for a core, CPU time is what the start-up costs.
     */
    private static List<String> cpuTimed(List<String> argv) {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "cpu %U %S"));
        timed.addAll(argv);
        return timed;
    }

    private static final Pattern CPU_LINE = Pattern.compile("^cpu (\\d+\\.\\d+) (\\d+\\.\\d+)$", Pattern.MULTILINE);

    private static long cpuMillis(String stderr) {
        Matcher m = CPU_LINE.matcher(stderr);
        if (!m.find()) {
            throw new IllegalStateException("no CPU time from /usr/bin/time: " + stderr);
        }
        return Math.round((Double.parseDouble(m.group(1)) + Double.parseDouble(m.group(2))) * 1000);
    }

    record Timed(long millis, CommandResult result) {}

    /** Runs {@code argv} to its end; fails unless it exits 0. */
    private static Timed time(List<String> argv, Map<String, String> env) {
        long t0 = System.nanoTime();
        CommandResult r = Commands.run(argv, env, Duration.ofSeconds(60));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (r.exitCode() != 0) {
            throw new IllegalStateException(argv + " failed: " + r.stderr());
        }
        return new Timed(ms, r);
    }

    /** Each known {@code --debug} step's duration and "at" (ms since the process started). */
    private static Map<String, long[]> steps(String stderr) {
        Map<String, long[]> at = new LinkedHashMap<>();
        stderr.lines().map(DEBUG_LINE::matcher).filter(Matcher::matches).forEach(m -> {
            String step = stepName(m.group(1).strip());
            if (step != null) {
                at.putIfAbsent(step, new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3))});
            }
        });
        return at;
    }

    private static Map<String, String> env(Stack stack, GitHubTokenEndpoint endpoint, Path temp) {
        Map<String, String> env = new HashMap<>();
        System.getenv().keySet().forEach(name -> env.put(name, null));
        env.putAll(CliProcess.baseEnv());
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", "github");
        env.put("KEYLESS_AUDIENCE", TeamSetup.AUDIENCE);
        env.put("KEYLESS_TEMP_DIR", temp.toString());
        env.put("GITHUB_ACTIONS", "true");
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.requestUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.requestToken);
        return env;
    }

    /** {@code java FLAGS -jar JAR ARGS}, or the launcher when FLAGS is {@link #LAUNCHER}. */
    private static List<String> command(List<String> flags, String jar, List<String> args) {
        List<String> argv = new ArrayList<>();
        if (!flags.isEmpty() && flags.get(0).equals(LAUNCHER)) {
            // the launcher, with the jar of the variant when it names one
            argv.addAll(
                    flags.size() > 1
                            ? List.of("env", "KEYLESS_JAR=" + flags.get(1), "sh", LAUNCHER)
                            : List.of("sh", LAUNCHER));
        } else {
            argv.add("java");
            argv.addAll(flags);
            argv.addAll(List.of("-jar", jar));
        }
        argv.addAll(args);
        return argv;
    }

    /**
     * One {@code keyless exec ... ssh web-01 date +%s%N}; milliseconds from launch to the remote
     * date. With {@code steps}, runs with {@code --debug} and adds each step's duration to it.
     */
    private static long run(
            List<String> flags, String jar, Map<String, String> env, Stack stack, Map<String, List<Long>> steps)
            throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("exec", "--server", "web-01"));
        if (steps != null) {
            args.add("--debug");
        }
        args.addAll(List.of("--", "ssh", "web-01", "date", "+%s%N"));
        Instant start = Instant.now();
        CommandResult r = Commands.run(command(flags, jar, args), env, Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("keyless exec failed: " + r.stderr());
        }
        long remoteNanos = Long.parseLong(r.stdout().strip());
        while (LinuxUsers.exists(stack.user)) {
            Thread.sleep(5);
        }
        long total = (remoteNanos - (start.getEpochSecond() * 1_000_000_000L + start.getNano())) / 1_000_000;
        if (steps != null) {
            timeline(r.stderr(), total).forEach((step, ms) -> steps.computeIfAbsent(step, k -> new ArrayList<>())
                    .add(ms));
        }
        return total;
    }

    /**
     * The phases of one {@code --debug} run, one after the other, from each line's "at" (ms since
     * the process started; the launcher execs the JVM, so that is the launch, to the kernel's
     * 10 ms clock tick) and duration; {@code total} is launch to the remote date.
     */
    static Map<String, Long> timeline(String stderr, long total) {
        Map<String, long[]> at = steps(stderr);
        Map<String, Long> phases = new LinkedHashMap<>();
        long[] parsed = at.get("parsed");
        long[] token = at.get("token");
        long[] exchange = at.get("exchange");
        long[] cert = at.get("certificate");
        long[] ready = at.get("ready");
        long[] command = at.get("command");
        if (parsed == null || token == null || exchange == null || cert == null || ready == null || command == null) {
            throw new IllegalStateException("--debug lacks a step: " + at.keySet());
        }
        long main = parsed[1] - parsed[0];
        phases.put("1 JVM start until main (launcher, VM init, CDS mapping)", main);
        phases.put("2 main -> command line parsed (picocli)", parsed[0]);
        phases.put("3 parsed -> token request sent (job set-up, HTTP client)", token[1] - token[0] - parsed[1]);
        phases.put("4 platform token (first HTTP call)", token[0]);
        phases.put("5 exchange round trip (after the platform token)", exchange[1] - token[1]);
        phases.put("6 certificate request", cert[0]);
        phases.put("  gap exchange -> certificate sent", cert[1] - cert[0] - exchange[1]);
        phases.put("7 certificate -> session READY", ready[0]);
        phases.put("8 READY -> ssh started (agent, ssh files)", command[1] - ready[1]);
        phases.put("9 ssh started -> remote date", total - command[1]);
        phases.put("total: launch -> remote date", total);
        return phases;
    }

    private static final Pattern DEBUG_LINE = Pattern.compile("^debug: (.*?)\\s+(\\d+) ms  at\\s+(\\d+) ms$");

    /** A {@code --debug} step by what it is, without its session id; null for the others. */
    private static String stepName(String line) {
        if (line.startsWith("main -> command line parsed")) {
            return "parsed";
        }
        if (line.startsWith("platform token fetched")) {
            return "token";
        }
        if (line.startsWith("exchanged at") || line.startsWith("exchanged for role")) {
            return "exchange";
        }
        if (line.startsWith("certificate for")) {
            return "certificate";
        }
        if (line.startsWith("session") && line.endsWith("READY")) {
            return "ready";
        }
        if (line.startsWith("start to first command")) {
            return "command";
        }
        return null;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The nearest-rank 90th percentile. */
    private static long p90(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(0.9 * sorted.size()) - 1));
    }
}
