package dev.keyless.bench;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * One timed phase: {@code clients} threads each loop over "exchange a platform token, then request
 * a certificate with the access token" until the phase's time is up or its pre-minted tokens run
 * out, whichever comes first. Latency is per pair, in microseconds.
 */
final class LoadPhase {
    private static final long MAX_LATENCY_MICROS = Duration.ofMinutes(2).toNanos() / 1000;

    private final List<KeylessClient> clients;
    private final String[] publicKeys;
    private final Resources resources;

    /**
     * @param clients the HTTP clients, shared round-robin by the load threads
     * @param publicKeys one OpenSSH public key line per load thread
     */
    LoadPhase(List<KeylessClient> clients, String[] publicKeys, Resources resources) {
        this.clients = clients;
        this.publicKeys = publicKeys;
        this.resources = resources;
    }

    PhaseResult run(String[] tokens, Duration length) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Histogram all = new Histogram(MAX_LATENCY_MICROS, 3);
        List<Thread> threads = new ArrayList<>();
        Resources.Sample before = resources.sample();
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        for (int i = 0; i < publicKeys.length; i++) {
            KeylessClient client = clients.get(i % clients.size());
            String key = publicKeys[i];
            Thread thread = new Thread(
                    () -> {
                        Histogram mine = new Histogram(MAX_LATENCY_MICROS, 3);
                        while (System.nanoTime() < deadline) {
                            int n = next.getAndIncrement();
                            if (n >= tokens.length) {
                                break;
                            }
                            long t0 = System.nanoTime();
                            try {
                                AccessToken access = client.authenticate(TeamBootstrap.CONNECTION, tokens[n], null);
                                client.requestCertificate(access.accessToken(), TeamBootstrap.SERVER, key);
                                mine.recordValue(Math.min((System.nanoTime() - t0) / 1000, MAX_LATENCY_MICROS));
                            } catch (KeylessProblemException e) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(
                                        null, "problem " + e.problem().check());
                            } catch (RuntimeException e) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                            }
                        }
                        synchronized (all) {
                            all.add(mine);
                        }
                    },
                    "load-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        long end = System.nanoTime();
        Resources.Usage usage = resources.since(before);
        return new PhaseResult(
                all.getTotalCount(),
                errors.get(),
                firstError.get(),
                Duration.ofNanos(end - start),
                all,
                usage,
                next.get() >= tokens.length);
    }
}
