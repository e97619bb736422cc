package dev.keyless.bench;

import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * What one timed phase measured.
 *
 * @param pairs exchange + certificate pairs that both succeeded
 * @param tokensExhausted true if the phase ended because its pre-minted tokens ran out
 */
record PhaseResult(
        long pairs,
        long errors,
        String firstError,
        Duration elapsed,
        Histogram latencyMicros,
        Resources.Usage usage,
        boolean tokensExhausted) {

    double pairsPerSecond() {
        return pairs / (elapsed.toNanos() / 1e9);
    }

    double millis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    double maxMillis() {
        return latencyMicros.getMaxValue() / 1000.0;
    }
}
