package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.protocol.AuditRequests.AuditVerification;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import dev.keyless.service.metrics.KeylessMetrics;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** The audit trail: append (durable before the caller goes on), query, verify. */
@Singleton
public class AuditService {
    private static final int VERIFY_PAGE = 1000;

    private final AuditChainer chainer;
    private final Db db;
    private final Clock clock;
    private final AtomicLong order = new AtomicLong();

    private final KeylessMetrics metrics;

    AuditService(AuditChainer chainer, Db db, Clock clock, KeylessMetrics metrics) {
        this.metrics = metrics;
        this.chainer = chainer;
        this.db = db;
        this.clock = clock;
    }

    /**
     * Records an event in the caller's transaction (or its own, outside one): it commits with the
     * change it records or not at all, so nothing is granted without its event and a failed request
     * leaves none. The returned event is not chained yet; the chainer links it right after commit.
     */
    public AuditEvent record(AuditEntry entry) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuditEvent event = new AuditEvent(
                0,
                EventIds.next(now),
                now,
                entry.type,
                entry.outcome,
                entry.actorType,
                entry.actorId,
                entry.team,
                entry.connection,
                entry.role,
                entry.subject,
                nullIfEmpty(entry.claims),
                entry.clientIp,
                entry.tokenId,
                entry.tokenTtlSeconds,
                entry.server,
                entry.sessionId,
                entry.serial,
                entry.reason,
                nullIfEmpty(entry.details),
                null,
                null);
        long recorded = order.incrementAndGet();
        long started = System.nanoTime();
        db.write(c -> {
            AuditRepository.insertPending(c, event, recorded);
            db.afterCommit(() -> chainer.wake(event.team()));
            return null;
        });
        metrics.auditWrite(Duration.ofNanos(System.nanoTime() - started));
        return event;
    }

    /**
     * Whether the event {@link #record} returned was committed: for a writer retried after a
     * failure that may have hit after its commit (a link broken during {@code COMMIT}), whose own
     * event then tells it that the earlier attempt took effect.
     */
    public boolean isRecorded(AuditEvent event) {
        return db.read(c -> AuditRepository.exists(c, event.id()));
    }

    private static Map<String, String> nullIfEmpty(Map<String, String> map) {
        return map.isEmpty() ? null : Map.copyOf(map);
    }

    public List<AuditEvent> find(String team, AuditQuery query) {
        chainer.catchUp(team);
        return db.read(c -> AuditRepository.find(c, team, query));
    }

    /** The team's chain head, after chaining what is committed; seq 0 and the genesis hash for none. */
    public ChainHead head(String team) {
        chainer.catchUp(team);
        AuditRepository.Head head = db.read(c -> AuditRepository.head(c, team));
        return new ChainHead(head.seq(), head.hash());
    }

    /** The stored hash of event {@code seq} of the team's chain, if it exists. */
    public java.util.Optional<String> hashAt(String team, long seq) {
        return db.read(c -> AuditRepository.hashAt(c, team, seq));
    }

    /** Recomputes the whole chain and reports the first broken link. */
    public AuditVerification verify(String team) {
        chainer.catchUp(team);
        return db.read(c -> {
            String previous = AuditChain.GENESIS;
            long expectedSeq = 1;
            long checked = 0;
            while (true) {
                List<AuditRepository.Row> rows = AuditRepository.page(c, team, expectedSeq - 1, VERIFY_PAGE);
                for (AuditRepository.Row row : rows) {
                    String problem = check(row, expectedSeq, previous);
                    if (problem != null) {
                        // a gap is reported at the missing sequence number, not the event after it
                        return new AuditVerification(false, checked, Math.min(row.seq(), expectedSeq), problem);
                    }
                    previous = row.hash();
                    expectedSeq++;
                    checked++;
                }
                if (rows.size() < VERIFY_PAGE) {
                    break;
                }
            }
            AuditRepository.Head head = AuditRepository.head(c, team);
            if (head.seq() != checked || !head.hash().equals(previous)) {
                return new AuditVerification(
                        false, checked, checked + 1, "events after sequence " + checked + " are missing");
            }
            return new AuditVerification(true, checked, null, "chain intact");
        });
    }

    private static String check(AuditRepository.Row row, long expectedSeq, String previous) {
        if (row.seq() != expectedSeq) {
            return "event " + expectedSeq + " is missing";
        }
        if (!row.prevHash().equals(previous)) {
            return "event " + row.seq() + " does not link to the hash of the event before it";
        }
        AuditEvent body = Json.read(row.body(), AuditEvent.class);
        // A body keeps the event as recorded (seq 0, no previous hash), and the hash covers it placed
        // at its seq; a body chained before V16 was stored placed, and the hash covers it as stored.
        boolean recorded = body.seq() == 0 && body.previousHash() == null;
        boolean placed = body.seq() == row.seq() && Objects.equals(body.previousHash(), row.prevHash());
        String hashed = recorded ? AuditChain.canonicalBody(body, row.seq(), row.prevHash()) : row.body();
        if (!AuditChain.hash(previous, hashed).equals(row.hash())) {
            return "event " + row.seq() + " was altered: its hash does not match its content";
        }
        if (!(recorded || placed)
                || body.hash() != null
                || !Objects.equals(body.type(), row.type())
                || !Objects.equals(body.role(), row.role())
                || !Objects.equals(body.server(), row.server())
                || !Objects.equals(body.sessionId(), row.sessionId())
                || !body.time().equals(row.time())) {
            return "event " + row.seq() + " has index columns that disagree with its hashed content";
        }
        return null;
    }
}
