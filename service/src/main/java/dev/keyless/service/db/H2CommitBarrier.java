package dev.keyless.service.db;

import io.micronaut.context.annotation.Value;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the embedded H2 database, so that acknowledged means durable without a file
 * write per transaction.
 *
 * <p>H2 keeps committed transactions in memory and writes them to its file in the background
 * (every 500 ms by default): a {@code kill -9} loses what was committed since. Writing at every
 * commit ({@code WRITE_DELAY=0}) is durable but costs a store write per transaction, which cut the
 * exchange's throughput by more than half. Instead, a writer that committed waits here for the
 * next write of H2's store, which one flusher thread makes for everyone who committed before it
 * started: one store write per batch of commits, as a database's own group commit does. MySQL and
 * MariaDB make their commits durable themselves; there this class does nothing.
 */
@Singleton
final class H2CommitBarrier {
    private static final Logger LOG = LoggerFactory.getLogger(H2CommitBarrier.class);

    private final TransactionOperations<Connection> transactions;
    private final boolean enabled;
    private final Object lock = new Object();
    private long requested;
    private long flushed;
    private RuntimeException failure;
    private volatile boolean running = true;
    private final Thread flusher;
    private MVStore store;

    private final long spacingNanos;

    H2CommitBarrier(
            TransactionOperations<Connection> transactions,
            @Value("${datasources.default.url:}") String url,
            @Value("${keyless.h2.store-write-spacing-ms:10}") long spacingMillis) {
        this.transactions = transactions;
        this.spacingNanos = spacingMillis * 1_000_000L;
        this.enabled = url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:");
        this.flusher = new Thread(this::run, "keyless-h2-commit-barrier");
        this.flusher.setDaemon(true);
        if (enabled) {
            flusher.start();
        }
    }

    /** Returns once everything committed before this call is in the database file. */
    void awaitDurable() {
        if (!enabled) {
            return;
        }
        synchronized (lock) {
            long ticket = ++requested;
            lock.notifyAll();
            while (flushed < ticket) {
                if (!running) {
                    return; // stopping: H2 writes everything committed when it closes
                }
                try {
                    lock.wait(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DatabaseUnavailableException("Interrupted while the commit was made durable");
                }
            }
            if (failure != null) {
                throw failure; // the latest checkpoint, which covered this commit, failed
            }
        }
    }

    private void run() {
        long lastStart = System.nanoTime() - spacingNanos;
        boolean crowded = false;
        while (running) {
            long target;
            // Under concurrency, store writes start at most every spacing (10 ms by default): each
            // one rewrites the changed B-tree pages up to their roots, so fewer, larger writes cost
            // less CPU (measured in bench/README.md: +10 % pairs/s at 10 ms, p99 no worse). The
            // spacing only applies when more than one commit arrived while the last write ran, i.e.
            // writers are queueing: a lone writer (one admin onboarding servers one at a time) is
            // written at once, so its commit waits for one store write, not for the spacing. One
            // commit during a write is no queue: it is mostly the audit chainer linking the events
            // of the commit being written.
            long wait = lastStart + spacingNanos - System.nanoTime();
            if (crowded && wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                } catch (InterruptedException e) {
                    return;
                }
            }
            synchronized (lock) {
                while (running && requested == flushed) {
                    try {
                        lock.wait(1_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                target = requested;
            }
            RuntimeException failed = null;
            lastStart = System.nanoTime();
            try {
                store().commit();
            } catch (RuntimeException e) {
                LOG.warn("H2 store write failed: {}", SqlFailures.describe(e));
                failed = new DatabaseUnavailableException("The database could not make the change durable");
            }
            synchronized (lock) {
                flushed = target;
                failure = failed;
                crowded = requested - target > 1;
                lock.notifyAll();
            }
        }
    }

    /**
     * H2's own store, whose {@code commit()} writes what changed since its last write: what H2's
     * background writer does, here on demand. H2 offers no SQL for it ({@code CHECKPOINT} does
     * far more and cost as much as a write per transaction).
     */
    private MVStore store() {
        if (store == null) {
            store = transactions.executeRead(status -> {
                JdbcConnection h2 = status.getConnection().unwrap(JdbcConnection.class);
                return ((SessionLocal) h2.getSession()).getDatabase().getStore().getMvStore();
            });
        }
        return store;
    }

    @PreDestroy
    void stop() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
    }
}
