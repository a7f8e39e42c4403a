package dev.bookmarks.bookmarkservice.migration;

import io.github.resilience4j.ratelimiter.RateLimiter;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One target's copy of a set of slots from one source, the target's half of the protocol in the package
 * documentation: {@link #copy()} reads the source's position and then every row of the slots, {@link #catchUp}
 * replays the source's change log from a position up to the source's current one, {@link #drain} up to the last
 * position the slots reach once frozen. A log entry is replayed by reading the row's current state at the source
 * (or its absence) and storing exactly that, so replaying an entry twice, or entries out of order, leaves the
 * same rows; a copy that dies anywhere is started again from {@link #copy()} or resumed from the last position it
 * reported, and ends the same.
 *
 * <p>The copy and the catch-up are throttled ({@code rowsPerSecond}): the source serves its users meanwhile, and
 * live traffic must not pay for the copy in latency (Vitess throttles VReplication the same way). The drain is
 * not: it runs while the slots' writes wait.
 *
 * <p>Not thread-safe: one thread runs a copy; {@link #progress()} may be read from any.
 */
final class SlotCopy {

    private final SourceClient source;
    private final SlotSet slots;
    private final SlotStore store;
    private final TransactionTemplate transaction;
    private final RateLimiter throttle;
    private final int pageSize;

    private final AtomicLong bookmarksCopied = new AtomicLong();
    private final AtomicLong recordsCopied = new AtomicLong();
    private final AtomicLong entriesReplayed = new AtomicLong();
    private final AtomicLong position = new AtomicLong(-1);
    private final AtomicLong sourcePosition = new AtomicLong(-1);

    /**
     * @param throttle permits are rows (copied, or replayed from the log) per its refresh period
     * @param pageSize rows per request to the source, in [1, 1000]
     */
    SlotCopy(SourceClient source, SlotSet slots, SlotStore store, TransactionTemplate transaction,
            RateLimiter throttle, int pageSize) {
        if (pageSize < 1 || pageSize > MigrationController.MAX_LIMIT) {
            throw new IllegalArgumentException("pageSize must be in [1, " + MigrationController.MAX_LIMIT + "]: "
                    + pageSize);
        }
        this.source = source;
        this.slots = slots;
        this.store = store;
        this.transaction = transaction;
        this.throttle = throttle;
        this.pageSize = pageSize;
    }

    /** Counters of a copy so far: rows copied, entries replayed, the position reached and the source's last. */
    record Progress(long bookmarksCopied, long recordsCopied, long entriesReplayed, long position,
            long sourcePosition) {

        /** How many log entries (of any slot) the source had beyond the position reached, when last asked. */
        long lag() {
            return position < 0 || sourcePosition < 0 ? -1 : Math.max(0, sourcePosition - position);
        }
    }

    Progress progress() {
        return new Progress(bookmarksCopied.get(), recordsCopied.get(), entriesReplayed.get(), position.get(),
                sourcePosition.get());
    }

    /**
     * Copies every row of the slots, after reading the source's position: every change made after that position
     * is in the log from it, so {@link #catchUp} from the returned position completes the copy.
     *
     * @return the position read before the first row
     */
    long copy() {
        long start = source.position(null).position();
        position.set(start);
        sourcePosition.set(start);
        String after = null;
        do {
            MigrationSource.Page<MigratedBookmark> page = source.bookmarks(slots, after, pageSize);
            acquire(page.items().size());
            transaction.executeWithoutResult(status -> page.items().forEach(store::put));
            bookmarksCopied.addAndGet(page.items().size());
            after = page.next();
        } while (after != null);
        do {
            MigrationSource.Page<MigratedIdempotencyRecord> page = source.idempotencyRecords(slots, after, pageSize);
            acquire(page.items().size());
            transaction.executeWithoutResult(status -> page.items().forEach(store::put));
            recordsCopied.addAndGet(page.items().size());
            after = page.next();
        } while (after != null);
        return start;
    }

    /**
     * Replays the source's log from {@code from} up to the source's position as of this call: a bounded amount of
     * work however fast the source's users write. Call it again while {@link Progress#lag()} stays large; once a
     * round leaves little behind, freeze the slots and {@link #drain}.
     *
     * @return the position reached
     * @throws SourceClient.LogTruncatedException when the source's log no longer reaches back to {@code from}
     */
    long catchUp(long from) {
        long until = source.position(null).position();
        sourcePosition.set(until);
        return replay(from, until, true);
    }

    /**
     * Replays the source's log from {@code from} up to the source's position as of {@code frozenAt}, the epoch
     * that froze the slots: from there on no change to them commits at the source, so the copy is then exactly
     * the source's rows. Not throttled.
     *
     * @return the final position
     */
    long drain(long from, long frozenAt) {
        long last = source.position(frozenAt).position();
        return replay(from, last, false);
    }

    /** The source's digest of the slots; see {@link SlotDigest} for {@code recordsSince}. */
    SlotDigest sourceDigest(java.time.Instant recordsSince) {
        return source.digest(slots, recordsSince);
    }

    private long replay(long from, long until, boolean throttled) {
        long at = from;
        while (at < until) {
            MigrationController.LogPage page = source.log(at, slots, pageSize);
            sourcePosition.set(page.position());
            long ours = page.entries().stream().filter(entry -> entry.seq() <= until).count();
            if (throttled) {
                acquire((int) ours);
            }
            // Rows named by entries past until too: their current state is as good as any, and is replayed again.
            apply(page);
            entriesReplayed.addAndGet(ours);
            // Entries after until are the next round's; a page without any of ours up to until ends this one.
            at = Math.min(page.next(), until);
            position.set(at);
        }
        return at;
    }

    /** Stores the current state of each row the page names, as the source read it after the entries. */
    private void apply(MigrationController.LogPage page) {
        if (page.bookmarks().isEmpty() && page.records().isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> {
            for (MigrationController.BookmarkState state : page.bookmarks()) {
                if (state.present()) {
                    store.put(state.bookmark());
                } else {
                    store.removeBookmark(state.userId(), state.bookmarkId());
                }
            }
            for (MigrationController.IdempotencyRecordState state : page.records()) {
                if (state.present()) {
                    store.put(state.record());
                } else {
                    store.removeRecord(state.userId(), state.idemKey());
                }
            }
        });
    }

    /** Waits for {@code rows} permits, in parts no larger than one refresh period's. */
    private void acquire(int rows) {
        int perPeriod = throttle.getRateLimiterConfig().getLimitForPeriod();
        for (int left = rows; left > 0; left -= perPeriod) {
            if (!throttle.acquirePermission(Math.min(left, perPeriod))) {
                throw new IllegalStateException("the copy's throttle gave no permit within its timeout");
            }
        }
    }
}
