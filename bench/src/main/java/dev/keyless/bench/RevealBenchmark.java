package dev.keyless.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Secret reveals per second over HTTP: the real service jar, the team of {@link TeamBootstrap} plus
 * a resource admin, one secret and a policy granting {@code deployer} reveal on it; each client
 * exchanges one platform token for an access token, then loops {@code POST .../secrets/reveal}
 * (access-token check, policy evaluation, a read, two AES-GCM opens and an audit event committed
 * per reveal). A mode of its own so the exchange figures stay as they are.
 */
@Command(
        name = "reveal-benchmark",
        mixinStandardHelpOptions = true,
        description = "Throughput and latency of POST /secrets/reveal.")
public final class RevealBenchmark implements Callable<Integer> {
    private static final long MAX_LATENCY_MICROS = 60_000_000L;

    @Option(names = "--db", description = "h2 or mariadb (127.0.0.1:3306, root, no password)", defaultValue = "h2")
    String db;

    @Option(names = "--clients", description = "concurrent clients", defaultValue = "64")
    int clients;

    @Option(names = "--warmup", description = "warm-up seconds", defaultValue = "10")
    int warmupSeconds;

    @Option(names = "--seconds", description = "seconds of the measured run", defaultValue = "30")
    int seconds;

    @Option(names = "--http-clients", description = "java.net.http clients shared round-robin", defaultValue = "4")
    int httpClients;

    @Option(names = "--value-bytes", description = "size of the secret's value", defaultValue = "64")
    int valueBytes;

    @Option(names = "--service-jar", defaultValue = "service/target/keyless-service.jar")
    Path serviceJar;

    @Option(names = "--service-jvm", split = " ", defaultValue = "-Xmx1g")
    List<String> serviceJvm;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RevealBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("keyless-bench");
        BenchDatabase database = "mariadb".equals(db) ? BenchDatabase.mariadb() : BenchDatabase.h2();
        RSAKey platformKey = TestKeys.rsa("gh-bench-1");
        JwksServer jwks = new JwksServer("/.well-known/jwks", platformKey.toPublicJWK());
        Secrets secrets = Secrets.random();
        ServiceProcess service = null;
        try {
            service = ServiceProcess.start(
                    new ServiceProcess.Launch(
                            serviceJar, serviceJvm, dir, ExchangeBenchmark.TEAM, database.environment()),
                    secrets);
            new TeamBootstrap(service.uri(), ExchangeBenchmark.TEAM)
                    .configure(secrets.bootstrapToken(), jwks.jwksUri());
            grantSecret(service.uri(), secrets.bootstrapToken());
            List<KeylessClient> http = new ArrayList<>();
            for (int i = 0; i < httpClients; i++) {
                http.add(new KeylessClient(
                        service.uri(),
                        ExchangeBenchmark.TEAM,
                        HttpClient.newBuilder()
                                .version(HttpClient.Version.HTTP_1_1)
                                .build(),
                        Duration.ofSeconds(30)));
            }
            String[] tokens = Workload.platformTokens(platformKey, clients);
            String[] access = new String[clients];
            for (int i = 0; i < clients; i++) {
                access[i] = http.get(i % httpClients)
                        .authenticate(TeamBootstrap.CONNECTION, tokens[i], "deployer")
                        .accessToken();
            }
            System.out.printf(
                    Locale.ROOT,
                    "reveal benchmark: db=%s clients=%d value=%d bytes, service %s%n",
                    db,
                    clients,
                    valueBytes,
                    String.join(" ", serviceJvm));
            phase("warm-up", http, access, Duration.ofSeconds(warmupSeconds));
            long errors = phase("run", http, access, Duration.ofSeconds(seconds));
            return errors == 0 ? 0 : 1;
        } finally {
            if (service != null) {
                service.close();
            }
            jwks.close();
            database.close();
            ServiceProcess.deleteTree(dir);
        }
    }

    /** A resource admin, the folder {@code /bench/app}, the secret {@code value}, and a reveal grant. */
    private void grantSecret(URI service, String security) throws Exception {
        Admin admin = new Admin(service.resolve("/v1/teams/" + ExchangeBenchmark.TEAM + "/"));
        String resources = admin.post("admins", security, "{\"name\":\"vault\",\"role\":\"resource_admin\"}", 201)
                .replaceAll("(?s).*\"token\":\"([^\"]+)\".*", "$1");
        admin.post("secret-folders", resources, "{\"path\":\"/bench/app\"}", 201);
        admin.post(
                "secrets",
                resources,
                "{\"path\":\"/bench/app\",\"name\":\"value\",\"value\":\"" + "v".repeat(valueBytes) + "\"}",
                201);
        admin.post(
                "policies",
                security,
                "{\"name\":\"bench-secrets\",\"roles\":[\"deployer\"],"
                        + "\"secrets\":[{\"path\":\"/bench/app/*\",\"actions\":[\"reveal\"]}]}",
                201);
    }

    private long phase(String name, List<KeylessClient> http, String[] access, Duration length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + length.toNanos();
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Future<long[]>> parts = new ArrayList<>();
        Histogram all = new Histogram(MAX_LATENCY_MICROS, 3);
        List<Histogram> mine = new ArrayList<>();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Histogram h = new Histogram(MAX_LATENCY_MICROS, 3);
            mine.add(h);
            KeylessClient client = http.get(c % http.size());
            String token = access[c];
            parts.add(pool.submit(() -> {
                long ok = 0;
                long failed = 0;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        client.revealSecret(token, "/bench/app", "value", null);
                        ok++;
                        h.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - t0) / 1000));
                    } catch (KeylessProblemException e) {
                        failed++;
                        firstError.compareAndSet(null, e.problem().check());
                    }
                }
                return new long[] {ok, failed};
            }));
        }
        long ok = 0;
        long failed = 0;
        for (Future<long[]> part : parts) {
            long[] counts = part.get();
            ok += counts[0];
            failed += counts[1];
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        pool.shutdown();
        mine.forEach(all::add);
        System.out.printf(
                Locale.ROOT,
                "%-8s reveals %7d  errors %d%s  %8.1f reveals/s  p50 %6.2f ms  p99 %6.2f ms  max %7.2f ms%n",
                name,
                ok,
                failed,
                firstError.get() == null ? "" : " (first: " + firstError.get() + ")",
                ok / elapsed,
                all.getValueAtPercentile(50) / 1000.0,
                all.getValueAtPercentile(99) / 1000.0,
                all.getMaxValue() / 1000.0);
        return failed;
    }

    /** Minimal admin calls; the answers' tokens are never printed. */
    private record Admin(URI team) {
        String post(String path, String bearer, String json, int expected) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(team.resolve(path))
                                    .header("Authorization", "Bearer " + bearer)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException("set-up: POST " + path + " answered " + r.statusCode());
            }
            return r.body();
        }
    }
}
