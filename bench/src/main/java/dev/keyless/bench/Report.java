package dev.keyless.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Prints progress and the final report. Never prints a token, key or the bootstrap secret. */
final class Report {
    private final String db;
    private final int clients;
    private final Goal goal;

    Report(String db, int clients, Goal goal) {
        this.db = db;
        this.clients = clients;
        this.goal = goal;
    }

    void intro(List<String> serviceJvm, int httpClients) {
        line(
                "bench: db=%s clients=%d http-clients=%d service-jvm=%s cores=%d",
                db, clients, httpClients, String.join(" ", serviceJvm), cores());
    }

    void minted(int count, Duration took) {
        line("bench: minted %d platform tokens in %.1f s (not timed)", count, took.toMillis() / 1000.0);
    }

    void phase(String name, PhaseResult r) {
        Resources.Usage u = r.usage();
        line(
                "%-8s %7d pairs %4d errors %8.1f pairs/s  p50 %6.1f  p90 %6.1f  p99 %6.1f  max %7.1f ms"
                        + "  | cpu cores: service %.2f, load %.2f, mariadb %.2f, other %.2f, machine %.2f%s",
                name,
                r.pairs(),
                r.errors(),
                r.pairsPerSecond(),
                r.millis(50),
                r.millis(90),
                r.millis(99),
                r.maxMillis(),
                u.service(),
                u.loadGenerator(),
                u.database(),
                u.other(),
                u.machineBusy(),
                r.tokensExhausted() ? "  (tokens ran out before the clock)" : "");
        if (r.firstError() != null) {
            line("         first error: %s", r.firstError());
        }
    }

    void summary(List<PhaseResult> runs, ProcStats.Memory memory, double ceilingPerCore) {
        double throughput = median(runs, PhaseResult::pairsPerSecond);
        double p99 = median(runs, r -> r.millis(99));
        long pairs = runs.stream().mapToLong(PhaseResult::pairs).sum();
        long errors = runs.stream().mapToLong(PhaseResult::errors).sum();
        double ceiling = ceilingPerCore * cores();
        line("");
        line(
                "== Keyless exchange benchmark (%s of %d measured run%s) ==",
                runs.size() == 1 ? "result" : "median", runs.size(), runs.size() == 1 ? "" : "s");
        line("db                     %s", db);
        line("clients                %d", clients);
        line("pairs completed        %d (all runs)", pairs);
        line("errors                 %d%s", errors, firstError(runs));
        line("throughput             %.1f pairs/s", throughput);
        line(
                "latency ms             p50 %.1f  p90 %.1f  p99 %.1f  max %.1f",
                median(runs, r -> r.millis(50)),
                median(runs, r -> r.millis(90)),
                p99,
                median(runs, PhaseResult::maxMillis));
        line(
                "service cpu            %.2f cores (load generator %.2f, mariadb %.2f, other %.2f)",
                median(runs, r -> r.usage().service()),
                median(runs, r -> r.usage().loadGenerator()),
                median(runs, r -> r.usage().database()),
                median(runs, r -> r.usage().other()));
        line("service RSS            peak %d MiB, current %d MiB", memory.peakMiB(), memory.currentMiB());
        line(
                "crypto ceiling         %.0f pairs/s per core x %d cores = %.0f pairs/s",
                ceilingPerCore, cores(), ceiling);
        line("throughput / ceiling   %.3f", throughput / ceiling);
        boolean met = throughput >= goal.pairsPerSecond() && p99 < goal.p99Millis() && errors == 0;
        line(
                "goal                   >= %.0f pairs/s on %s and p99 < %.0f ms at %d clients: %s%s",
                goal.pairsPerSecond(),
                db,
                goal.p99Millis(),
                goal.clients(),
                met ? "MET" : "NOT MET",
                clients == goal.clients() ? "" : " (the goal is defined at " + goal.clients() + " clients)");
    }

    private static String firstError(List<PhaseResult> runs) {
        return runs.stream()
                .map(PhaseResult::firstError)
                .filter(e -> e != null)
                .findFirst()
                .map(e -> " (first: " + e + ")")
                .orElse("");
    }

    private static double median(List<PhaseResult> runs, ToDoubleFunction<PhaseResult> value) {
        return ExchangeBenchmark.median(runs.stream().mapToDouble(value).toArray());
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static void line(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
