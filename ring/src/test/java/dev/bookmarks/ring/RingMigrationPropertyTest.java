package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Migrations as a property: from a random ring of 1 to 8 shards (weights 1 to 10) to a random new set
 * of them, every planned slot is started, frozen and cut over in random batches, with random aborts
 * (an aborted slot starts again later), until none is left. Seeds are fixed so that CI runs the same
 * cases every time.
 */
class RingMigrationPropertyTest {

    private static final String SEED = "20261204";

    /**
     * A shard missing from the new set is made DRAINING instead, since a migration keeps every shard
     * that owns slots in the directory (see {@link Ring#startMigration}); removing it afterwards moves
     * nothing, which the last assertion checks.
     */
    @Property(seed = SEED, tries = 150)
    void migratingEveryPlannedSlotInRandomBatchesEndsInTheRebalancedRingAndNoSlotEverHasTwoOwners(
            @ForAll("shardSets") List<Shard> initial, @ForAll("shardSets") List<Shard> requested,
            @ForAll @IntRange(min = 10, max = 11) int log2Slots, @ForAll long scheduleSeed) {
        Ring start = Ring.create(1 << log2Slots, initial);
        List<Shard> next = drainingInsteadOfRemoved(start, requested);
        Ring rebalanced = start.rebalance(next);

        MovePlan plan = start.plan(next);

        assertThat(plan.moveCount()).isEqualTo(start.slotsMovedTo(rebalanced));
        for (MovePlan.Move move : plan.moves()) {
            assertThat(start.ownerOfSlot(move.slot()).id()).isEqualTo(move.from());
            assertThat(rebalanced.ownerOfSlot(move.slot()).id()).isEqualTo(move.to());
        }
        assertThat(plan.shards()).isEqualTo(rebalanced.shards());
        if (plan.isEmpty()) {
            Statistics.label("plans").collect("nothing to move");
            return;
        }

        Random random = new Random(scheduleSeed);
        List<Integer> waiting = new ArrayList<>();
        for (int slot : plan.slots()) {
            waiting.add(slot);
        }
        Set<Integer> copying = new TreeSet<>();
        Set<Integer> frozen = new TreeSet<>();
        Set<Integer> cut = new TreeSet<>();
        Ring ring = start;
        int aborts = 0;
        while (cut.size() < plan.moveCount()) {
            int action = random.nextInt(10);
            Ring after;
            if (action < 3 && !waiting.isEmpty()) {
                int[] batch = take(random, waiting);
                after = ring.startMigration(plan, batch);
                addAll(copying, batch);
            } else if (action < 6 && !copying.isEmpty()) {
                int[] batch = take(random, copying);
                after = ring.freeze(batch);
                addAll(frozen, batch);
            } else if (action < 9 && !frozen.isEmpty()) {
                int[] batch = take(random, frozen);
                after = ring.cutover(batch);
                addAll(cut, batch);
            } else if (action == 9 && !(copying.isEmpty() && frozen.isEmpty())) {
                List<Integer> inFlight = new ArrayList<>(copying);
                inFlight.addAll(frozen);
                int[] batch = take(random, inFlight);
                after = ring.abort(batch);
                aborts++;
                copying.removeAll(boxed(batch));
                frozen.removeAll(boxed(batch));
                addAll(waiting, batch);
            } else {
                continue;
            }
            assertThat(after.epoch()).isEqualTo(ring.epoch() + 1);
            assertStep(after, start, plan, copying, frozen, cut);
            ring = after;
        }

        Statistics.label("plans").collect("slots moved");
        Statistics.label("aborts").collect(aborts == 0 ? "none" : "some");
        Statistics.label("steps").collect(ring.epoch() - start.epoch() < 20 ? "under 20" : "20 or more");
        assertThat(ring.isMigrating()).isFalse();
        assertThat(ring).isEqualTo(rebalanced.withEpoch(ring.epoch()));
        assertThat(ring.slotsMovedTo(ring.rebalance(requested))).isZero();
    }

