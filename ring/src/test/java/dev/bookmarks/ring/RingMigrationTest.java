package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Slot migrations on a 1024-slot ring of shards a and b that c joins, every figure checkable by hand:
 * {@code create} gives a slots 0-511 and b slots 512-1023; with c, the shares are 342, 341, 341
 * (1024 = 3 * 341 + 1, the extra slot to the smallest id), so a gives its highest 170 slots,
 * 342-511, and b its highest 171, 853-1023, all to c.
 */
class RingMigrationTest {

    private static final Shard A = Shard.active("a", "http://127.0.0.1:9001", 1);
    private static final Shard B = Shard.active("b", "http://127.0.0.1:9002", 1);
    private static final Shard C = Shard.active("c", "http://127.0.0.1:9003", 1);
    private static final List<Shard> AB = List.of(A, B);
    private static final List<Shard> ABC = List.of(A, B, C);

    private static final Ring RING = Ring.create(1024, AB);
    private static final MovePlan PLAN = RING.plan(ABC);

    @Test
    void aPlanListsExactlyWhatRebalanceMovesAndChangesNothing() {
        Ring rebalanced = RING.rebalance(ABC);

        assertThat(PLAN.moveCount()).isEqualTo(341).isEqualTo(RING.slotsMovedTo(rebalanced));
        assertThat(PLAN.slots()).containsExactly(
                IntStream.concat(IntStream.rangeClosed(342, 511), IntStream.rangeClosed(853, 1023)).toArray());
        for (int slot = 0; slot < 1024; slot++) {
            String was = RING.ownerOfSlot(slot).id();
            String is = rebalanced.ownerOfSlot(slot).id();
            assertThat(PLAN.moveOf(slot)).as("slot %d", slot)
                    .isEqualTo(was.equals(is) ? Optional.empty() : Optional.of(new MovePlan.Move(slot, was, is)));
        }
        assertThat(PLAN.moves()).hasSize(341).startsWith(new MovePlan.Move(342, "a", "c"))
                .endsWith(new MovePlan.Move(1023, "b", "c"));
        assertThat(PLAN.transfers()).containsExactly(new MovePlan.Transfer("a", "c", 170),
                new MovePlan.Transfer("b", "c", 171));
        assertThat(PLAN.shards()).isEqualTo(rebalanced.shards()).containsExactly(A, B, C);
        assertThat(PLAN.baseEpoch()).isEqualTo(1);
        assertThat(PLAN.slotCount()).isEqualTo(1024);
        assertThat(PLAN).hasToString("MovePlan[from epoch 1, 341 of 1024 slots move: a->c=170, b->c=171]")
                .isEqualTo(RING.plan(List.of(C, B, A)));
        assertThat(RING).isEqualTo(Ring.create(1024, AB));
    }

    @Test
    void aPlanForTheSameShardsMovesNothing() {
        MovePlan same = RING.plan(AB);

        assertThat(same.isEmpty()).isTrue();
        assertThat(same.moves()).isEmpty();
        assertThat(same.transfers()).isEmpty();
        assertThat(same.moveOf(0)).isEmpty();
    }

