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

/**
 * The CLI's time from start to the first remote command under different JVM flags, the variants
 * interleaved so machine noise hits all alike, and {@code keyless version} alone; medians of N.
 * Against the real service, host agent and sshd, GitHub Actions token source. Not a test: run it
 * with {@code e2e/bench-startup.sh [N]}.
 */
public final class CliStartupBench {
    private static final String ROLE = "benchcli";
    private static final String QUIET_CDS = "-Xlog:cds=off,cds+dynamic=off";

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
            exec(List.of("-XX:ArchiveClassesAtExit=" + archive, QUIET_CDS), jar, env, stack);
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
            Map<String, List<Long>> firstCommand = new LinkedHashMap<>();
            Map<String, List<Long>> version = new LinkedHashMap<>();
            variants.keySet().forEach(v -> {
                firstCommand.put(v, new ArrayList<>());
                version.put(v, new ArrayList<>());
            });
            for (int i = 0; i < rounds; i++) {
                for (Map.Entry<String, List<String>> v : variants.entrySet()) {
                    firstCommand.get(v.getKey()).add(exec(v.getValue(), jar, env, stack));
                    long t0 = System.nanoTime();
                    List<String> argv = new ArrayList<>(List.of("java"));
                    argv.addAll(v.getValue());
                    argv.addAll(List.of("-jar", jar, "version"));
                    Commands.run(argv, env, Duration.ofSeconds(60));
                    version.get(v.getKey()).add((System.nanoTime() - t0) / 1_000_000);
                }
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

    /** One {@code keyless exec ... ssh web-01 date +%s%N}; milliseconds from launch to the remote date. */
    private static long exec(List<String> flags, String jar, Map<String, String> env, Stack stack)
            throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of("java"));
        argv.addAll(flags);
        argv.addAll(List.of("-jar", jar, "exec", "--server", "web-01", "--", "ssh", "web-01", "date", "+%s%N"));
        Instant start = Instant.now();
        CommandResult r = Commands.run(argv, env, Duration.ofSeconds(60));
        if (r.exitCode() != 0) {
            throw new IllegalStateException("keyless exec failed: " + r.stderr());
        }
        long remoteNanos = Long.parseLong(r.stdout().strip());
        while (LinuxUsers.exists(stack.user)) {
            Thread.sleep(5);
        }
        return (remoteNanos - (start.getEpochSecond() * 1_000_000_000L + start.getNano())) / 1_000_000;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
