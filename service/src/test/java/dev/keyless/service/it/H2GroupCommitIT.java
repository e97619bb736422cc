package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.service.db.Db;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The H2 group commit spaces its store writes only when writers queue: a lone writer in sequence
 * (an admin onboarding servers one at a time) waits for one store write per commit, not for the
 * spacing. The spacing is set to a second here so that waiting for it cannot pass unseen; that
 * every acknowledged commit survives {@code kill -9} is e2e's {@code CrashScenario}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2GroupCommitIT {
    static final long SPACING_MILLIS = 1_000;

    RunningService service;
    Db db;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2, Map.of("keyless.h2.store-write-spacing-ms", SPACING_MILLIS));
        db = service.context().getBean(Db.class);
        db.write(c -> Db.update(c, "CREATE TABLE commit_probe (id INT PRIMARY KEY)"));
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
    }

    @Test
    void aLoneWriterDoesNotWaitForTheSpacing() {
        int commits = 6;
        long started = System.nanoTime();
        for (int i = 0; i < commits; i++) {
            int id = i;
            db.write(c -> Db.update(c, "INSERT INTO commit_probe (id) VALUES (?)", id));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Spaced, the commits after the first would take at least (commits - 1) seconds.
        assertThat(took).isLessThan(Duration.ofMillis(SPACING_MILLIS * (commits - 1) / 2));
        List<Integer> count =
                db.read(c -> Db.query(c, "SELECT COUNT(*) FROM commit_probe WHERE id < 1000", rs -> rs.getInt(1)));
        assertThat(count).containsExactly(commits);
    }

    @Test
    void concurrentWritersShareSpacedWrites() throws Exception {
        int writers = 8;
        int each = 3;
        AtomicInteger next = new AtomicInteger(1_000);
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    int id = next.getAndIncrement();
                    db.write(c -> Db.update(c, "INSERT INTO commit_probe (id) VALUES (?)", id));
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // Every commit returned (each after a store write that covered it), and they shared writes:
        // one write per commit at the spacing would take writers * each seconds.
        assertThat(took).isLessThan(Duration.ofMillis(SPACING_MILLIS * writers * each / 2));
        List<Integer> count =
                db.read(c -> Db.query(c, "SELECT COUNT(*) FROM commit_probe WHERE id >= 1000", rs -> rs.getInt(1)));
        assertThat(count).containsExactly(writers * each);
    }
}
