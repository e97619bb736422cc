package dev.keyless.client.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * When and how often a job's cleanup runs, whoever starts it: {@link #close} from the job's
 * thread, or the JVM shutdown hook on SIGINT/SIGTERM (a cancelled GitHub Actions job gets SIGINT,
 * then SIGTERM 7.5 s later, then SIGKILL). The first caller runs the cleanup once; the other waits
 * for it, because the JVM halts as soon as the shutdown hook returns. Each step of opening that
 * creates something the cleanup must undo runs in {@link #whileOpen}, under the lock the cleanup
 * waits (briefly) for, so a cleanup that starts meanwhile sees what the step created. Thread-safe.
 */
final class JobCleanup {
    /**
     * How long a second closer (say, the shutdown hook) waits for the first one to finish: longer
     * than a whole cleanup (2 s to stop the command, 3 s for a request in flight, 4 s per session),
     * since a hook that stops waiting lets the JVM halt mid-cleanup.
     */
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);

    /** How long cleanup waits for a certificate request in flight, so it can close that session too. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(3);

    private final JobListener listener;
    private final Runnable stop;
    private final Runnable undo;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    /** Held by each step of opening that creates something cleanup must undo. */
    private final ReentrantLock creating = new ReentrantLock();

    private final Thread shutdownHook;

    /**
     * @param stop run first, without waiting for a step in flight (stops the job's command)
     * @param undo run next, once a step in flight has ended or after {@link #IN_FLIGHT_WAIT}
     */
    JobCleanup(JobListener listener, Runnable stop, Runnable undo) {
        this.listener = listener;
        this.stop = stop;
        this.undo = undo;
        this.shutdownHook = new Thread(this::cleanup, "keyless-cleanup");
    }

    /** Makes the cleanup run at JVM shutdown too. */
    void installShutdownHook() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    boolean closed() {
        return closed.get();
    }

    /**
     * Runs a step of opening that creates something cleanup must undo, under the lock cleanup waits
     * for (SIGINT during open sees what the step created, a certificate request's session included),
     * and only while the job is not closed.
     */
    <T> T whileOpen(Supplier<T> step) {
        creating.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("the job was closed while it was being opened (cancelled)");
            }
            return step.get();
        } finally {
            creating.unlock();
        }
    }

    /** Cleans up (or waits for the cleanup under way) and removes the shutdown hook; idempotent. */
    void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from or during shutdown: the hook is running or has run.
        }
    }

    private void cleanup() {
        if (!closed.compareAndSet(false, true)) {
            awaitCleanup();
            return;
        }
        try {
            stop.run();
            boolean locked = awaitInFlight();
            try {
                undo.run();
            } finally {
                if (locked) {
                    creating.unlock();
                }
            }
        } finally {
            cleanedUp.countDown();
        }
    }

    /**
     * Waits for the thread that won the race to finish cleaning up. The JVM halts as soon as its
     * shutdown hooks return, whatever other threads are doing: if the main thread began closing
     * (the command ended as the signal came, e.g. a Ctrl-C sent to the whole process group) and
     * the hook returned at once, the JVM stopped mid-request and the session stayed open.
     */
    private void awaitCleanup() {
        try {
            if (!cleanedUp.await(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                listener.warn("cleanup still running after " + CLEANUP_WAIT.toSeconds() + " s; not waiting longer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a step of opening in flight (a certificate request); true if it now holds the lock. */
    private boolean awaitInFlight() {
        try {
            if (creating.tryLock(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.warn("a certificate request was still in flight after " + IN_FLIGHT_WAIT.toSeconds()
                + " s; its session, if one was created, ends when its certificate expires");
        return false;
    }
}
