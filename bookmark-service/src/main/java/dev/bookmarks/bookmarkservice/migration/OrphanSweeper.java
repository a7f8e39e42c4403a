package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Deletes the rows this shard holds of slots that are not its own: a source's rows of slots cut over to their
 * target (verified there before the cutover), a target's partial copy of slots whose migration was aborted. A
 * slot is an orphan here while the ring this shard holds neither gives it to this shard nor migrates it to this
 * shard; its rows are deleted once it has been one, without a break, for
 * {@code bookmarks.shard.migration.orphan-grace} (10 min by default) as this process saw it. The grace is the
 * operator's: time to look at the data of a cutover before it is gone. The clock starts again when the process
 * does, so a restart only ever delays a deletion.
 *
 * <p>The deletion is no user's write: nothing is logged. Off with the ownership check (the {@code test}
 * profile), where a shard serves users whatever the ring says.
 */
final class OrphanSweeper implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    private static final int USERS_PER_TRANSACTION = 200;

    private final RingWatcher watcher;
    private final String shardId;
    private final SlotStore store;
    private final TransactionTemplate transaction;
    private final MigrationProperties properties;
    private final Clock clock;
    /** Per slot, since when (epoch ms) it has been an orphan without a break; 0 when it is not one. */
    private long[] orphanSince = new long[0];

    OrphanSweeper(RingWatcher watcher, String shardId, SlotStore store, TransactionTemplate transaction,
            MigrationProperties properties, Clock clock) {
        this.watcher = watcher;
        this.shardId = shardId;
        this.store = store;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::run, properties.orphanSweepInterval());
    }

    /** One sweep; returns how many rows it deleted, or -1 if it failed. */
    synchronized int run() {
        try {
            Optional<Ring> held = watcher.current();
            if (held.isEmpty()) {
                return 0;
            }
            Ring ring = held.get();
            boolean[] due = due(ring);
            int deleted = 0;
            String after = null;
            do {
                SlotStore.UsersPage page = store.usersIn(slot -> due[slot], ring.slotCount(), after,
                        USERS_PER_TRANSACTION);
                if (!page.users().isEmpty()) {
                    deleted += transaction.execute(status -> store.removeUsers(page.users()));
                    log.info("deleted the rows of {} users of slots this shard no longer holds (epoch {})",
                            page.users().size(), ring.epoch());
                }
                after = page.next();
            } while (after != null);
            return deleted;
        } catch (RuntimeException e) {
            log.warn("orphan sweep failed; the next run retries", e);
            return -1;
        }
    }

    /** Updates when each slot became an orphan and answers which have been one for the grace period. */
    private boolean[] due(Ring ring) {
        if (orphanSince.length != ring.slotCount()) {
            orphanSince = new long[ring.slotCount()];
        }
        long now = clock.millis();
        long grace = properties.orphanGrace().toMillis();
        boolean[] due = new boolean[ring.slotCount()];
        for (int slot = 0; slot < ring.slotCount(); slot++) {
            boolean mine = ring.ownerOfSlot(slot).id().equals(shardId)
                    || ring.migrationOf(slot).map(m -> m.target().id().equals(shardId)).orElse(false);
            if (mine) {
                orphanSince[slot] = 0;
            } else {
                if (orphanSince[slot] == 0) {
                    orphanSince[slot] = now;
                }
                due[slot] = now - orphanSince[slot] >= grace;
            }
        }
        return due;
    }
}
