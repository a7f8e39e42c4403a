package dev.bookmarks.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small rings whose every figure can be checked by hand. */
class RingTest {

    private static final Shard A = Shard.active("a", "http://127.0.0.1:9001", 1);
    private static final Shard B = Shard.active("b", "http://127.0.0.1:9002", 1);
    private static final Shard C = Shard.active("c", "http://127.0.0.1:9003", 1);
    private static final Shard D = Shard.active("d", "http://127.0.0.1:9004", 1);

    @Test
    void withEpochKeepsEverySlotAndShardAndOnlyRaisesTheEpoch() {
        Ring ring = Ring.create(1024, List.of(A, B, C)).rebalance(List.of(A, B, C, D));

        Ring raised = ring.withEpoch(40);

        assertThat(raised.epoch()).isEqualTo(40);
        assertThat(raised.shards()).isEqualTo(ring.shards());
        assertThat(ring.slotsMovedTo(raised)).isZero();
        assertThat(Ring.fromBytes(raised.toBytes())).isEqualTo(raised);
        assertThatThrownBy(() -> ring.withEpoch(ring.epoch()))
                .hasMessage("the new epoch must be higher than 2: 2");
    }

    @Test
    void splitsSlotsEquallyAndGivesTheRemainderToTheFirstIds() {
        Ring ring = Ring.create(1024, List.of(C, A, B));

        // 1024 = 3 * 341 + 1: equal remainders, so the smallest id takes the extra slot.
        assertThat(ring.epoch()).isEqualTo(1);
        assertThat(ring.slotCount()).isEqualTo(1024);
        assertThat(ring.shards()).containsExactly(A, B, C);
        assertThat(ring.slotsOwnedBy("a")).isEqualTo(342);
        assertThat(ring.slotsOwnedBy("b")).isEqualTo(341);
        assertThat(ring.slotsOwnedBy("c")).isEqualTo(341);
        assertThat(ring.slotsOwnedBy("z")).isZero();
    }

    @Test
    void sharesSlotsByWeight() {
        Ring ring = Ring.create(1024, List.of(A, Shard.active("b", "http://127.0.0.1:9002", 3)));

        assertThat(ring.slotsOwnedBy("a")).isEqualTo(256);
        assertThat(ring.slotsOwnedBy("b")).isEqualTo(768);
    }

    @Test
    void movesOnlyTheNewShardsSlotsWhenAShardJoins() {
        Ring before = Ring.create(1024, List.of(A, B, C));

        Ring after = before.rebalance(List.of(A, B, C, D));

        // 1024 / 4 = 256 each: a gives 86, b and c give 85, and all of it goes to d.
        assertThat(after.epoch()).isEqualTo(2);
        assertThat(before.slotsMovedTo(after)).isEqualTo(256);
        for (int slot = 0; slot < 1024; slot++) {
            Shard was = before.ownerOfSlot(slot);
            Shard is = after.ownerOfSlot(slot);
            assertThat(is.equals(was) || is.equals(D)).as("slot %d went from %s to %s", slot, was, is).isTrue();
        }
        assertThat(after.slotsOwnedBy("d")).isEqualTo(256);
    }

    @Test
    void movesOnlyTheLeavingShardsSlotsWhenAShardLeaves() {
        Ring before = Ring.create(1024, List.of(A, B, C, D));

        Ring after = before.rebalance(List.of(A, C, D));

        assertThat(before.slotsMovedTo(after)).isEqualTo(256);
        for (int slot = 0; slot < 1024; slot++) {
            if (!before.ownerOfSlot(slot).equals(B)) {
                assertThat(after.ownerOfSlot(slot)).isEqualTo(before.ownerOfSlot(slot));
            }
        }
        assertThat(List.of(after.slotsOwnedBy("a"), after.slotsOwnedBy("c"), after.slotsOwnedBy("d")))
                .containsExactly(342, 341, 341);
    }

    @Test
    void aDrainingShardKeepsItsDirectoryEntryButHandsAllItsSlotsToActiveShards() {
        Ring before = Ring.create(1024, List.of(A, B, C, D));

        Ring after = before.rebalance(List.of(A, B.withState(ShardState.DRAINING), C, D));

        assertThat(after.shard("b")).contains(B.withState(ShardState.DRAINING));
        assertThat(after.slotsOwnedBy("b")).isZero();
        assertThat(before.slotsMovedTo(after)).isEqualTo(256);
    }

