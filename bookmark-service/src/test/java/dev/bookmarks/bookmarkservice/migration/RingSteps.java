package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.registry.RingSigner;
import dev.bookmarks.registry.RingStore;
import dev.bookmarks.registry.RingStore.WriteResult;
import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotHash;
import dev.bookmarks.testing.redis.TestRingKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Moves slots of the ring in Redis from the shard under test ({@code self}) towards {@code target} one epoch at a
 * time, as the registry does, and waits until the shard holds each new ring.
 */
final class RingSteps {

    private final RingStore store;
    private final RingWatcher watcher;
    private final Shard self;
    private final Shard target;

    RingSteps(RingStore store, RingWatcher watcher, Shard self, Shard target) {
        this.store = store;
        this.watcher = watcher;
        this.self = self;
        this.target = target;
    }

    Ring startMigration(int... slots) {
        return publish(ring -> ring.startMigration(ring.plan(List.of(self, target)), slots));
    }

    Ring freeze(int... slots) {
        return publish(ring -> ring.freeze(slots));
    }

    Ring cutover(int... slots) {
        return publish(ring -> ring.cutover(slots));
    }

    Ring abort(int... slots) {
        return publish(ring -> ring.abort(slots));
    }

    /** Writes {@code change} of the stored ring as the next epoch and waits until the shard holds it. */
    Ring publish(UnaryOperator<Ring> change) {
        Ring now = store.read().orElseThrow();
        Ring next = change.apply(now);
        assertThat(store.compareAndSet(now.epoch(), next, RingSigner.parse(TestRingKeys.PRIVATE_KEY)))
                .isInstanceOf(WriteResult.Written.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> watcher.current().orElseThrow().epoch() >= next.epoch());
        return next;
    }

    /**
     * A user named {@code hint-n} whose slot moving to the target would move, that is not migrating now and that
     * is not in {@code taken}, which it is added to.
     */
    String movableUser(String hint, Set<Integer> taken) {
        Ring now = store.read().orElseThrow();
        MovePlan plan = now.plan(List.of(self, target));
        for (int i = 0; i < 100_000; i++) {
            String user = hint + "-" + i;
            int slot = SlotHash.slotOf(user, now.slotCount());
            if (plan.moveOf(slot).isPresent() && now.migrationOf(slot).isEmpty() && taken.add(slot)) {
                return user;
            }
        }
        throw new IllegalStateException("no movable slot left for " + hint);
    }
}