    @Test
    void startingABatchMakesItCopyingWhileTheSourceKeepsOwningIt() {
        Ring started = RING.startMigration(PLAN, new int[] {1023, 342, 343});

        assertThat(started.epoch()).isEqualTo(2);
        assertThat(started.isMigrating()).isTrue();
        assertThat(started.migratingSlots()).containsExactly(342, 343, 1023);
        assertThat(started.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
        assertThat(started.migrationOf(1023)).contains(new SlotMigration(1023, B, C, MigrationPhase.COPYING));
        assertThat(started.migrationOf(342).orElseThrow().sourceAcceptsWrites()).isTrue();
        assertThat(started.migrationOf(344)).isEmpty();
        assertThat(started.migrationOf(0)).isEmpty();
        assertThat(started.ownerOfSlot(342)).isEqualTo(A);
        assertThat(started.ownerOfSlot(1023)).isEqualTo(B);
        // The target is in the directory from the start, owning nothing until cutover.
        assertThat(started.shards()).containsExactly(A, B, C);
        assertThat(started.slotsOwnedBy("a")).isEqualTo(512);
        assertThat(started.slotsOwnedBy("b")).isEqualTo(512);
        assertThat(started.slotsOwnedBy("c")).isZero();
        assertThat(RING.slotsMovedTo(started)).isZero();
        assertThat(RING.isMigrating()).isFalse();
        assertThat(RING.migratingSlots()).isEmpty();
    }

    @Test
    void freezeThenCutoverHandsTheBatchToItsTargetOneEpochAtATime() {
        int[] batch = {342, 343, 1023};
        Ring copying = RING.startMigration(PLAN, batch);

        Ring frozen = copying.freeze(batch);

        assertThat(frozen.epoch()).isEqualTo(3);
        assertThat(frozen.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.FROZEN));
        assertThat(frozen.migrationOf(342).orElseThrow().sourceAcceptsWrites()).isFalse();
        assertThat(frozen.ownerOfSlot(342)).isEqualTo(A);
        assertThat(copying.slotsMovedTo(frozen)).isZero();

        Ring cut = frozen.cutover(batch);

        assertThat(cut.epoch()).isEqualTo(4);
        assertThat(cut.isMigrating()).isFalse();
        assertThat(cut.migrationOf(342)).isEmpty();
        assertThat(cut.ownerOfSlot(342)).isEqualTo(C);
        assertThat(cut.ownerOfSlot(343)).isEqualTo(C);
        assertThat(cut.ownerOfSlot(1023)).isEqualTo(C);
        assertThat(cut.ownerOfSlot(344)).isEqualTo(A);
        assertThat(cut.slotsOf("c")).containsExactly(342, 343, 1023);
        assertThat(List.of(cut.slotsOwnedBy("a"), cut.slotsOwnedBy("b"), cut.slotsOwnedBy("c")))
                .containsExactly(510, 511, 3);
        assertThat(frozen.slotsMovedTo(cut)).isEqualTo(3);
    }