    @Test
    void keepsEverySlotWhenOnlyAnAddressChanges() {
        Ring before = Ring.create(1024, List.of(A, B, C));
        Shard movedB = Shard.active("b", "http://10.0.0.7:8080", 1);

        Ring after = before.rebalance(List.of(A, movedB, C));

        assertThat(before.slotsMovedTo(after)).isZero();
        assertThat(after.shard("b")).contains(movedB);
        assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
    }

    @Test
    void routesAUserToTheOwnerOfItsSlot() {
        Ring ring = Ring.create(16384, List.of(A, B, C));

        // SlotHashTest: alice is slot 8265 of 16384.
        assertThat(ring.slotOf("alice")).isEqualTo(8265);
        assertThat(ring.ownerOf("alice")).isSameAs(ring.ownerOfSlot(8265));
        assertThat(ring.slotsOf(ring.ownerOf("alice").id())).contains(8265);
    }

    @Test
    void listsExactlyTheSlotsAShardOwns() {
        Ring ring = Ring.create(1024, List.of(A, B, C));

        int total = 0;
        for (Shard shard : ring.shards()) {
            int[] slots = ring.slotsOf(shard.id());
            assertThat(slots).hasSize(ring.slotsOwnedBy(shard.id())).isSorted();
            for (int slot : slots) {
                assertThat(ring.ownerOfSlot(slot)).isEqualTo(shard);
            }
            total += slots.length;
        }
        assertThat(total).isEqualTo(1024);
        assertThat(ring.slotsOf("nope")).isEmpty();
    }

    @Test
    void looksUpOwnersWithoutAllocating() {
        Ring ring = Ring.create(16384, List.of(A, B, C, D));
        String[] users = new String[1024];
        for (int i = 0; i < users.length; i++) {
            users[i] = "user-" + i;
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += ring.ownerOf(users[i & 1023]).weight();
        }

        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 1_000_000; i++) {
            sink += ring.ownerOf(users[i & 1023]).weight();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;

        assertThat(sink).isEqualTo(1_200_000);
        // A single allocation per lookup would be at least 16 MB; what remains is the probe's own.
        assertThat(allocated).isLessThan(64 * 1024);
    }

    @Test
    void refusesSlotCountsOutsideTheAllowedRange() {
        assertThatThrownBy(() -> Ring.create(1000, List.of(A)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slots must be a power of two in [1024, 1048576]: 1000");
        assertThatThrownBy(() -> Ring.create(1 << 21, List.of(A)))
                .hasMessage("slots must be a power of two in [1024, 1048576]: 2097152");
    }

    @Test
    void refusesDuplicateIdsAnEmptyDirectoryAndNoActiveShard() {
        assertThatThrownBy(() -> Ring.create(1024, List.of(A, Shard.active("a", "http://h:1", 2))))
                .hasMessage("duplicate shard id: \"a\"");
        assertThatThrownBy(() -> Ring.create(1024, List.of()))
                .hasMessage("a ring has between 1 and 65535 shards: 0");
        assertThatThrownBy(() -> Ring.create(1024, List.of(A.withState(ShardState.DRAINING))))
                .hasMessage("a ring needs at least one ACTIVE shard");
        Ring ring = Ring.create(1024, List.of(A));
        assertThatThrownBy(() -> ring.rebalance(List.of(B.withState(ShardState.DRAINING))))
                .hasMessage("a ring needs at least one ACTIVE shard");
    }

    @Test
    void refusesMoreShardsThanTheFormatCanName() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i <= Ring.MAX_SHARDS; i++) {
            shards.add(Shard.active("s" + i, "http://h:1", 1));
        }

        assertThatThrownBy(() -> Ring.create(1 << 20, shards))
                .hasMessage("a ring has between 1 and 65535 shards: 65536");
    }

    @Test
    void refusesAnInvalidUserIdOnLookup() {
        Ring ring = Ring.create(1024, List.of(A));

        assertThatThrownBy(() -> ring.ownerOf("no/slash")).isInstanceOf(InvalidUserIdException.class);
        assertThatThrownBy(() -> ring.ownerOfSlot(1024)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void comparesRingsWithDifferentSlotCountsOnlyByRefusing() {
        Ring small = Ring.create(1024, List.of(A));
        Ring large = Ring.create(2048, List.of(A));

        assertThatThrownBy(() -> small.slotsMovedTo(large))
                .hasMessage("rings with different slot counts: 1024 and 2048");
    }
}
