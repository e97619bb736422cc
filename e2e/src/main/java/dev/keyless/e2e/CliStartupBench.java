package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
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

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String jar = CliProcess.JAR.toAbsolutePath().toString();
        try (Stack stack = Stack.start(ROLE);
                GitHubTokenEndpoint endpoint =
                        new GitHubTokenEndpoint(aud -> stack.team.githubToken(Map.of("aud", aud)))) {
            Path temp = Files.createTempDirectory(Path.of("/tmp"), "kcb");
            Path archive = temp.resolve("keyless.jsa");
            Map<String, String> env = env(stack, endpoint, temp);
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
            if (args.length > 1) {
                // Another build's jar (e.g. before a change) through the same launcher, interleaved.
                List<String> baseline =
                        List.of(LAUNCHER, Path.of(args[1]).toAbsolutePath().toString());
                variants.put("bin/keyless with " + args[1], baseline);
                run(baseline, jar, env, stack, null);
            }
            Map<String, List<Long>> steps = new LinkedHashMap<>();
            Map<String, List<Long>> firstCommand = new LinkedHashMap<>();
            Map<String, List<Long>> version = new LinkedHashMap<>();
            variants.keySet().forEach(v -> {
                firstCommand.put(v, new ArrayList<>());
                version.put(v, new ArrayList<>());
            });
            for (int i = 0; i < rounds; i++) {
                for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                    firstCommand.get(v.getKey()).add(run(v.getValue(), jar, env, stack, null));
                    long t0 = System.nanoTime();
                    Commands.run(command(v.getValue(), jar, List.of("version")), env, Duration.ofSeconds(60));
                    version.get(v.getKey()).add((System.nanoTime() - t0) / 1_000_000);
                }
                // Where the time goes: the launcher's run once more with --debug, its steps kept.
                steps.computeIfAbsent("total: launch -> remote date", k -> new ArrayList<>())
                        .add(run(List.of(LAUNCHER), jar, env, stack, steps));
            }
            System.out.printf(Locale.ROOT, "rounds: %d, variants interleaved%n", rounds);
            for (String v : variants.keySet()) {
                System.out.printf(
                        Locale.ROOT,
                        "%-45s start -> first remote command median %5d ms   version median %4d ms%n",
                        v,
                        median(firstCommand.get(v)),
                        median(version.get(v)));
            }
            System.out.printf(
                    Locale.ROOT, "%nwhere the time goes (bin/keyless --debug, medians of %d; steps overlap)%n", rounds);
            for (Map.Entry<String, List<Long>> step : steps.entrySet()) {
                System.out.printf(Locale.ROOT, "  %-58s %5d ms%n", step.getKey(), median(step.getValue()));
            }
            long total = median(steps.get("total: launch -> remote date"));
            long job = median(steps.getOrDefault("CLI: job start -> sessions READY", List.of(0L)));
            long jvm = median(version.get("bin/keyless (launcher, its AppCDS archive)"));
            System.out.printf(
                    Locale.ROOT,
                    "  %-58s %5d ms%n  %-58s %5d ms%n",
                    "JVM start + CLI set-up (keyless version)",
                    jvm,
                    "the rest: parse, job directory, ssh until the remote date",
                    total - job - jvm);
            Stack.deleteTree(temp);
        }
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
        if (steps != null) {
            r.stderr().lines().map(DEBUG_LINE::matcher).filter(Matcher::matches).forEach(m -> {
                String step = stepName(m.group(1).strip());
                if (step != null) {
                    steps.computeIfAbsent(step, k -> new ArrayList<>()).add(Long.parseLong(m.group(2)));
                }
            });
        }
        return (remoteNanos - (start.getEpochSecond() * 1_000_000_000L + start.getNano())) / 1_000_000;
    }

    private static final Pattern DEBUG_LINE = Pattern.compile("^debug: (.*?)\\s+(\\d+) ms$");

    /** A {@code --debug} step by what it is, without its session id; null for the after-command ones. */
    private static String stepName(String line) {
        if (line.startsWith("platform token fetched")) {
            return "CLI: platform token fetched (first HTTP call)";
        }
        if (line.startsWith("exchanged at")) {
            return "CLI: exchange (includes the platform token)";
        }
        if (line.startsWith("certificate for")) {
            return "CLI: certificate request (key made during the exchange)";
        }
        if (line.startsWith("session") && line.endsWith("READY")) {
            return "CLI: certificate -> session READY";
        }
        if (line.startsWith("start to first command")) {
            return "CLI: job start -> sessions READY";
        }
        return null;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