    @Test
    void cuttingOverPartOfTheFrozenSlotsLeavesTheRestMigrating() {
        Ring frozen = RING.startMigration(PLAN, new int[] {342, 343}).freeze(new int[] {342, 343});

        Ring cut = frozen.cutover(new int[] {343});

        assertThat(cut.migratingSlots()).containsExactly(342);
        assertThat(cut.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.FROZEN));
        assertThat(cut.ownerOfSlot(343)).isEqualTo(C);
    }

    @Test
    void abortFromEitherPhaseEndsTheMigrationAndLeavesTheOwner() {
        Ring started = RING.startMigration(PLAN, new int[] {342, 343, 1023}).freeze(new int[] {343});

        Ring aborted = started.abort(new int[] {342, 343});

        assertThat(aborted.epoch()).isEqualTo(4);
        assertThat(aborted.migratingSlots()).containsExactly(1023);
        assertThat(aborted.migrationOf(342)).isEmpty();
        assertThat(aborted.migrationOf(343)).isEmpty();
        assertThat(aborted.ownerOfSlot(342)).isEqualTo(A);
        assertThat(aborted.ownerOfSlot(343)).isEqualTo(A);
        assertThat(RING.slotsMovedTo(aborted)).isZero();
        // An aborted slot can start again from the same plan: it still has the owner the plan moves it from.
        assertThat(aborted.startMigration(PLAN, new int[] {342}).migrationOf(342))
                .contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
    }

    /** Two batches, started at different epochs from one plan, end in the ring rebalance gives. */
    @Test
    void migratingEveryPlannedSlotAndCuttingItOverGivesTheRebalancedRing() {
        int[] fromA = IntStream.rangeClosed(342, 511).toArray();
        int[] fromB = IntStream.rangeClosed(853, 1023).toArray();

        Ring first = RING.startMigration(PLAN, fromA).freeze(fromA);
        Ring second = first.startMigration(PLAN, fromB);
        Ring done = second.cutover(fromA).freeze(fromB).cutover(fromB);

        assertThat(first.epoch()).isEqualTo(3);
        assertThat(second.migratingSlots()).hasSize(341);
        assertThat(second.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.FROZEN));
        assertThat(second.migrationOf(853)).contains(new SlotMigration(853, B, C, MigrationPhase.COPYING));
        // start, freeze, start, cutover, freeze, cutover: six steps after epoch 1.
        assertThat(done.epoch()).isEqualTo(7);
        assertThat(done.isMigrating()).isFalse();
        assertThat(done).isEqualTo(RING.rebalance(ABC).withEpoch(7));
        assertThat(done.plan(ABC).isEmpty()).isTrue();
    }

    @Test
    void aDrainingShardStaysInTheDirectoryWhileItsSlotsMigrateAway() {
        Shard drainingB = B.withState(ShardState.DRAINING);
        MovePlan drain = RING.plan(List.of(A, drainingB));
        int[] all = drain.slots();

        Ring done = RING.startMigration(drain, all).freeze(all).cutover(all);

        assertThat(drain.transfers()).containsExactly(new MovePlan.Transfer("b", "a", 512));
        assertThat(done.shards()).containsExactly(A, drainingB);
        assertThat(done.slotsOwnedBy("b")).isZero();
        // Now that b owns nothing, removing it moves nothing.
        assertThat(done.slotsMovedTo(done.rebalance(List.of(A)))).isZero();
    }

    @Test
    void refusesAPlanThatRemovesAShardThatStillOwnsSlots() {
        MovePlan remove = RING.plan(List.of(A));

        assertThatThrownBy(() -> RING.startMigration(remove, new int[] {512}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot start migrating: shard \"b\" owns 512 slots and the plan removes it from the"
                        + " directory; plan it DRAINING instead, migrate its slots, and remove it once it owns none");
    }

    @Test
    void refusesEachStepForASlotInTheWrongPhase() {
        Ring copying = RING.startMigration(PLAN, new int[] {342});
        Ring frozen = copying.freeze(new int[] {342});

        assertThatThrownBy(() -> RING.freeze(new int[] {342}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot freeze slot 342: it is not migrating");
        assertThatThrownBy(() -> frozen.freeze(new int[] {342}))
                .hasMessage("cannot freeze slot 342: it is already FROZEN");
        assertThatThrownBy(() -> copying.cutover(new int[] {342}))
                .hasMessage("cannot cut over slot 342: it is COPYING; freeze it first, so that no write reaches"
                        + " its owner after the target's copy");
        assertThatThrownBy(() -> RING.cutover(new int[] {342}))
                .hasMessage("cannot cut over slot 342: it is not migrating");
        assertThatThrownBy(() -> RING.abort(new int[] {342}))
                .hasMessage("cannot abort slot 342: it is not migrating");
        assertThatThrownBy(() -> frozen.startMigration(PLAN, new int[] {342}))
                .hasMessage("cannot start migrating slot 342: it is already FROZEN to \"c\"");
        assertThatThrownBy(() -> copying.startMigration(PLAN, new int[] {343, 342}))
                .hasMessage("cannot start migrating slot 342: it is already COPYING to \"c\"");
    }

    @Test
    void refusesABatchAsAWholeWhenOneOfItsSlotsIsRefused() {
        Ring copying = RING.startMigration(PLAN, new int[] {342});

        assertThatThrownBy(() -> copying.freeze(new int[] {342, 343}))
                .hasMessage("cannot freeze slot 343: it is not migrating");
        assertThat(copying.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
    }

    @Test
    void refusesBatchesThatAreEmptyOutOfRangeOrRepeatASlot() {
        Ring copying = RING.startMigration(PLAN, new int[] {342});

        assertThatThrownBy(() -> RING.startMigration(PLAN, new int[0]))
                .hasMessage("cannot start migrating: no slots given");
        assertThatThrownBy(() -> copying.freeze(new int[] {-1}))
                .hasMessage("cannot freeze slot -1: slots are in [0, 1024)");
        assertThatThrownBy(() -> copying.cutover(new int[] {1024}))
                .hasMessage("cannot cut over slot 1024: slots are in [0, 1024)");
        assertThatThrownBy(() -> copying.abort(new int[] {342, 342}))
                .hasMessage("cannot abort slot 342: it is given twice");
        assertThatThrownBy(() -> copying.freeze(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RING.startMigration(null, new int[] {342})).isInstanceOf(NullPointerException.class);
    }

    @Test
    void refusesSlotsThePlanDoesNotMoveAndPlansThatNoLongerFit() {
        Ring cut = RING.startMigration(PLAN, new int[] {342}).freeze(new int[] {342}).cutover(new int[] {342});
        Ring other = Ring.create(2048, AB);
        Shard d = Shard.active("d", "http://127.0.0.1:9004", 1);
        Ring elsewhere = RING.startMigration(RING.plan(List.of(A, B, d)), new int[] {511});

        assertThatThrownBy(() -> RING.startMigration(PLAN, new int[] {0}))
                .hasMessage("cannot start migrating slot 0: the plan leaves it with \"a\"");
        assertThatThrownBy(() -> cut.startMigration(PLAN, new int[] {342}))
                .hasMessage("cannot start migrating slot 342: the plan moves it from \"a\", but \"c\" owns it now;"
                        + " the plan is stale, make a new one");
        assertThatThrownBy(() -> other.startMigration(PLAN, new int[] {342}))
                .hasMessage("cannot start migrating: the plan is for 1024 slots, this ring has 2048");
        assertThatThrownBy(() -> elsewhere.startMigration(PLAN, new int[] {342}))
                .hasMessage("cannot start migrating: this ring's directory is neither the one the plan was made"
                        + " from (at epoch 1) nor the plan's; the plan is stale, make a new one");
    }

    @Test
    void refusesAPlanThatRemovesTheTargetOfAMigrationInFlight() {
        Ring copying = RING.startMigration(PLAN, new int[] {342});
        // Made from the ring with c in it: c owns nothing yet, so a plan may leave it out.
        MovePlan withoutC = copying.plan(AB);

        assertThat(withoutC.isEmpty()).isTrue();
        assertThatThrownBy(() -> copying.startMigration(withoutC, new int[] {342}))
                .hasMessage("cannot start migrating: slot 342 migrates to shard \"c\", which the plan removes from"
                        + " the directory; abort or cut over its migrations first");
    }

    /**
     * A second plan, made while slot 342 migrates to c, adds a0, which sorts between a and b: c's
     * directory index goes from 2 to 3, and the migration in flight must follow it. The second plan
     * counts slots by owner (a 512, b 512, c 0), so a gives 256-511 to a0 and b gives 768-1023 to c.
     */
    @Test
    void aSecondPlanCarriesTheMigrationsInFlightIntoItsDirectory() {
        Shard a0 = Shard.active("a0", "http://127.0.0.1:9005", 1);
        Ring copying = RING.startMigration(PLAN, new int[] {342});
        MovePlan second = copying.plan(List.of(A, a0, B, C));

        Ring both = copying.startMigration(second, new int[] {768});

        assertThat(second.transfers()).containsExactly(new MovePlan.Transfer("a", "a0", 256),
                new MovePlan.Transfer("b", "c", 256));
        assertThat(both.shards()).containsExactly(A, a0, B, C);
        assertThat(both.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
        assertThat(both.migrationOf(768)).contains(new SlotMigration(768, B, C, MigrationPhase.COPYING));
        assertThat(Ring.fromBytes(both.toBytes())).isEqualTo(both);
        assertThatThrownBy(() -> both.startMigration(PLAN, new int[] {343}))
                .hasMessageEndingWith("the plan is stale, make a new one");
    }

    @Test
    void refusesToRebalanceWhileSlotsMigrate() {
        Ring copying = RING.startMigration(PLAN, new int[] {1023, 342});

        assertThatThrownBy(() -> copying.rebalance(ABC))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot rebalance while 2 slots migrate (slot 342 is COPYING to \"c\"): a rebalance"
                        + " would hand them over without their data; cut them over or abort them first");
        assertThat(copying.abort(new int[] {342, 1023}).rebalance(ABC).epoch()).isEqualTo(4);
    }

    @Test
    void withEpochKeepsTheMigrations() {
        Ring frozen = RING.startMigration(PLAN, new int[] {342, 343}).freeze(new int[] {343});

        Ring raised = frozen.withEpoch(40);

        assertThat(raised.epoch()).isEqualTo(40);
        assertThat(raised.migratingSlots()).containsExactly(342, 343);
        assertThat(raised.migrationOf(343)).isEqualTo(frozen.migrationOf(343));
        assertThat(raised.migrationOf(342)).contains(new SlotMigration(342, A, C, MigrationPhase.COPYING));
    }

    @Test
    void equalityHashAndTextIncludeTheMigrations() {
        Ring copying = RING.startMigration(PLAN, new int[] {342, 343, 1023});
        Ring frozen = copying.freeze(new int[] {343});
        Ring copyingAtThree = copying.withEpoch(3);

        assertThat(frozen).isNotEqualTo(copyingAtThree);
        assertThat(copyingAtThree).isEqualTo(RING.startMigration(PLAN, new int[] {342, 343, 1023}).withEpoch(3))
                .hasSameHashCodeAs(RING.startMigration(PLAN, new int[] {343, 1023, 342}).withEpoch(3));
        assertThat(frozen.hashCode()).isNotEqualTo(copyingAtThree.hashCode());
        assertThat(RING.startMigration(PLAN, new int[] {342}))
                .isNotEqualTo(RING.startMigration(PLAN, new int[] {343}));
        assertThat(frozen).hasToString(
                "Ring[epoch=3, slots=1024, shards=a=512, b=512, c=0, migrating=3 (2 copying, 1 frozen)]");
        assertThat(RING).hasToString("Ring[epoch=1, slots=1024, shards=a=512, b=512]");
    }

    @Test
    void refusesMigrationRecordsThatNameOneShardTwiceOrANegativeSlot() {
        assertThatThrownBy(() -> new SlotMigration(5, A, A, MigrationPhase.COPYING))
                .hasMessage("slot 5 cannot migrate from shard \"a\" to itself");
        assertThatThrownBy(() -> new SlotMigration(-1, A, C, MigrationPhase.COPYING))
                .hasMessage("a migrating slot must be >= 0: -1");
        assertThatThrownBy(() -> new MovePlan.Move(5, "a", "a"))
                .hasMessage("slot 5 cannot move from shard \"a\" to itself");
    }

    @Test
    void looksUpOwnersWithoutAllocatingWhileSlotsMigrate() {
        Ring ring = Ring.create(16384, AB);
        MovePlan plan = ring.plan(ABC);
        Ring migrating = ring.startMigration(plan, plan.slots()).freeze(IntStream.range(0, 100)
                .map(i -> plan.slots()[i]).toArray());
        String[] users = new String[1024];
        for (int i = 0; i < users.length; i++) {
            users[i] = "user-" + i;
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += migrating.ownerOf(users[i & 1023]).weight();
        }

        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            sink += migrating.ownerOf(users[i & 1023]).weight();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(sink).isEqualTo(1_200_000);
        // As RingTest.looksUpOwnersWithoutAllocating: one allocation per lookup would be at least 16 MB.
        assertThat(allocated).isLessThan(64 * 1024);
    }
}
