package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Db;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for the audit chain. Callers hand over an event and wait until it is durable; one
 * writer thread takes every event waiting at that moment and appends them in one transaction
 * under the team's head lock. That turns hundreds of commits (each an fsync on MySQL) into one,
 * keeps the chain strictly ordered, and across replicas the head row lock does the ordering.
 */
@Singleton
final class AuditWriter {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final int MAX_BATCH = 512;

    record Pending(AuditEvent event, CompletableFuture<AuditEvent> done) {}

    private final Db db;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread thread;
    private volatile boolean running = true;

    AuditWriter(Db db) {
        this.db = db;
        this.thread = new Thread(this::run, "keyless-audit-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Queues an unchained event (seq, hashes unset) and returns when it is chained and stored. */
    CompletableFuture<AuditEvent> submit(AuditEvent event) {
        CompletableFuture<AuditEvent> done = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(event, done))) {
            done.completeExceptionally(new IllegalStateException("audit writer is not accepting events"));
        }
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        Map<String, List<Pending>> byTeam = new LinkedHashMap<>();
        for (Pending p : batch) {
            byTeam.computeIfAbsent(p.event().team(), t -> new ArrayList<>()).add(p);
        }
        List<AuditEvent> stored = new ArrayList<>(batch.size());
        try {
            db.write(c -> {
                stored.clear();
                for (Map.Entry<String, List<Pending>> team : byTeam.entrySet()) {
                    stored.addAll(append(c, team.getKey(), team.getValue()));
                }
                return null;
            });
            int i = 0;
            for (List<Pending> team : byTeam.values()) {
                for (Pending p : team) {
                    p.done().complete(stored.get(i++));
                }
            }
        } catch (RuntimeException e) {
            LOG.error("audit batch of {} events failed; the requests that made them fail too", batch.size(), e);
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    private static List<AuditEvent> append(Connection c, String team, List<Pending> events) throws SQLException {
        AuditRepository.Head head = AuditRepository.lockHead(c, team);
        long seq = head.seq();
        String previous = head.hash();
        List<AuditEvent> chained = new ArrayList<>(events.size());
        for (Pending p : events) {
            AuditEvent e = p.event();
            seq++;
            AuditEvent placed = AuditChain.link(e, seq, previous, null);
            String hash = AuditChain.hash(previous, AuditChain.canonicalBody(placed));
            chained.add(AuditChain.withHash(placed, hash));
            previous = hash;
        }
        AuditRepository.insert(c, chained);
        AuditRepository.moveHead(c, team, seq, previous);
        return chained;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
