package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.registry.SlotRows;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.SlotHash;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Counts this shard's rows per slot every {@code bookmarks.shard.migration.slot-rows-interval} and publishes them
 * ({@link SlotRows}), so that the registry can say in a resharding's plan how many rows it will copy before an
 * operator starts it, as Vitess's and MongoDB's balancers estimate a move from their table statistics. One grouped
 * query per table, answered from the indexes that lead with user_id; the slots follow from the user IDs, hashed
 * here as the ring hashes them.
 */
final class SlotRowCounter implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(SlotRowCounter.class);

    private final RingWatcher watcher;
    private final String shardId;
    private final SlotStore store;
    private final SlotRows rows;
    private final Duration interval;
    private final Clock clock;

    SlotRowCounter(RingWatcher watcher, String shardId, SlotStore store, SlotRows rows, Duration interval,
            Clock clock) {
        this.watcher = watcher;
        this.shardId = shardId;
        this.store = store;
        this.rows = rows;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::runQuietly, interval);
    }

    private void runQuietly() {
        try {
            run();
        } catch (RuntimeException e) {
            log.warn("counting rows per slot failed; the next run retries", e);
        }
    }

    /** Counts and publishes; the counts published, or none before the first ring (which sets the slot count). */
    Optional<SlotRows.Counts> run() {
        Optional<Ring> ring = watcher.current();
        if (ring.isEmpty()) {
            return Optional.empty();
        }
        int slotCount = ring.get().slotCount();
        int[] perSlot = new int[slotCount];
        store.countRowsPerUser((user, count) -> {
            int slot = SlotHash.slotOf(user, slotCount);
            perSlot[slot] = (int) Math.min(Integer.MAX_VALUE, (long) perSlot[slot] + count);
        });
        SlotRows.Counts counts = new SlotRows.Counts(perSlot, clock.instant());
        rows.write(shardId, counts);
        return Optional.of(counts);
    }
}
