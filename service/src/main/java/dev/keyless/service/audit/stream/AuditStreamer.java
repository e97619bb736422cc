package dev.keyless.service.audit.stream;

import dev.keyless.service.audit.checkpoint.CheckpointSigner;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a {@link SinkWorker} thread for each configured sink (syslog, RELP, file, webhook) and stops
 * them at shutdown after the last checkpoint is signed, so the stream ends with it.
 *
 * <p>Replicas: each sink has a lease row; only its holder streams, and the others take over when
 * the holder's lease runs out (30 s by default) or is released at shutdown. A lease rather than
 * every replica streaming with receivers deduplicating: syslog and files have no way to
 * deduplicate, and order per team holds only with one sender. A holder stuck in one delivery past
 * its lease sends that batch at most once more (late) and then stands by; only the lease holder moves
 * the cursor ({@link SinkWorker}).
 */
@Context
final class AuditStreamer {
    private static final Logger LOG = LoggerFactory.getLogger(AuditStreamer.class);

    private final CheckpointSigner checkpoints;
    private final List<SinkWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    AuditStreamer(Db db, Clock clock, Environment env, CheckpointSigner checkpoints, KeylessMetrics metrics)
            throws IOException {
        this.checkpoints = checkpoints;
        StreamSettings settings = StreamSettings.from(env);
        String holder = holderName();
        for (AuditSink sink : Sinks.configured(settings)) {
            SinkWorker worker = new SinkWorker(sink, db, clock, settings, holder, metrics);
            Thread thread = new Thread(worker, "keyless-audit-stream-" + sink.name());
            thread.setDaemon(true);
            workers.add(worker);
            threads.add(thread);
            LOG.info("audit stream '{}' configured", sink.name());
        }
        threads.forEach(Thread::start);
    }

    private static String holderName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "replica";
        }
        String id = host + "/" + UUID.randomUUID();
        return id.length() > 64 ? id.substring(id.length() - 64) : id;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        workers.forEach(SinkWorker::stop);
        for (Thread t : threads) {
            t.interrupt();
            t.join(5_000);
        }
        if (!workers.isEmpty()) {
            checkpoints.signAll();
        }
        workers.forEach(SinkWorker::drainAndRelease);
    }
}
