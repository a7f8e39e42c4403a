package dev.bookmarks.shardregistry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.bookmarks.ring.MigrationPhase;
import dev.bookmarks.ring.MovePlan;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlotTableTest {

    // On 1024 slots, a owns 0-511 and b 512-1023; with c joining, the plan moves a's 342-511 and b's 853-1023 to c
    // (as RingMigrationTest works out by hand).
    private static final List<Shard> AB = List.of(shard("a"), shard("b"));
    private static final List<Shard> ABC = List.of(shard("a"), shard("b"), shard("c"));

    private static Shard shard(String id) {
        return Shard.active(id, "http://127.0.0.1:9000/" + id, 1);
    }

    /** The owner indices as the console's script reads them: unsigned 16-bit, low byte first. */
    private static int[] decode(SlotTable table) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(table.owners())).order(ByteOrder.LITTLE_ENDIAN);
        int[] owners = new int[bytes.remaining() / 2];
        for (int slot = 0; slot < owners.length; slot++) {
            owners[slot] = Short.toUnsignedInt(bytes.getShort());
        }
        return owners;
    }

    @Test
    void aRingOfOneShardIsTwoZeroBytesPerSlot() {
        SlotTable table = SlotTable.of(Ring.create(1024, List.of(shard("only"))));

        assertThat(table.shards()).containsExactly("only");
        assertThat(table.owners()).isEqualTo(Base64.getEncoder().encodeToString(new byte[2 * 1024]));
    }

    @Test
    void givesEverySlotTheIndexOfItsOwnerInTheListedShards() {
        Ring ring = Ring.create(1024, List.of(shard("a"), shard("b"), shard("c")));

        SlotTable table = SlotTable.of(ring);

        assertThat(table.epoch()).isEqualTo(ring.epoch());
        assertThat(table.slotCount()).isEqualTo(1024);
        assertThat(table.shards()).containsExactly("a", "b", "c");
        int[] owners = decode(table);
        assertThat(owners).hasSize(1024);
        int[] counts = new int[3];
        for (int slot = 0; slot < 1024; slot++) {
            assertThat(table.shards().get(owners[slot])).as("slot %d", slot).isEqualTo(ring.ownerOfSlot(slot).id());
            counts[owners[slot]]++;
        }
        assertThat(counts).containsExactly(ring.slotsOwnedBy("a"), ring.slotsOwnedBy("b"), ring.slotsOwnedBy("c"));
    }

    @Test
    void followsTheRingThroughARebalanceWithTheNewShardInDirectoryOrder() {
        Ring before = Ring.create(1024, List.of(shard("a"), shard("b"), shard("c")));
        Ring after = before.rebalance(List.of(shard("a"), shard("b"), shard("c"), shard("d")));

        SlotTable table = SlotTable.of(after);

        assertThat(table.epoch()).isEqualTo(after.epoch()).isGreaterThan(before.epoch());
        assertThat(table.shards()).isEqualTo(after.shards().stream().map(Shard::id).toList()).contains("d");
        int[] owners = decode(table);
        for (int slot = 0; slot < 1024; slot++) {
            assertThat(table.shards().get(owners[slot])).as("slot %d", slot).isEqualTo(after.ownerOfSlot(slot).id());
        }
    }

    @Test
    void writesOwnerIndicesAbove255LowByteFirst() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            shards.add(shard("s" + i));
        }
        Ring ring = Ring.create(1024, shards);

        SlotTable table = SlotTable.of(ring);

        byte[] bytes = Base64.getDecoder().decode(table.owners());
        boolean sawHighIndex = false;
        for (int slot = 0; slot < 1024; slot++) {
            int index = table.shards().indexOf(ring.ownerOfSlot(slot).id());
            assertThat(bytes[2 * slot] & 0xff).as("low byte of slot %d", slot).isEqualTo(index & 0xff);
            assertThat(bytes[2 * slot + 1] & 0xff).as("high byte of slot %d", slot).isEqualTo(index >>> 8);
            sawHighIndex |= index > 255;
        }
        assertThat(sawHighIndex).isTrue();
    }

    private static int[] range(int first, int last) {
        return IntStream.rangeClosed(first, last).toArray();
    }

    @Test
    void groupsMovingSlotsBySourceTargetAndPhaseInTheOrderOfTheirLowestSlot() {
        Ring ring = Ring.create(1024, AB);
        MovePlan plan = ring.plan(ABC);
        Ring moving = ring.startMigration(plan, IntStream.concat(IntStream.concat(
                IntStream.rangeClosed(342, 357), IntStream.of(400)), IntStream.rangeClosed(853, 868)).toArray())
                .freeze(range(853, 868));

        SlotTable table = SlotTable.of(moving);

        assertThat(table.moving()).containsExactly(
                new SlotTable.Moving("a", "c", MigrationPhase.COPYING, "342-357,400"),
                new SlotTable.Moving("b", "c", MigrationPhase.FROZEN, "853-868"));
        assertThat(table.shards()).as("the target is in the directory, owning nothing yet")
                .containsExactly("a", "b", "c");
        int[] owners = decode(table);
        assertThat(table.shards().get(owners[342])).as("a moving slot's owner is its source").isEqualTo("a");
        assertThat(table.shards().get(owners[860])).isEqualTo("b");
    }

    @Test
    void splitsOnePairsSlotsByPhaseWhenPartOfThemIsFrozen() {
        Ring ring = Ring.create(1024, AB);
        Ring moving = ring.startMigration(ring.plan(ABC), range(342, 357)).freeze(range(342, 349));

        assertThat(SlotTable.of(moving).moving()).containsExactly(
                new SlotTable.Moving("a", "c", MigrationPhase.FROZEN, "342-349"),
                new SlotTable.Moving("a", "c", MigrationPhase.COPYING, "350-357"));
    }

    @Test
    void listsNothingMovingWhenNoSlotMigratesNotEvenAfterAnAbortOrACutover() {
        Ring ring = Ring.create(1024, AB);
        Ring started = ring.startMigration(ring.plan(ABC), range(342, 357));

        assertThat(SlotTable.of(ring).moving()).isEmpty();
        assertThat(SlotTable.of(started.abort(range(342, 357))).moving()).isEmpty();
        assertThat(SlotTable.of(started.freeze(range(342, 357)).cutover(range(342, 357))).moving()).isEmpty();
    }

    @Test
    void drawsEverySlotCountOnTheMostNearlySquareGridWithNoEmptyCell() {
        SlotTable table = SlotTable.of(Ring.create(16384, List.of(shard("a"))));
        assertThat(table.columns()).isEqualTo(128);
        assertThat(table.rows()).isEqualTo(128);

        SlotTable odd = SlotTable.of(Ring.create(2048, List.of(shard("a"))));
        assertThat(odd.columns()).isEqualTo(64);
        assertThat(odd.rows()).isEqualTo(32);

        for (int slotCount = Ring.MIN_SLOT_COUNT; slotCount <= Ring.MAX_SLOT_COUNT; slotCount *= 2) {
            int columns = SlotTable.columns(slotCount);
            int rows = slotCount / columns;
            assertThat(columns * rows).as("cells for %d slots", slotCount).isEqualTo(slotCount);
            assertThat(columns).as("columns for %d slots", slotCount).isIn(rows, 2 * rows);
        }
    }

    @Test
    void refusesASlotCountThatIsNoPowerOfTwo() {
        assertThatIllegalArgumentException().isThrownBy(() -> SlotTable.columns(3000))
                .withMessageContaining("power of two");
        assertThatIllegalArgumentException().isThrownBy(() -> SlotTable.columns(0));
    }
}
