package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotMigration;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Who may read which slots of this shard through the internal API: only the shard the ring this shard holds
 * migrates them to, from this shard, while they migrate (copying or frozen). A signature proves which shard
 * calls ({@link InternalSignatureFilter} names it in the request attribute {@link #CALLER}); the ring decides
 * what it may read, so the internal secret alone reads nothing, as Redis Cluster serves a slot's keys during a
 * migration only to a client the slot's state sends there. A target may learn of a migration before this shard
 * does: a refused read makes the shard read Redis once (at most {@code refreshWait}) before it refuses.
 *
 * <p>With trust off (allowed under the {@code test} profile only) no caller is named, and nothing is checked.
 */
final class MigrationReaders {

    /** The request attribute naming the shard that signed an internal request. */
    static final String CALLER = MigrationReaders.class.getName() + ".caller";

    private final RingWatcher watcher;
    private final String shardId;
    private final Duration refreshWait;

    MigrationReaders(RingWatcher watcher, String shardId, Duration refreshWait) {
        this.watcher = watcher;
        this.shardId = shardId;
        this.refreshWait = refreshWait;
    }

    /**
     * Returns if the caller of {@code request} may read every one of {@code slots}, else throws a 403 problem
     * naming the first it may not.
     */
    void requireTarget(HttpServletRequest request, int... slots) {
        String caller = (String) request.getAttribute(CALLER);
        if (caller == null) {
            return;
        }
        Optional<Ring> ring = watcher.current();
        OptionalInt refused = firstRefused(ring, caller, slots);
        if (refused.isPresent()) {
            ring = refreshed(ring);
            refused = firstRefused(ring, caller, slots);
        }
        if (refused.isPresent()) {
            throw MigrationProblems.notMigratingTo(caller, shardId, refused.getAsInt(),
                    ring.map(Ring::epoch).orElse(0L));
        }
    }

    private OptionalInt firstRefused(Optional<Ring> ring, String caller, int[] slots) {
        return Arrays.stream(slots).filter(slot -> !migratesTo(ring, slot, caller)).findFirst();
    }

    private boolean migratesTo(Optional<Ring> ring, int slot, String caller) {
        Optional<SlotMigration> migration = ring.filter(r -> r.slotCount() > slot).flatMap(r -> r.migrationOf(slot));
        return migration.isPresent() && migration.get().source().id().equals(shardId)
                && migration.get().target().id().equals(caller);
    }

    private Optional<Ring> refreshed(Optional<Ring> held) {
        try {
            Optional<Ring> read = watcher.refresh().get(refreshWait.toMillis(), TimeUnit.MILLISECONDS);
            return read.isPresent() ? read : held;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return held;
        } catch (Exception e) {
            return held;
        }
    }
}
