package dev.keyless.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.client.KeylessClient;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Starts the real service jar, configures a team over HTTP, and measures how many "exchange a
 * platform token, then get a certificate" pairs it completes per second with N concurrent clients,
 * next to the raw signature ceiling of the machine. All traffic stays on 127.0.0.1.
 */
@Command(
        name = "exchange-benchmark",
        mixinStandardHelpOptions = true,
        description = "Throughput and latency of workload/authenticate + ssh/certificates pairs.")
public final class ExchangeBenchmark implements Callable<Integer> {
    static final String TEAM = "bench";

    @Option(names = "--db", description = "h2 or mariadb (127.0.0.1:3306, root, no password)", defaultValue = "h2")
    String db;

    @Option(names = "--clients", description = "concurrent clients", defaultValue = "64")
    int clients;

    @Option(names = "--warmup", description = "warm-up seconds", defaultValue = "10")
    int warmupSeconds;

    @Option(names = "--seconds", description = "seconds per measured run", defaultValue = "30")
    int seconds;

    @Option(names = "--runs", description = "measured runs; the report gives their median", defaultValue = "1")
    int runs;

    @Option(names = "--http-clients", description = "java.net.http clients shared round-robin", defaultValue = "4")
    int httpClients;

    @Option(names = "--tokens-per-run", description = "platform tokens minted per phase (0: from the rate seen)")
    int tokensPerRun;

    @Option(names = "--service-jar", defaultValue = "service/target/keyless-service.jar")
    Path serviceJar;

    @Option(
            names = "--service-jvm",
            split = " ",
            description = "JVM flags of the service process",
            defaultValue = "-Xmx1g")
    List<String> serviceJvm;

    @Option(names = "--ceiling-seconds", description = "seconds to time the crypto ceiling", defaultValue = "3")
    int ceilingSeconds;

    private Cleanup cleanup;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ExchangeBenchmark())
                .setOverwrittenOptionsAllowed(true)
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Goal goal = Goal.of(db);
        Report report = new Report(db, clients, goal);
        report.intro(serviceJvm, httpClients);
        double perCore = CryptoCeiling.pairsPerSecondPerCore(Duration.ofSeconds(2), Duration.ofSeconds(ceilingSeconds));
        cleanup = new Cleanup(Files.createTempDirectory("keyless-bench"));
        Thread hook = new Thread(cleanup::run, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            cleanup.database = "mariadb".equals(db) ? BenchDatabase.mariadb() : BenchDatabase.h2();
            RSAKey platformKey = TestKeys.rsa("gh-bench-1");
            cleanup.jwks = new JwksServer("/.well-known/jwks", platformKey.toPublicJWK());
            Secrets secrets = Secrets.random();
            cleanup.service = ServiceProcess.start(
                    new ServiceProcess.Launch(
                            serviceJar, serviceJvm, cleanup.dir, TEAM, cleanup.database.environment()),
                    secrets);
            new TeamBootstrap(cleanup.service.uri(), TEAM).configure(secrets.bootstrapToken(), cleanup.jwks.jwksUri());
            List<PhaseResult> measured = drive(platformKey, report);
            report.summary(measured, cleanup.service.memory(), perCore);
            return measured.stream().mapToLong(PhaseResult::errors).sum() == 0 ? 0 : 1;
        } finally {
            cleanup.run();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private List<PhaseResult> drive(RSAKey platformKey, Report report) throws Exception {
        List<KeylessClient> http = new ArrayList<>();
        for (int i = 0; i < httpClients; i++) {
            http.add(new KeylessClient(
                    cleanup.service.uri(),
                    TEAM,
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5))
                            .build(),
                    Duration.ofSeconds(30)));
        }
        LoadPhase phase = new LoadPhase(http, Workload.publicKeyLines(clients), new Resources(cleanup.service.pid()));
        // The warm-up only has to heat the JIT and pools; a quarter of the goal rate is plenty of tokens.
        int warmupTokens = budget(0.25 * goalRate(), warmupSeconds);
        PhaseResult warm = phase.run(mint(platformKey, warmupTokens, report), Duration.ofSeconds(warmupSeconds));
        report.phase("warm-up", warm);
        double rate = warm.pairsPerSecond();
        List<PhaseResult> measured = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            // Minting costs about a millisecond of RSA per token, so mint for a multiple of the rate seen
            // last (three times after the cold warm-up, twice after a measured run): the clock, not the
            // tokens, should end the phase. A run that still runs out says so in its line.
            double headroom = run == 1 ? Math.max(3 * rate, 0.25 * goalRate()) : 2 * rate;
            int tokens = budget(headroom, seconds);
            PhaseResult result = phase.run(mint(platformKey, tokens, report), Duration.ofSeconds(seconds));
            report.phase("run " + run, result);
            measured.add(result);
            rate = result.pairsPerSecond();
        }
        return measured;
    }

    private double goalRate() {
        return Goal.of(db).pairsPerSecond();
    }

    private int budget(double ratePerSecond, int phaseSeconds) {
        if (tokensPerRun > 0) {
            return tokensPerRun;
        }
        return (int) Math.max((double) (clients * 4L), Math.ceil(ratePerSecond * phaseSeconds));
    }

    private String[] mint(RSAKey key, int count, Report report) throws Exception {
        long start = System.nanoTime();
        String[] tokens = Workload.platformTokens(key, count);
        report.minted(count, Duration.ofNanos(System.nanoTime() - start));
        return tokens;
    }

    /** Everything to undo, in order, once: on a normal end, a failure, or Ctrl-C. */
    private static final class Cleanup {
        final Path dir;
        ServiceProcess service;
        JwksServer jwks;
        BenchDatabase database;
        private boolean done;

        Cleanup(Path dir) {
            this.dir = dir;
        }

        synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            try {
                if (service != null) {
                    service.close();
                }
                if (jwks != null) {
                    jwks.close();
                }
                if (database != null) {
                    database.close();
                }
                ServiceProcess.deleteTree(dir);
            } catch (Exception e) {
                System.err.println("bench: cleanup incomplete: " + e + " (data in " + dir + ")");
            }
        }
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
