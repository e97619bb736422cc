package dev.keyless.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/** What the simulated fleet did: requests by kind and errors by cause (the first message of each). */
final class FleetCounters {
    final LongAdder polls = new LongAdder();
    final LongAdder reconciles = new LongAdder();
    final LongAdder reports = new LongAdder();
    final LongAdder errors = new LongAdder();
    final Map<String, String> firstErrors = new ConcurrentHashMap<>();
    /**
     * How much later than its {@code wait_seconds} an empty poll answer came, in microseconds (as
     * this tool saw it: sending, the service's deadline pass, and the answer's way back); reset at
     * the start of the measured window.
     */
    final ConcurrentHistogram emptyPollLateMicros = new ConcurrentHistogram(120_000_000L, 3);

    void error(String kind, Throwable failure) {
        errors.increment();
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        firstErrors.putIfAbsent(kind, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }

    record Snapshot(long polls, long reconciles, long reports, long errors) {
        Snapshot minus(Snapshot before) {
            return new Snapshot(
                    polls - before.polls,
                    reconciles - before.reconciles,
                    reports - before.reports,
                    errors - before.errors);
        }
    }

    Snapshot snapshot() {
        return new Snapshot(polls.sum(), reconciles.sum(), reports.sum(), errors.sum());
    }
}
