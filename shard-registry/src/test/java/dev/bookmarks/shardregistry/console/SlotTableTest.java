package dev.bookmarks.shardregistry.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlotTableTest {

    private static Shard shard(String id) {
        return Shard.active(id, "http://127.0.0.1:9000/" + id, 1);
    }

    @Test
    void givesEverySlotTheIndexOfItsOwnerInTheListedShards() {
        Ring ring = Ring.create(1024, List.of(shard("a"), shard("b"), shard("c")));

        SlotTable table = SlotTable.of(ring);

        assertThat(table.epoch()).isEqualTo(ring.epoch());
        assertThat(table.slotCount()).isEqualTo(1024);
        assertThat(table.shards()).containsExactly("a", "b", "c");
        assertThat(Base64.getDecoder().decode(table.owners())).hasSize(2 * 1024);
        for (int slot = 0; slot < 1024; slot++) {
            assertThat(table.shards().get(table.ownerIndex(slot))).as("slot %d", slot)
                    .isEqualTo(ring.ownerOfSlot(slot).id());
        }
    }

    @Test
    void encodesOwnerIndicesAbove255InTwoBytes() {
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            shards.add(shard("s" + i));
        }
        Ring ring = Ring.create(1024, shards);

        SlotTable table = SlotTable.of(ring);

        boolean sawHighIndex = false;
        for (int slot = 0; slot < 1024; slot++) {
            int index = table.ownerIndex(slot);
            sawHighIndex |= index > 255;
            assertThat(table.shards().get(index)).isEqualTo(ring.ownerOfSlot(slot).id());
        }
        assertThat(sawHighIndex).isTrue();
    }
}
