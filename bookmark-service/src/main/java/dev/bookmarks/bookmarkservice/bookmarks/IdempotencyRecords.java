package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.migration.ChangeLog;
import dev.bookmarks.bookmarkservice.migration.ChangeLog.KeyRecord;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Idempotency-Key records, table {@code idempotency_keys}: one per (user, key).
 *
 * <p>The protocol, which gives exactly one bookmark per key and the draft's answers:
 * <ol>
 *   <li>{@link #claim}: insert the key's row as {@code IN_PROGRESS} with a fresh lock token, in a
 *       transaction of its own that commits at once. The primary key makes this the lock: of two
 *       requests with one key, exactly one insert succeeds. The loser reads the row and answers by
 *       it: another body is 422, a completed row is replayed, a row in progress is 409 (the first
 *       request is still running).
 *   <li>{@link #complete}, in the same transaction as the bookmark's insert: store the response
 *       and mark the row {@code COMPLETED}, but only while this request's token still holds it. If
 *       it doesn't, the transaction rolls back and no bookmark is left behind.
 *   <li>If the create fails, {@link #release} deletes the row, so a retry can run again (a failed
 *       request is not a result to replay).
 * </ol>
 * A process that dies between claim and completion leaves the row in progress; once its lease has
 * run out, a retry takes the key over by swapping the token (compare-and-set), which also makes the
 * dead request's completion, were it only slow, fail. Committing the claim on its own is what
 * makes a concurrent retry see it at once and answer 409, rather than wait on an uncommitted
 * insert until the first request finishes, as a unique violation inside the write transaction
 * would.
 *
 * <p>A migration target copies completed records only (a record in progress has no answer to replay yet), so
 * the {@link ChangeLog} gets a row for each completion and for each completed record the cleanup deletes, in
 * that change's transaction; claims, takeovers and releases of records in progress change nothing a target
 * holds and are not logged.
 */
final class IdempotencyRecords {

    /** How many completed records the cleanup deletes per transaction. */
    static final int CLEANUP_BATCH = 500;

    private static final String COMPLETED = "COMPLETED";
    private static final int CLAIM_ATTEMPTS = 3;

    private final JdbcClient jdbc;
    private final TransactionTemplate ownTransaction;
    private final IdempotencyProperties properties;
    private final Clock clock;
    private final ChangeLog changes;

    IdempotencyRecords(JdbcClient jdbc, PlatformTransactionManager transactions, IdempotencyProperties properties,
            Clock clock, ChangeLog changes) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        // A claim must commit whether or not a caller has a transaction open.
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
        this.clock = clock;
        this.changes = changes;
    }

    /** What a request learns when it presents a key. */
    sealed interface Claim {
    }

    /** The key is this request's: go on, and complete or release it with {@code token}. */
    record Owned(UUID token) implements Claim {
    }

    /** The key's request completed with this response: answer it again. */
    record Replay(StoredResponse response) implements Claim {
    }

    /** The key's first request is still running: 409. */
    record InFlight() implements Claim {
    }

    /** The key was used with a different request: 422. */
    record Mismatch() implements Claim {
    }

    /** Claims {@code key} for a request with {@code fingerprint}; runs in transactions of its own. */
    Claim claim(String userId, IdempotencyKey key, String fingerprint) {
        for (int attempt = 1; ; attempt++) {
            UUID token = UUID.randomUUID();
            OffsetDateTime now = now();
            try {
                ownTransaction.executeWithoutResult(status -> jdbc.sql("""
                                INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, state, lock_token, locked_at,
                                    stored_at)
                                VALUES (:user, :key, :fingerprint, 'IN_PROGRESS', :token, :now, :now)""")
                        .param("user", userId).param("key", key.value()).param("fingerprint", fingerprint)
                        .param("token", token).param("now", now).update());
                return new Owned(token);
            } catch (DuplicateKeyException taken) {
                Optional<Claim> answer = answerFromExisting(userId, key, fingerprint, token, now);
                if (answer.isPresent()) {
                    return answer.get();
                }
                if (attempt == CLAIM_ATTEMPTS) {
                    // Only a cleanup or takeover racing every attempt gets here; the client retries.
                    return new InFlight();
                }
            }
        }
    }

    /** Empty when the row changed under us (deleted, or taken over first): claim again. */
    private Optional<Claim> answerFromExisting(String userId, IdempotencyKey key, String fingerprint, UUID token,
            OffsetDateTime now) {
        Optional<Row> found = ownTransaction.execute(status -> jdbc.sql("""
                        SELECT fingerprint, state, lock_token, locked_at, status, location, response_body
                        FROM idempotency_keys WHERE user_id = :user AND idem_key = :key""")
                .param("user", userId).param("key", key.value())
                .query((rs, n) -> new Row(rs.getString("fingerprint"), rs.getString("state"),
                        rs.getObject("lock_token", UUID.class), rs.getObject("locked_at", OffsetDateTime.class),
                        rs.getInt("status"), rs.getString("location"), rs.getString("response_body")))
                .optional());
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Row row = found.get();
        if (!row.fingerprint().equals(fingerprint)) {
            return Optional.of(new Mismatch());
        }
        if (row.state().equals(COMPLETED)) {
            return Optional.of(new Replay(new StoredResponse(row.status(), row.location(), row.body(), true)));
        }
        if (row.lockedAt().plus(properties.lease()).isAfter(now)) {
            return Optional.of(new InFlight());
        }
        int taken = ownTransaction.execute(status -> jdbc.sql("""
                        UPDATE idempotency_keys SET lock_token = :token, locked_at = :now, stored_at = :now
                        WHERE user_id = :user AND idem_key = :key AND state = 'IN_PROGRESS' AND lock_token = :old""")
                .param("token", token).param("now", now).param("user", userId).param("key", key.value())
                .param("old", row.lockToken()).update());
        return taken == 1 ? Optional.of(new Owned(token)) : Optional.empty();
    }

    /**
     * Stores the response of the request holding {@code token} and marks the key completed. Call it
     * inside the transaction that made the bookmark.
     *
     * @return false if the token no longer holds the key (it was taken over after the lease ran
     *     out): the caller must roll back
     */
    boolean complete(String userId, IdempotencyKey key, UUID token, StoredResponse response) {
        boolean completed = jdbc.sql("""
                        UPDATE idempotency_keys SET state = 'COMPLETED', lock_token = NULL, locked_at = NULL,
                            status = :status, location = :location, response_body = :body, stored_at = :now
                        WHERE user_id = :user AND idem_key = :key AND state = 'IN_PROGRESS' AND lock_token = :token""")
                .param("status", response.status()).param("location", response.location())
                .param("body", response.body()).param("now", now())
                .param("user", userId).param("key", key.value()).param("token", token)
                .update() == 1;
        if (completed) {
            changes.idempotencyRecordChanged(userId, key.value());
        }
        return completed;
    }

    /** Gives up a key whose request failed, if {@code token} still holds it; in a transaction of its own. */
    void release(String userId, IdempotencyKey key, UUID token) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql("""
                        DELETE FROM idempotency_keys
                        WHERE user_id = :user AND idem_key = :key AND state = 'IN_PROGRESS' AND lock_token = :token""")
                .param("user", userId).param("key", key.value()).param("token", token).update());
    }

    /**
     * Deletes the records last written more than the retention ago: those in progress in one statement, the
     * completed ones {@value #CLEANUP_BATCH} per transaction, each deletion logged in its transaction.
     *
     * @return how many were deleted
     * @throws dev.bookmarks.bookmarkservice.migration.NoRingException when completed records are due but no ring
     *     is loaded to log their deletion under; they are kept until one is
     */
    int deleteExpired() {
        OffsetDateTime cutoff = now().minus(properties.retention());
        int deleted = ownTransaction.execute(status -> jdbc.sql(
                        "DELETE FROM idempotency_keys WHERE stored_at < :cutoff AND state = 'IN_PROGRESS'")
                .param("cutoff", cutoff).update());
        while (true) {
            int batch = ownTransaction.execute(status -> deleteCompleted(cutoff));
            deleted += batch;
            if (batch < CLEANUP_BATCH) {
                return deleted;
            }
        }
    }

    private int deleteCompleted(OffsetDateTime cutoff) {
        List<KeyRecord> due = jdbc.sql("""
                        SELECT user_id, idem_key FROM idempotency_keys WHERE stored_at < :cutoff AND state = 'COMPLETED'
                        ORDER BY stored_at LIMIT :batch""")
                .param("cutoff", cutoff).param("batch", CLEANUP_BATCH)
                .query((rs, n) -> new KeyRecord(rs.getString("user_id"), rs.getString("idem_key"))).list();
        List<KeyRecord> gone = new ArrayList<>(due.size());
        for (KeyRecord record : due) {
            // One by one, so that exactly the records this transaction deleted are logged.
            int rows = jdbc.sql("""
                            DELETE FROM idempotency_keys WHERE user_id = :user AND idem_key = :key
                                AND state = 'COMPLETED' AND stored_at < :cutoff""")
                    .param("user", record.userId()).param("key", record.idemKey()).param("cutoff", cutoff).update();
            if (rows == 1) {
                gone.add(record);
            }
        }
        changes.idempotencyRecordsExpired(gone);
        return gone.size();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private record Row(String fingerprint, String state, UUID lockToken, OffsetDateTime lockedAt, int status,
            String location, String body) {
    }
}
