package dev.bookmarks.shardregistry.console;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ring's slot table as the console draws it: the shards in directory order, for every slot the index of its
 * owner in that list, two bytes little-endian per slot, Base64 (32 KiB of table for 16384 slots, 43 KiB on the wire),
 * and the grid to draw it on. Two bytes because a ring may have up to {@value Ring#MAX_SHARDS} shards; the page
 * fetches the table only when the epoch changed, so its size is paid once per change, not per poll.
 *
 * @param epoch the ring's epoch
 * @param slotCount how many slots
 * @param columns the grid's width: slot {@code s} is drawn at column {@code s % columns}, row {@code s / columns}
 * @param rows the grid's height; {@code columns * rows == slotCount}, and {@code columns} is {@code rows} or twice it
 * @param shards the shards' IDs in directory order; an owner index points into this list
 * @param owners Base64 of {@code 2 * slotCount} bytes: slot {@code s}'s owner index at bytes {@code 2s} (low) and
 *     {@code 2s + 1} (high)
 */
public record SlotTable(long epoch, int slotCount, int columns, int rows, List<String> shards, String owners) {

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
        int columns = columns(ring.slotCount());
        return new SlotTable(ring.epoch(), ring.slotCount(), columns, ring.slotCount() / columns, ids,
                Base64.getEncoder().encodeToString(bytes));
    }

    /**
     * The width of the most nearly square grid of {@code slotCount} cells, a power of two as the ring's slot counts
     * are: 128 for 16384 slots (128 x 128), 64 for 2048 (64 x 32), so that no cell is left empty.
     */
    static int columns(int slotCount) {
        if (slotCount < 1 || Integer.bitCount(slotCount) != 1) {
            throw new IllegalArgumentException("a ring's slot count is a power of two: " + slotCount);
        }
        return 1 << ((Integer.numberOfTrailingZeros(slotCount) + 1) / 2);
    }
}