    /**
     * Every slot has exactly one owner, and it is the shard the plan moves it from until the slot is
     * cut over, its target from then on; the ring records exactly the migrations in flight; the ring
     * survives its wire format.
     */
    private static void assertStep(Ring ring, Ring start, MovePlan plan, Set<Integer> copying, Set<Integer> frozen,
            Set<Integer> cut) {
        int[] owners = new int[ring.slotCount()];
        int owned = 0;
        for (Shard shard : ring.shards()) {
            for (int slot : ring.slotsOf(shard.id())) {
                owners[slot]++;
                assertThat(ring.ownerOfSlot(slot)).isEqualTo(shard);
            }
            owned += ring.slotsOwnedBy(shard.id());
        }
        assertThat(owned).isEqualTo(ring.slotCount());
        for (int slot = 0; slot < ring.slotCount(); slot++) {
            assertThat(owners[slot]).as("owners of slot %d", slot).isEqualTo(1);
            String owner = ring.ownerOfSlot(slot).id();
            Optional<MovePlan.Move> move = plan.moveOf(slot);
            Optional<SlotMigration> migration = ring.migrationOf(slot);
            if (move.isEmpty()) {
                assertThat(owner).as("slot %d", slot).isEqualTo(start.ownerOfSlot(slot).id());
                assertThat(migration).as("slot %d", slot).isEmpty();
            } else if (cut.contains(slot)) {
                assertThat(owner).as("slot %d", slot).isEqualTo(move.get().to());
                assertThat(migration).as("slot %d", slot).isEmpty();
            } else {
                assertThat(owner).as("slot %d", slot).isEqualTo(move.get().from());
                if (copying.contains(slot) || frozen.contains(slot)) {
                    SlotMigration m = migration.orElseThrow();
                    assertThat(m.source()).isEqualTo(ring.ownerOfSlot(slot));
                    assertThat(m.target().id()).isEqualTo(move.get().to());
                    assertThat(m.phase()).isEqualTo(frozen.contains(slot) ? MigrationPhase.FROZEN
                            : MigrationPhase.COPYING);
                } else {
                    assertThat(migration).as("slot %d", slot).isEmpty();
                }
            }
        }
        Set<Integer> inFlight = new TreeSet<>(copying);
        inFlight.addAll(frozen);
        assertThat(ring.migratingSlots()).containsExactly(inFlight.stream().mapToInt(Integer::intValue).toArray());
        byte[] bytes = ring.toBytes();
        assertThat(bytes[4]).isEqualTo((byte) (ring.isMigrating() ? 2 : 1));
        assertThat(Ring.fromBytes(bytes)).isEqualTo(ring);
    }

    private static List<Shard> drainingInsteadOfRemoved(Ring ring, List<Shard> requested) {
        List<Shard> next = new ArrayList<>(requested);
        for (Shard shard : ring.shards()) {
            if (requested.stream().noneMatch(s -> s.id().equals(shard.id()))) {
                next.add(shard.withState(ShardState.DRAINING));
            }
        }
        return next;
    }

    /** Removes 1 to all of {@code from}'s elements, chosen at random, and returns them. */
    private static int[] take(Random random, Collection<Integer> from) {
        List<Integer> shuffled = new ArrayList<>(from);
        Collections.shuffle(shuffled, random);
        int[] taken = shuffled.subList(0, 1 + random.nextInt(shuffled.size())).stream()
                .mapToInt(Integer::intValue).toArray();
        from.removeAll(boxed(taken));
        return taken;
    }

    private static void addAll(Collection<Integer> to, int[] slots) {
        to.addAll(boxed(slots));
    }

    /** A hash set, so that removing a batch from a list of thousands of slots takes linear time. */
    private static Set<Integer> boxed(int[] slots) {
        Set<Integer> set = new HashSet<>();
        for (int slot : slots) {
            set.add(slot);
        }
        return set;
    }

    @Provide
    Arbitrary<List<Shard>> shardSets() {
        // Ids from a small space, so that two sets drawn independently share some shards.
        return Arbitraries.integers().between(0, 11).set().ofMinSize(1).ofMaxSize(8)
                .flatMap(ids -> Arbitraries.integers().between(1, 10).list().ofSize(ids.size())
                        .map(weights -> {
                            List<Shard> shards = new ArrayList<>();
                            int i = 0;
                            for (int id : ids) {
                                shards.add(Shard.active("s" + id, "http://127.0.0.1:" + (10000 + id),
                                        weights.get(i++)));
                            }
                            return shards;
                        }));
    }
}
