package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import dev.keyless.service.metrics.KeylessMetrics;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-server event queue agents long-poll. Events live in the database, ordered under a head
 * row lock, so any replica can append and any replica can answer the poll.
 *
 * <p>A poll that finds nothing holds no thread while it waits: it is a future, completed when an
 * event for its server commits on this replica (at once), when the periodic check sees another
 * replica's event (one query of the queue heads every 200 ms, however many agents wait), or empty
 * at its deadline. A fleet of agents each long-polling would otherwise occupy as many request
 * threads, and a few hundred servers would starve every workload request.
 *
 * <p>All of that runs on one thread, the poll sweeper. A new poll must be checked once more after
 * it is registered (an event may have committed between its first read and its registration);
 * those rechecks are batched: one read of the queue heads of up to {@value #RECHECK_BATCH} new polls,
 * then the events only of those whose head moved. One read per new poll (as before) put 760 reads
 * a second on that thread for 19,000 agents polling every 25 s. Its reads are timed by kind in
 * {@code keyless.agent.poll.queries}.
 *
 * <p>Its SQL stays here, by hand, rather than in a repository: the order of events rests on exactly
 * which row is locked when (the {@code agent_event_head} row, by the {@code UPDATE} that moves it, then the insert under it),
 * and that locking is the queue's design, not storage detail to hide behind a table API.
 */
@Singleton
public class AgentEventQueue {
    public static final String SESSION_START = "session.start";
    public static final String SESSION_END = "session.end";
    private static final Logger LOG = LoggerFactory.getLogger(AgentEventQueue.class);
    private static final Duration RECHECK = Duration.ofMillis(200);
    private static final int PAGE = 100;
    private static final int RECHECK_BATCH = 500;

    /** A long poll waiting for an event of its server after {@code after}. */
    private record Waiter(
            String team, String server, long after, Instant deadline, CompletableFuture<List<AgentEvent>> result) {}

    private final Db db;
    private final Clock clock;
    private final Map<String, Set<Waiter>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService checker;
    /** New polls not rechecked yet, and whether a recheck pass is queued on the sweeper. */
    private final Queue<Waiter> fresh = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean recheckQueued = new AtomicBoolean();
    private final Timer recheckReads;
    private final Timer headReads;
    private final Timer pageReads;

    AgentEventQueue(Db db, Clock clock, KeylessMetrics metrics) {
        this.db = db;
        this.clock = clock;
        this.recheckReads = metrics.agentPollQuery("recheck");
        this.headReads = metrics.agentPollQuery("heads");
        this.pageReads = metrics.agentPollQuery("page");
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyless-agent-polls");
            t.setDaemon(true);
            return t;
        });
        var unused = checker.scheduleWithFixedDelay(
                this::checkAll, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Queues an event for the server's agent, inside the caller's transaction. The head row is
     * locked by the UPDATE that moves it: a SELECT ... FOR UPDATE after a duplicate INSERT of the
     * head (as before) first took a shared lock, and two requests holding it deadlocked on the
     * upgrade. Callers append last, so the lock is held only until their commit.
     */
    public void append(Connection c, String team, String server, String type, String sessionId) throws SQLException {
        if (Db.update(c, "UPDATE agent_event_head SET seq = seq + 1 WHERE team = ? AND server = ?", team, server)
                == 0) {
            // The server's first event. A concurrent first event makes this a duplicate; the
            // UPDATE then waits for the row and moves it.
            if (!Db.insertIfAbsent(
                    c, "INSERT INTO agent_event_head (team, server, seq) VALUES (?, ?, 1)", team, server)) {
                Db.update(c, "UPDATE agent_event_head SET seq = seq + 1 WHERE team = ? AND server = ?", team, server);
            }
        }
        long seq = Db.queryOne(
                        c,
                        "SELECT seq FROM agent_event_head WHERE team = ? AND server = ?",
                        rs -> rs.getLong(1),
                        team,
                        server)
                .orElseThrow();
        // The head's UPDATE held the row, so a duplicate here is a Galera node that had not yet
        // applied another node's event when it read the head: retried, then numbered after it.
        if (!Db.insertIfAbsent(
                c,
                "INSERT INTO agent_event (team, server, seq, type, session_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                team,
                server,
                seq,
                type,
                sessionId,
                clock.instant())) {
            throw Db.lostRace("another node numbered an event of this server the same", null);
        }
        // Pollers can read the event only once it has committed.
        db.afterCommit(() -> wake(team, server));
    }

    /** Events after {@code after}; if there are none yet, completes with the first ones within {@code wait}. */
    CompletableFuture<List<AgentEvent>> poll(String team, String server, long after, Duration wait) {
        List<AgentEvent> events = db.read(c -> page(c, team, server, after));
        if (!events.isEmpty() || wait.isZero() || wait.isNegative()) {
            return CompletableFuture.completedFuture(events);
        }
        Waiter waiter = new Waiter(team, server, after, clock.instant().plus(wait), new CompletableFuture<>());
        waiting.computeIfAbsent(key(team, server), k -> ConcurrentHashMap.newKeySet())
                .add(waiter);
        // An event that committed between the query above and the registration would otherwise
        // wait for the next periodic check.
        fresh.add(waiter);
        if (recheckQueued.compareAndSet(false, true)) {
            try {
                checker.execute(this::recheckFresh);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shutting down: stop() answers every waiting poll
            }
        }
        return waiter.result();
    }

    /**
     * Rechecks the polls registered since the last pass: one read of their queue heads per team and
     * {@value #RECHECK_BATCH} servers, then {@link #check} for those whose head is past their
     * {@code after}. A failed read is left to the periodic pass, 200 ms later.
     */
    private void recheckFresh() {
        recheckQueued.set(false);
        Map<String, Map<String, Long>> byTeam = new HashMap<>();
        for (Waiter w = fresh.poll(); w != null; w = fresh.poll()) {
            byTeam.computeIfAbsent(w.team(), t -> new HashMap<>()).merge(w.server(), w.after(), Math::min);
        }
        byTeam.forEach((team, afters) -> {
            List<String> servers = new ArrayList<>(afters.keySet());
            for (int from = 0; from < servers.size(); from += RECHECK_BATCH) {
                List<String> batch = servers.subList(from, Math.min(servers.size(), from + RECHECK_BATCH));
                try {
                    heads(team, batch).forEach((server, head) -> {
                        if (afters.get(server) < head) {
                            check(key(team, server));
                        }
                    });
                } catch (RuntimeException e) {
                    LOG.warn("rechecking new agent polls failed (the periodic pass retries): {}", e.toString());
                }
            }
        });
    }

    /** The queue heads of {@code servers} of {@code team} (a server without events has none). */
    private Map<String, Long> heads(String team, List<String> servers) {
        Object[] params = new Object[servers.size() + 1];
        params[0] = team;
        for (int i = 0; i < servers.size(); i++) {
            params[i + 1] = servers.get(i);
        }
        String sql = "SELECT server, seq FROM agent_event_head WHERE team = ? AND server IN ("
                + String.join(", ", java.util.Collections.nCopies(servers.size(), "?")) + ")";
        Map<String, Long> heads = new HashMap<>();
        recheckReads.record(
                () -> db.read(c -> Db.query(c, sql, rs -> Map.entry(rs.getString(1), rs.getLong(2)), params))
                        .forEach(e -> heads.put(e.getKey(), e.getValue())));
        return heads;
    }

    private void wake(String team, String server) {
        try {
            checker.execute(() -> check(key(team, server)));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // shutting down: stop() answers every waiting poll
        }
    }

    /** Answers the waiting polls of one server that now have events. */
    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a concurrent key set: iteration tolerates removal
    private void check(String key) {
        Set<Waiter> waiters = waiting.get(key);
        if (waiters == null) {
            return;
        }
        for (Waiter w : waiters) {
            try {
                List<AgentEvent> events =
                        pageReads.record(() -> db.read(c -> page(c, w.team(), w.server(), w.after())));
                if (!events.isEmpty()) {
                    finish(key, w, events);
                }
            } catch (RuntimeException e) {
                waiters.remove(w);
                w.result().completeExceptionally(e);
            }
        }
    }

    /** The periodic pass: ends polls past their deadline and finds events other replicas queued. */
    private void checkAll() {
        try {
            Instant now = clock.instant();
            waiting.forEach((key, waiters) -> waiters.forEach(w -> {
                if (!now.isBefore(w.deadline())) {
                    finish(key, w, List.of());
                }
            }));
            if (waiting.values().stream().allMatch(Set::isEmpty)) {
                return;
            }
            Map<String, Long> heads = new HashMap<>();
            headReads
                    .record(() -> db.read(c -> Db.query(
                            c,
                            "SELECT team, server, seq FROM agent_event_head",
                            rs -> Map.entry(key(rs.getString(1), rs.getString(2)), rs.getLong(3)))))
                    .forEach(head -> heads.put(head.getKey(), head.getValue()));
            waiting.forEach((key, waiters) -> {
                long head = heads.getOrDefault(key, 0L);
                if (waiters.stream().anyMatch(w -> w.after() < head)) {
                    check(key);
                }
            });
        } catch (RuntimeException e) {
            // The next pass tries again; a poll still ends at its deadline.
            LOG.warn("checking the agents' event queues failed: {}", e.toString());
        }
    }

    private void finish(String key, Waiter w, List<AgentEvent> events) {
        // The (possibly empty) set stays in the map: removing it could race with a poll adding to it.
        waiting.get(key).remove(w);
        w.result().complete(events);
    }

    @PreDestroy
    void stop() {
        checker.shutdownNow();
        waiting.forEach((key, waiters) -> waiters.forEach(w -> w.result().complete(List.of())));
        waiting.clear();
    }

    private static List<AgentEvent> page(Connection c, String team, String server, long after) throws SQLException {
        return Db.query(
                c,
                "SELECT e.seq, e.type, s.id, s.role, s.principal, s.serial, s.sudo, s.valid_before, s.state"
                        + " FROM agent_event e JOIN ssh_session s ON s.id = e.session_id"
                        + " WHERE e.team = ? AND e.server = ? AND e.seq > ? ORDER BY e.seq LIMIT " + PAGE,
                rs -> new AgentEvent(
                        rs.getLong(1),
                        rs.getString(2),
                        new AgentSession(
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                Json.readStrings(rs.getString(7)),
                                Instant.ofEpochMilli(rs.getLong(8)),
                                SessionState.valueOf(rs.getString(9)))),
                team,
                server,
                after);
    }

    private static String key(String team, String server) {
        return team + "/" + server;
    }
}
