package dev.keyless.service.audit.checkpoint;

import dev.keyless.service.audit.AuditService;
import dev.keyless.service.audit.ChainHead;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import dev.keyless.service.metrics.KeylessMetrics;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs a checkpoint of every team's chain head every {@code keyless.audit.checkpoint.interval}
 * (1 minute) and at shutdown; each goes into {@code audit_checkpoint} (for the streams) and is
 * appended to the checkpoint file. Before signing it checks that the chain still holds the event it
 * last signed with the same hash: a head that does not extend what this process signed is a
 * rewritten history, logged as an error, counted in {@code keyless.audit.checkpoint.refused} and not
 * signed — also after a restart, since what it signed before is read back from the checkpoint file.
 */
@Context
public final class CheckpointSigner {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointSigner.class);
    // Long enough for a sink that was down over a long weekend to still ship them.
    static final Duration KEPT_IN_DATABASE = Duration.ofDays(7);

    private final AuditService audit;
    private final Db db;
    private final Clock clock;
    private final CheckpointKey key;
    private final Path file;
    private final KeylessMetrics metrics;
    private final Map<String, ChainHead> signed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile Instant lastRun = Instant.EPOCH;

    CheckpointSigner(
            AuditService audit,
            Db db,
            Clock clock,
            KeylessSettings settings,
            KeylessMetrics metrics,
            @Nullable @Value("${keyless.audit.checkpoint.key:}") String configuredKey,
            @Nullable @Value("${keyless.audit.checkpoint.key-file:}") String keyFile,
            @Nullable @Value("${keyless.audit.checkpoint.file:}") String checkpointFile,
            @Value("${keyless.audit.checkpoint.interval:1m}") Duration interval) {
        if (interval.compareTo(Duration.ofSeconds(1)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("keyless.audit.checkpoint.interval must be between 1s and 1m");
        }
        this.audit = audit;
        this.db = db;
        this.clock = clock;
        this.metrics = metrics;
        this.key = CheckpointKey.load(
                configuredKey, blank(keyFile) ? settings.dataDir().resolve("audit-checkpoint.key") : Path.of(keyFile));
        this.file =
                blank(checkpointFile) ? settings.dataDir().resolve("audit-checkpoints.jsonl") : Path.of(checkpointFile);
        LOG.info(
                "audit checkpoints are signed with Ed25519 key {} (public key {})", key.keyId(), key.publicKeyBase64());
        // The consistency check spans a restart: a history rewritten while the service was down must
        // not get a fresh checkpoint signed over it (the call was lost in a merge; Error Prone found
        // the method unused).
        rememberFromFile();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyless-audit-checkpoint");
            t.setDaemon(true);
            return t;
        });
        var unused = timer.scheduleAtFixedRate(
                this::signAllQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The newest checkpoint per team this key signed into the file, so the consistency check also
     * spans a restart (a history rewritten while the service was down).
     */
    private void rememberFromFile() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                try {
                    Checkpoint cp = Json.read(line, Checkpoint.class);
                    ChainHead before = signed.get(cp.team());
                    if (key.keyId().equals(cp.keyId())
                            && cp.signature() != null
                            && CheckpointKey.verify(
                                    key.publicKey(),
                                    cp.signedPart(),
                                    Base64.getUrlDecoder().decode(cp.signature()))
                            && (before == null || before.seq() <= cp.seq())) {
                        signed.put(cp.team(), new ChainHead(cp.seq(), cp.headHash()));
                    }
                } catch (RuntimeException e) {
                    // a line this signer did not write whole: not a checkpoint to hold the chain to
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("audit checkpoint file {} not read: {}", file, e.getClass().getSimpleName());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    CheckpointKey key() {
        return key;
    }

    Path file() {
        return file;
    }

    private void signAllQuietly() {
        try {
            signAll();
        } catch (RuntimeException e) {
            LOG.warn(
                    "audit checkpoint pass failed, the next one retries: {}",
                    e.getClass().getSimpleName());
        }
    }

    /** Signs a checkpoint of each team's head now. */
    public synchronized void signAll() {
        lastRun = clock.instant();
        for (String team : db.read(CheckpointRepository::teams)) {
            sign(team);
        }
    }

    private void sign(String team) {
        ChainHead head = audit.head(team);
        ChainHead before = signed.get(team);
        if (before != null && before.seq() > 0) {
            boolean extends_ = head.seq() >= before.seq()
                    && audit.hashAt(team, before.seq())
                            .map(before.hash()::equals)
                            .orElse(false);
            if (!extends_) {
                LOG.error(
                        "audit chain of team '{}' no longer holds event {} as checkpointed: history was rewritten"
                                + " or truncated in the database; no checkpoint signed",
                        team,
                        before.seq());
                metrics.checkpointRefused(team);
                return;
            }
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Checkpoint.Signed body =
                new Checkpoint.Signed(head.hash(), key.keyId(), key.publicKeyBase64(), head.seq(), now, team);
        Checkpoint unsigned = new Checkpoint(
                body.headHash(), body.keyId(), body.publicKey(), body.seq(), body.signedAt(), body.team(), null);
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(key.sign(unsigned.signedPart()));
        Checkpoint checkpoint = new Checkpoint(
                body.headHash(), body.keyId(), body.publicKey(), body.seq(), body.signedAt(), body.team(), signature);
        db.write(c -> {
            CheckpointRepository.insert(c, checkpoint);
            CheckpointRepository.prune(c, team, now.minus(KEPT_IN_DATABASE).toEpochMilli());
            return null;
        });
        append(checkpoint);
        signed.put(team, head);
    }

    private void append(Checkpoint checkpoint) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            if (!Files.exists(file)) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap((checkpoint.json() + "\n").getBytes(StandardCharsets.UTF_8)));
                ch.force(false);
            }
        } catch (IOException e) {
            LOG.warn(
                    "audit checkpoint not written to {}: {}", file, e.getClass().getSimpleName());
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        if (Duration.between(lastRun, clock.instant()).compareTo(Duration.ofSeconds(1)) < 0) {
            return; // the streamer just signed the last one, to ship it
        }
        try {
            signAll();
        } catch (RuntimeException e) {
            LOG.warn("final audit checkpoint not signed: {}", e.getClass().getSimpleName());
        }
    }
}
