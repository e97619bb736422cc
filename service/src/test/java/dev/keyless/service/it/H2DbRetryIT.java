package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.service.db.DataAccessFailure;
import dev.keyless.service.db.Db;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link Db}'s retries against the real transaction manager: a transaction that lost a race is run
 * again, one that committed is never run again, even when a failure of the kind Db retries (a
 * broken link, as when the connection is reset or returned after the commit) follows its commit.
 * Running it again was how a replay-guard row could find itself and refuse the token it had just
 * exchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class H2DbRetryIT {
    RunningService service;
    Db db;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2, Map.of());
        db = service.context().getBean(Db.class);
        db.write(c -> Db.update(c, "CREATE TABLE retry_probe (id INT PRIMARY KEY)"));
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
    }

    @Test
    void aFailureAfterTheCommitDoesNotRunTheWorkAgain() {
        AtomicInteger runs = new AtomicInteger();
        String result = db.write(c -> {
            runs.incrementAndGet();
            Db.update(c, "INSERT INTO retry_probe (id) VALUES (1)");
            db.afterCommit(() -> {
                throw new DataAccessFailure(new SQLTransientConnectionException("link lost after the commit", "08S01"));
            });
            return "committed";
        });

        assertThat(result).isEqualTo("committed");
        assertThat(runs).hasValue(1);
        List<Integer> rows = db.read(c -> Db.query(c, "SELECT id FROM retry_probe WHERE id = 1", rs -> rs.getInt(1)));
        assertThat(rows).containsExactly(1);
    }

    @Test
    void aTransactionThatLostARaceIsRunAgainWhole() {
        AtomicInteger runs = new AtomicInteger();
        String result = db.write(c -> {
            Db.update(c, "INSERT INTO retry_probe (id) VALUES (2)");
            if (runs.incrementAndGet() == 1) {
                throw Db.lostRace("a concurrent writer", null);
            }
            return "second attempt";
        });

        assertThat(result).isEqualTo("second attempt");
        assertThat(runs).hasValue(2);
        List<Integer> rows = db.read(c -> Db.query(c, "SELECT id FROM retry_probe WHERE id = 2", rs -> rs.getInt(1)));
        assertThat(rows).containsExactly(2);
    }
}
