package dev.keyless.service.audit.stream;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the chain to one sink from this replica while it holds the sink's lease: per team, the
 * chained events past the sink's cursor in sequence order, then the checkpoints they cover; the
 * cursor moves only after the sink has taken the batch. So a crash anywhere resends from the last
 * acknowledged record (at least once, in order per team), and nothing waits on a request thread.
 *
 * <p>The cursor moves only in a transaction that first renews the lease for this holder: a
 * delivery that outlasted the lease (a receiver that stalled, a paused process) finds another
 * replica holding it, leaves the cursor to that replica, and stands by (it streams again only
 * once it takes an expired lease); the lease is checked again before each team's batch. Such a late batch can reach the receiver after the new
 * holder's copy of it: a duplicate that goes back, never a gap.
 */
final class SinkWorker implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);

    private final AuditSink sink;
    private final Db db;
    private final Clock clock;
    private final StreamSettings settings;
    private final String holder;
    private final Backoff backoff;
    private final KeylessMetrics metrics;
    private volatile boolean running = true;
    private Instant leaseUntil = Instant.EPOCH;

    SinkWorker(AuditSink sink, Db db, Clock clock, StreamSettings settings, String holder, KeylessMetrics metrics) {
        this.sink = sink;
        this.db = db;
        this.clock = clock;
        this.settings = settings;
        this.holder = holder;
        this.backoff = new Backoff(settings.maxBackoff());
        this.metrics = metrics;
    }

    @Override
    public void run() {
        while (running) {
            try {
                int sent = holdsLease() ? pass() : 0;
                backoff.reset();
                if (sent == 0) {
                    Thread.sleep(settings.pollInterval().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                Duration pause = backoff.next();
                // The exception's class only: messages of HTTP and TLS failures can carry the URL.
                LOG.warn(
                        "audit sink '{}' failed ({}); resending from its cursor in {} ms",
                        sink.name(),
                        e.getClass().getSimpleName(),
                        pause.toMillis());
                sink.reset();
                sleep(pause);
            }
        }
    }

    void stop() {
        running = false;
    }

    /** One last pass at shutdown, within the caller's time budget, then the lease is given up. */
    void drainAndRelease() {
        try {
            if (holdsLease()) {
                while (pass() > 0) {
                    // until caught up
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn(
                    "audit sink '{}' could not drain at shutdown ({}); the next holder resends",
                    sink.name(),
                    e.getClass().getSimpleName());
        } finally {
            sink.reset();
            try {
                db.write(c -> {
                    StreamRepository.release(c, sink.name(), holder);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("audit sink '{}' lease not released; it expires by itself", sink.name());
            }
        }
    }

    private boolean holdsLease() {
        Instant now = clock.instant();
        if (now.isBefore(leaseUntil.minus(settings.lease().dividedBy(2)))) {
            return true;
        }
        Instant until = now.plus(settings.lease());
        boolean held = db.write(c -> StreamRepository.lease(c, sink.name(), holder, now, until));
        leaseUntil = held ? until : Instant.EPOCH;
        return held;
    }

    /** Sends one batch per team; returns how many records went out. */
    private int pass() throws IOException {
        int sent = 0;
        for (String team : db.read(StreamRepository::teams)) {
            // a delivery for the team before may have outlasted the lease
            if (!holdsLease()) {
                return sent;
            }
            sent += pump(team);
        }
        return sent;
    }

    private int pump(String team) throws IOException {
        StreamRepository.Cursor cursor = db.read(c -> StreamRepository.cursor(c, sink.name(), team));
        int batch = settings.batchSize();
        List<StreamRepository.EventRow> events = db.read(c -> StreamRepository.events(c, team, cursor.seq(), batch));
        long upTo =
                events.isEmpty() ? cursor.seq() : events.get(events.size() - 1).seq();
        List<StreamRepository.CheckpointRow> checkpoints =
                db.read(c -> StreamRepository.checkpoints(c, team, cursor, upTo, batch));
        if (events.isEmpty() && checkpoints.isEmpty()) {
            return 0;
        }
        List<StreamItem> items = new ArrayList<>(events.size() + checkpoints.size());
        events.forEach(e -> items.add(StreamRecords.event(e)));
        StreamRepository.Cursor next =
                new StreamRepository.Cursor(upTo, cursor.checkpointSeq(), cursor.checkpointTime());
        for (StreamRepository.CheckpointRow cp : checkpoints) {
            items.add(StreamRecords.checkpoint(team, cp.seq(), Instant.ofEpochMilli(cp.signedAt()), cp.body()));
            next = new StreamRepository.Cursor(upTo, cp.seq(), cp.signedAt());
        }
        Instant started = clock.instant();
        sink.deliver(items);
        metrics.streamBatch(sink.name());
        StreamRepository.Cursor acknowledged = next;
        Instant until = clock.instant().plus(settings.lease());
        boolean held = db.write(c -> {
            if (!StreamRepository.stillHeld(c, sink.name(), holder, until)) {
                return false;
            }
            StreamRepository.advance(c, sink.name(), team, acknowledged);
            return true;
        });
        if (!held) {
            // Stuck in this delivery past the lease: another replica took over from the cursor and
            // resends this batch itself. Only the lease holder moves the cursor, so it has one writer.
            LOG.warn(
                    "audit sink '{}' lost its lease during a delivery of {} ms (lease {} ms); another replica"
                            + " streams from the cursor, this one stands by",
                    sink.name(),
                    Duration.between(started, clock.instant()).toMillis(),
                    settings.lease().toMillis());
            metrics.streamLeaseLost(sink.name());
            leaseUntil = Instant.EPOCH;
            sink.reset();
            return 0;
        }
        leaseUntil = until;
        return items.size();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
