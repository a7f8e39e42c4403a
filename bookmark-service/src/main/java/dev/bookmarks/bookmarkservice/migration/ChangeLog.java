package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotHash;
import dev.bookmarks.ring.SlotMigration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The shard's change log, table {@code change_log} ({@code V2__change_log.sql}): one row per change to a
 * bookmark or to a completed Idempotency-Key record, naming the user, the slot and what changed, appended by
 * the store in the transaction of the change (a change that rolls back leaves no row).
 *
 * <p><b>A position that never skips a commit.</b> A seq is taken when a row is inserted but becomes visible
 * when its transaction commits, and transactions commit in any order: a reader that saw seq 11 may not yet
 * see seq 10, and a target that moved its position to 11 would never read 10. So every transaction that
 * appends locks one row of {@code change_log_stripes} (the stripe of its first entry's slot, slot mod
 * {@value #STRIPES}) before it takes its first seq, and holds it until it ends; {@link #position()} locks all
 * stripes, in ascending order, before it reads the highest seq. Every seq at or below the position it returns
 * was then committed or rolled back, and every later one will be above it. Writers of different stripes never
 * wait for each other, and none waits on more than one stripe, so neither side can deadlock the other.
 *
 * <p>The slot is the one of the ring the shard holds: the slot count is fixed for a ring's life. Without a
 * ring no change can be logged, so none is made ({@link NoRingException}); the ownership filter refuses every
 * user request before the first ring anyway.
 *
 * <p><b>The write fence.</b> A user's change is allowed only if, at the ring this shard holds once the stripe
 * is won, the shard owns the user's slot and the slot is not frozen for a cutover; otherwise
 * {@link WriteFencedException} rolls the change back. The ownership filter decided the same when the request
 * arrived, but a request can pass it just before the ring changes and commit just after. Checking under the
 * stripe closes that gap: the ring a shard holds only moves forward, so a target that reads
 * {@link #position()} once the shard holds the ring that froze a slot has every change to that slot that will
 * ever commit here (a change that held a stripe first is waited for; one that wins a stripe later sees the
 * freeze and is refused). This is MongoDB's migration critical section, with the stripes as its lock. The
 * cleanup's deletion of expired Idempotency-Key records is no user's write and is not fenced: a record the
 * target keeps after the source dropped it expires there too.
 */
public final class ChangeLog {

    /** The rows of {@code change_log_stripes}: V2 inserts 0 to 63. */
    static final int STRIPES = 64;

    /** How many rows the retention cleanup deletes per transaction. */
    static final int CLEANUP_BATCH = 1000;

    /** A user's Idempotency-Key record. */
    public record KeyRecord(String userId, String idemKey) {
    }

    private final JdbcClient jdbc;
    private final RingWatcher watcher;
    private final Clock clock;
    private final String shardId;
    private final boolean fenced;
    private final TransactionTemplate ownTransaction;
    /** Bound in the current transaction once it holds its stripe; unique per instance. */
    private final Object stripeHeld = new Object();

    /**
     * @param shardId this shard's id in the ring
     * @param fenced whether users' changes are checked against the ring ({@code bookmarks.shard.ownership.enabled},
     *     off only under the {@code test} profile, where a shard serves users whatever the ring says)
     */
    ChangeLog(JdbcClient jdbc, PlatformTransactionManager transactions, RingWatcher watcher, Clock clock,
            String shardId, boolean fenced) {
        this.jdbc = jdbc;
        this.watcher = watcher;
        this.clock = clock;
        this.shardId = shardId;
        this.fenced = fenced;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        // Each statement must see every commit made before it: the position is read after the stripes were won.
        this.ownTransaction.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    /**
     * Records that the user's bookmark was created, replaced or deleted; call it in that change's transaction.
     *
     * @throws WriteFencedException when the shard may not change the user's slot (see the write fence above)
     */
    public void bookmarkChanged(String userId, UUID bookmarkId) {
        if (bookmarkId == null) {
            throw new IllegalArgumentException("a bookmark change names the bookmark");
        }
        append(List.of(new Entry(userId, bookmarkId, null)), true);
    }

    /**
     * Records that the user's record of this key was completed; call it in that change's transaction.
     *
     * @throws WriteFencedException when the shard may not change the user's slot (see the write fence above)
     */
    public void idempotencyRecordChanged(String userId, String idemKey) {
        append(List.of(keyEntry(new KeyRecord(userId, idemKey))), true);
    }

    /** Records the cleanup's deletion of expired records, in its transaction; not fenced. */
    public void idempotencyRecordsExpired(List<KeyRecord> records) {
        append(records.stream().map(ChangeLog::keyEntry).toList(), false);
    }

    private static Entry keyEntry(KeyRecord record) {
        if (record.idemKey() == null) {
            throw new IllegalArgumentException("an Idempotency-Key record change names the key");
        }
        return new Entry(record.userId(), null, record.idemKey());
    }

    private void append(List<Entry> entries, boolean usersChange) {
        if (entries.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                || !TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException(
                    "a change-log row must be written in the transaction of the change it records");
        }
        int slotCount = slotCount();
        OffsetDateTime now = now();
        for (Entry entry : entries) {
            int slot = SlotHash.slotOf(entry.userId(), slotCount);
            holdStripe(slot % STRIPES);
            if (usersChange && fenced) {
                requireWritable(slot);
            }
            jdbc.sql("""
                            INSERT INTO change_log (slot, user_id, bookmark_id, idem_key, changed_at)
                            VALUES (:slot, :user, :bookmark, :key, :now)""")
                    .param("slot", slot).param("user", entry.userId()).param("bookmark", entry.bookmarkId())
                    .param("key", entry.idemKey()).param("now", now).update();
        }
    }

    /** The write fence: read the ring only now that a stripe is held, never before. */
    private void requireWritable(int slot) {
        Ring ring = watcher.current().orElseThrow(NoRingException::new);
        Optional<SlotMigration> migration = ring.migrationOf(slot);
        String owner = ring.ownerOfSlot(slot).id();
        if (!owner.equals(shardId)) {
            throw WriteFencedException.movedTo(slot, ring.epoch(), owner);
        }
        if (migration.isPresent() && !migration.get().sourceAcceptsWrites()) {
            throw WriteFencedException.frozen(slot, ring.epoch(), migration.get().target().id());
        }
    }

    /**
     * Locks {@code stripe} for the rest of the current transaction, unless the transaction holds one already:
     * one is all {@link #position()} needs to wait for it, and holding one only means no writer ever waits for a
     * second stripe while holding a first.
     */
    private void holdStripe(int stripe) {
        if (TransactionSynchronizationManager.hasResource(stripeHeld)) {
            return;
        }
        jdbc.sql("SELECT stripe FROM change_log_stripes WHERE stripe = :stripe FOR UPDATE")
                .param("stripe", stripe).query(Integer.class).single();
        TransactionSynchronizationManager.bindResource(stripeHeld, stripe);
        // A transaction suspended for an inner one (REQUIRES_NEW) takes its mark along: the inner one holds none.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void suspend() {
                TransactionSynchronizationManager.unbindResource(stripeHeld);
            }

            @Override
            public void resume() {
                TransactionSynchronizationManager.bindResource(stripeHeld, stripe);
            }

            @Override
            public void afterCompletion(int status) {
                TransactionSynchronizationManager.unbindResourceIfPossible(stripeHeld);
            }
        });
    }

    /**
     * The log's position: the highest seq, such that no entry at or below it can commit after this call returns
     * (0 before the first entry). Waits for the transactions that are appending to end, and holds up new ones
     * for one index lookup.
     */
    long position() {
        return ownTransaction.execute(status -> {
            jdbc.sql("SELECT stripe FROM change_log_stripes ORDER BY stripe FOR UPDATE").query(Integer.class).list();
            return jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM change_log").query(Long.class).single();
        });
    }

    /**
     * {@link #position()} as of a ring: once this shard holds a ring of epoch {@code epoch} or later (reading
     * Redis again while it does not, for at most {@code wait}). Asked with the epoch that froze some slots, the
     * answer is the last position those slots will ever reach here (see the write fence above).
     *
     * @return the position, or empty when the shard still holds an older ring after {@code wait}
     */
    OptionalLong positionAsOf(long epoch, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (heldEpoch() < epoch) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return OptionalLong.empty();
            }
            try {
                watcher.refresh().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            } catch (ExecutionException | TimeoutException e) {
                // Redis did not answer in time: the loop's deadline decides.
            }
        }
        return OptionalLong.of(position());
    }

    /** The epoch of the ring this shard holds, 0 before the first. */
    long heldEpoch() {
        return watcher.current().map(Ring::epoch).orElse(0L);
    }

    /**
     * Up to {@code limit} entries with {@code after < seq <= through} of the given slots, in seq order.
     * {@code through} must be a {@link #position()}: entries up to it are all committed.
     */
    List<LogEntry> entries(long after, long through, SlotSet slots, int limit) {
        return jdbc.sql("SELECT seq, slot, user_id, bookmark_id, idem_key, changed_at FROM change_log"
                        + " WHERE seq > :after AND seq <= :through AND (" + slots.sqlCondition("slot")
                        + ") ORDER BY seq LIMIT :limit")
                .param("after", after).param("through", through).params(slots.sqlParameters())
                .param("limit", limit)
                .query(ChangeLog::entry).list();
    }

    /** The highest seq the retention cleanup deleted (0 if none): entries after an older seq may be gone. */
    long deletedThrough() {
        return jdbc.sql("SELECT deleted_through FROM change_log_truncation WHERE id = 1").query(Long.class).single();
    }

    /**
     * Deletes the entries older than {@code retention}, in transactions of {@value #CLEANUP_BATCH}, recording the
     * highest seq deleted. The newest entry is kept whatever its age, so that {@link #position()} never goes
     * back: a target is never told that a position this shard gave it is beyond the log.
     *
     * @return how many entries were deleted
     */
    int deleteOlderThan(Duration retention) {
        OffsetDateTime cutoff = now().minus(retention);
        int deleted = 0;
        while (true) {
            List<Long> batch = ownTransaction.execute(status -> {
                List<Long> seqs = jdbc.sql("SELECT seq FROM change_log WHERE changed_at < :cutoff"
                                + " AND seq < (SELECT MAX(seq) FROM change_log) ORDER BY changed_at LIMIT :batch")
                        .param("cutoff", cutoff).param("batch", CLEANUP_BATCH).query(Long.class).list();
                if (seqs.isEmpty()) {
                    return seqs;
                }
                jdbc.sql("DELETE FROM change_log WHERE seq IN (:seqs)").param("seqs", seqs).update();
                jdbc.sql("UPDATE change_log_truncation SET deleted_through = :through"
                                + " WHERE id = 1 AND deleted_through < :through")
                        .param("through", Collections.max(seqs)).update();
                return seqs;
            });
            deleted += batch.size();
            if (batch.size() < CLEANUP_BATCH) {
                return deleted;
            }
        }
    }

    /** The slot count of the ring held. */
    int slotCount() {
        return watcher.current().orElseThrow(NoRingException::new).slotCount();
    }

    private OffsetDateTime now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    private static LogEntry entry(ResultSet rs, int row) throws SQLException {
        return new LogEntry(rs.getLong("seq"), rs.getInt("slot"), rs.getString("user_id"),
                rs.getObject("bookmark_id", UUID.class), rs.getString("idem_key"),
                rs.getObject("changed_at", OffsetDateTime.class).toInstant());
    }

    private record Entry(String userId, UUID bookmarkId, String idemKey) {
    }
}
