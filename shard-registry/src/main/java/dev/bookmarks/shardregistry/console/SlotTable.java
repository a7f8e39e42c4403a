package dev.bookmarks.shardregistry.console;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ring's slot table as the console draws it: the shards in directory order, and for every slot the index of its
 * owner in that list, two bytes little-endian per slot, Base64 (32 KiB of table for 16384 slots, 43 KiB on the wire).
 *
 * @param epoch the ring's epoch
 * @param slotCount how many slots
 * @param shards the shards' IDs; an owner index points into this list
 * @param owners Base64 of {@code 2 * slotCount} bytes: slot {@code s}'s owner index at bytes {@code 2s} (low) and
 *     {@code 2s + 1} (high)
 */
public record SlotTable(long epoch, int slotCount, List<String> shards, String owners) {

    /** The table of this ring. */
    public static SlotTable of(Ring ring) {
        List<String> ids = ring.shards().stream().map(Shard::id).toList();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
        }
        byte[] bytes = new byte[2 * ring.slotCount()];
        for (int slot = 0; slot < ring.slotCount(); slot++) {
            int owner = index.get(ring.ownerOfSlot(slot).id());
            bytes[2 * slot] = (byte) owner;
            bytes[2 * slot + 1] = (byte) (owner >>> 8);
        }
        return new SlotTable(ring.epoch(), ring.slotCount(), ids, Base64.getEncoder().encodeToString(bytes));
    }

    /** The owner index of {@code slot}, decoded: what the console's script computes. */
    int ownerIndex(int slot) {
        byte[] bytes = Base64.getDecoder().decode(owners);
        return (bytes[2 * slot] & 0xff) | (bytes[2 * slot + 1] & 0xff) << 8;
    }
}
