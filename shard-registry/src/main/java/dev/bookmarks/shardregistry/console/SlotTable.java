package dev.bookmarks.shardregistry.console;

import dev.bookmarks.ring.MigrationPhase;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import dev.bookmarks.ring.SlotMigration;
import dev.bookmarks.ring.SlotRanges;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The ring's slot table as the console draws it: the shards in directory order, for every slot the index of its
 * owner in that list, two bytes little-endian per slot, Base64 (32 KiB of table for 16384 slots, 43 KiB on the wire),
 * the grid to draw it on, and the slots that are moving. Two bytes because a ring may have up to
 * {@value Ring#MAX_SHARDS} shards; the page fetches the table only when the epoch changed, so its size is paid once
 * per change, not per poll. Every migration step (start, freeze, cutover, abort) is a new epoch, so the moving slots
 * are never older than the table either.
 *
 * @param epoch the ring's epoch
 * @param slotCount how many slots
 * @param columns the grid's width: slot {@code s} is drawn at column {@code s % columns}, row {@code s / columns}
 * @param rows the grid's height; {@code columns * rows == slotCount}, and {@code columns} is {@code rows} or twice it
 * @param shards the shards' IDs in directory order; an owner index points into this list
 * @param owners Base64 of {@code 2 * slotCount} bytes: slot {@code s}'s owner index at bytes {@code 2s} (low) and
 *     {@code 2s + 1} (high); a moving slot's owner is its migration's source until cutover, as the ring says
 * @param moving the slots migrating, one {@link Moving} group per (source, target, phase), in the order of each
 *     group's lowest slot; every migrating slot is in exactly one group; empty when no slot migrates
 */
public record SlotTable(long epoch, int slotCount, int columns, int rows, List<String> shards, String owners,
        List<Moving> moving) {

    public SlotTable {
        moving = List.copyOf(moving);
    }

    /**
     * Slots that migrate between the same two shards in the same phase.
     *
     * @param source the ID of the shard that owns them and serves them until cutover
     * @param target the ID of the shard that owns them after cutover
     * @param phase {@code COPYING} (the source serves reads and writes) or {@code FROZEN} (reads only)
     * @param slots the slots as every process writes a slot set ({@link SlotRanges}): ascending, comma-separated, a
     *     run of consecutive slots as {@code first-last} and a slot without a neighbour alone ({@code "0-15,40"})
     */
    public record Moving(String source, String target, MigrationPhase phase, String slots) {
    }

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
                Base64.getEncoder().encodeToString(bytes), moving(ring));
    }

    private record Group(String source, String target, MigrationPhase phase) {
    }

    private static List<Moving> moving(Ring ring) {
        // Insertion order, and the slots ascending: each group comes in the order of its lowest slot.
        Map<Group, IntStream.Builder> groups = new LinkedHashMap<>();
        for (int slot : ring.migratingSlots()) {
            SlotMigration migration = ring.migrationOf(slot).orElseThrow();
            groups.computeIfAbsent(new Group(migration.source().id(), migration.target().id(), migration.phase()),
                    group -> IntStream.builder()).add(slot);
        }
        List<Moving> moving = new ArrayList<>(groups.size());
        groups.forEach((group, slots) -> moving.add(new Moving(group.source(), group.target(), group.phase(),
                SlotRanges.format(slots.build().toArray()))));
        return moving;
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
