package dev.bookmarks.bookmarkservice.migration;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A write whose change-log entry is appended, its stripe locked, in a transaction that commits only when the test
 * says: for showing that what must wait for every entry that could still commit does wait. Every wait is bounded
 * (10 s).
 */
final class HeldWrite {

    private static final long WAIT_SECONDS = 10;

    private final CountDownLatch commit = new CountDownLatch(1);
    private final CompletableFuture<Void> writer;

    private HeldWrite(PlatformTransactionManager transactions, Runnable append) {
        CountDownLatch appended = new CountDownLatch(1);
        writer = CompletableFuture.runAsync(() -> new TransactionTemplate(transactions).executeWithoutResult(
                status -> {
                    append.run();
                    appended.countDown();
                    awaitLatch(commit, "the test did not let the held write commit");
                }));
        try {
            if (!appended.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                writer.getNow(null);
                throw new IllegalStateException("the held write did not append within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code append} in a new transaction on another thread and returns once it appended, uncommitted. */
    static HeldWrite append(PlatformTransactionManager transactions, Runnable append) {
        return new HeldWrite(transactions, append);
    }

    /** Lets the transaction commit and waits until it has. */
    void commit() throws ExecutionException, InterruptedException, TimeoutException {
        commit.countDown();
        writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Waits until some session of {@code database} waits for a lock: the held write's, which nothing else here
     * holds. H2 names a blocked session's blocker in {@code INFORMATION_SCHEMA.SESSIONS}, PostgreSQL a lock
     * wait in {@code pg_stat_activity}.
     */
    static void awaitALockWaiter(DataSource database) {
        String waiting = switch (product(database)) {
            case "H2" -> "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
            case "PostgreSQL" -> "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND datname = current_database()";
            default -> throw new IllegalStateException("no lock-wait query for " + product(database));
        };
        JdbcClient jdbc = JdbcClient.create(database);
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).pollInterval(Duration.ofMillis(20))
                .until(() -> jdbc.sql(waiting).query(Long.class).single() > 0);
    }

    private static String product(DataSource database) {
        try (Connection connection = database.getConnection()) {
            return connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLatch(CountDownLatch latch, String failure) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(failure + " within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
