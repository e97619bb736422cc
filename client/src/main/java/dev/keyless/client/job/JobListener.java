package dev.keyless.client.job;

import java.time.Duration;

/**
 * Hears each step of a {@link KeylessJob} with its duration, for {@code --debug} output and step
 * summaries. Messages never contain a token. Implementations must be thread-safe: cleanup may run
 * on a shutdown-hook thread.
 */
public interface JobListener {
    JobListener NONE = new JobListener() {
        @Override
        public void step(String message, Duration took) {}

        @Override
        public void warn(String message) {}
    };

    /** A step finished. */
    void step(String message, Duration took);

    /** Something went wrong that does not fail the job (e.g. a session close during cleanup). */
    void warn(String message);
}
