package dev.bookmarks.bookmarkservice.ownership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The shard's user and bookmark counts, counted at most once per {@code maxAge}: counting scans the table, and
 * the endpoint that shows them is polled by scrapers and operators. Callers that arrive while a count runs wait
 * for it and share its result rather than starting their own. Management traffic only, never a request path,
 * so a lock is fine here.
 */
final class ShardCounts {

    /** What a count found, and when it began. */
    record Counts(long users, long bookmarks, Instant countedAt) {
    }

    /** The two figures, as the database returns them. */
    record Totals(long users, long bookmarks) {
    }

    private final Supplier<Totals> count;
    private final Duration maxAge;
    private final Clock clock;
    private Counts last;

    ShardCounts(Supplier<Totals> count, Duration maxAge, Clock clock) {
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("the counts' maximum age must be positive: " + maxAge);
        }
        this.count = count;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** The latest counts, counting afresh first if they are older than the maximum age (or there are none). */
    synchronized Counts get() {
        Instant now = clock.instant();
        if (last == null || !now.isBefore(last.countedAt().plus(maxAge))) {
            Totals totals = count.get();
            last = new Counts(totals.users(), totals.bookmarks(), now);
        }
        return last;
    }
}
