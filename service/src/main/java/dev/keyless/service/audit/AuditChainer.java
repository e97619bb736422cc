package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links committed audit events into each team's hash chain, in the order they were recorded.
 *
 * <p>Requests insert their events unchained in their own transactions, so no request waits for
 * another one's audit write and a failed request leaves no event. One chain pass per team takes
 * the team's head row lock, reads the oldest unchained events at READ COMMITTED (so it sees what
 * other replicas committed while it waited), links them and moves the head — one transaction, so a
 * pass that loses a race (a second replica's chainer, a Galera certification conflict) is rolled
 * back whole and retried. Any replica may chain; the head lock keeps the chain total and ordered.
 *
 * <p>Linking writes only the event's place (sequence number, previous hash, hash); its body stays
 * as it was recorded, so an event is written once. {@link AuditChain#canonicalBody(AuditEvent,
 * long, String)} puts the place into the body for hashing, so the hash covers it all the same.
 */
@Singleton
final class AuditChainer {
    private static final Logger LOG = LoggerFactory.getLogger(AuditChainer.class);
    static final int MAX_PASS = 1000;
    private static final long IDLE_POLL_MILLIS = 250;
    /**
     * How often every team is checked for unchained events, beyond the teams this replica recorded
     * events for: events another replica committed and left unchained when it stopped or crashed.
     */
    private static final long SWEEP_NANOS = 2_000_000_000L;

    private final Db db;
    private final Semaphore wake = new Semaphore(0);
    private final Set<String> recordedFor = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;

    AuditChainer(Db db) {
        this.db = db;
        this.thread = new Thread(this::run, "keyless-audit-chainer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Asks for a pass soon: an event of {@code team} was committed here. */
    void wake(String team) {
        recordedFor.add(team);
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** Chains every event of {@code team} committed so far; for readers that must see them. */
    void catchUp(String team) {
        while (chain(team) == MAX_PASS) {
            // a full pass: more may be waiting
        }
    }

    private void run() {
        // At start, a full look (events left unchained by the last run, of any team); then the teams
        // this replica recorded for, and every known team once per sweep.
        boolean everything = true;
        long lastSweep = System.nanoTime();
        while (running) {
            Set<String> teams = new LinkedHashSet<>();
            try {
                wake.tryAcquire(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                for (Iterator<String> i = recordedFor.iterator(); i.hasNext(); ) {
                    teams.add(i.next());
                    i.remove();
                }
                if (everything) {
                    teams.addAll(db.read(AuditRepository::teamsWithPending));
                    everything = false;
                } else if (System.nanoTime() - lastSweep > SWEEP_NANOS) {
                    teams.addAll(db.read(AuditRepository::knownTeamsWithPending));
                    lastSweep = System.nanoTime();
                }
                for (String team : teams) {
                    catchUp(team);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The events stay unchained and durable; the next pass tries these teams again.
                recordedFor.addAll(teams);
                LOG.warn("audit chain pass failed, will retry: {}", e.toString());
            }
        }
    }

    /** One pass for one team; returns how many events it linked. */
    private int chain(String team) {
        return db.writeReadCommitted(c -> {
            AuditRepository.Head head = AuditRepository.lockHead(c, team);
            List<AuditRepository.Pending> pending = AuditRepository.pending(c, team, MAX_PASS);
            if (pending.isEmpty()) {
                return 0;
            }
            long seq = head.seq();
            String previous = head.hash();
            List<AuditRepository.Link> links = new ArrayList<>(pending.size());
            for (AuditRepository.Pending p : pending) {
                AuditEvent recorded = Json.read(p.body(), AuditEvent.class);
                String hash = AuditChain.hash(previous, AuditChain.canonicalBody(recorded, ++seq, previous));
                links.add(new AuditRepository.Link(p.id(), seq, previous, hash));
                previous = hash;
            }
            AuditRepository.link(c, links);
            AuditRepository.moveHead(c, team, seq, previous);
            return links.size();
        });
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        wake.release();
        thread.join(5_000);
        try {
            for (String team : db.read(AuditRepository::teamsWithPending)) {
                catchUp(team);
            }
        } catch (RuntimeException e) {
            LOG.warn("final audit chain pass failed; the next start chains the rest: {}", e.toString());
        }
    }
}
