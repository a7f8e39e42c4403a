package dev.bookmarks.ring;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the ring: an epoch, a fixed number of hash slots, a table from slot to
 * shard, and the directory of shards. A user belongs to
 * {@code ownerOfSlot(SlotHash.slotOf(userId, slotCount()))}, a lookup that takes no lock and
 * allocates nothing, so gateways call it on every request. A change of membership or weights is a
 * new ring, made by {@link #rebalance}, with the epoch one higher; holders swap the whole snapshot.
 *
 * <p>Rings travel as bytes ({@link #toBytes()}, {@link #fromBytes(byte[])}) in a versioned format
 * documented on {@code RingCodec}.
 */
public final class Ring {

    public static final int DEFAULT_SLOT_COUNT = 16384;
    public static final int MIN_SLOT_COUNT = 1024;
    public static final int MAX_SLOT_COUNT = 1 << 20;
    /** One less than 2^16, so a slot's owner fits in a {@code char} and one value means "none". */
    public static final int MAX_SHARDS = 65535;

    private static final Comparator<Shard> BY_ID = Comparator.comparing(Shard::id);

    private final long epoch;
    private final int mask;
    private final Shard[] shards;
    private final char[] table;
    private final int[] slotsOwned;
    private final List<Shard> shardList;

    /** Takes ownership of both arrays; {@code shards} must be sorted by id. */
    Ring(long epoch, Shard[] shards, char[] table) {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1: " + epoch);
        }
        requireSlotCount(table.length);
        if (shards.length < 1 || shards.length > MAX_SHARDS) {
            throw new IllegalArgumentException(
                    "a ring has between 1 and " + MAX_SHARDS + " shards: " + shards.length);
        }
        for (int i = 1; i < shards.length; i++) {
            if (BY_ID.compare(shards[i - 1], shards[i]) >= 0) {
                throw new IllegalArgumentException("shard ids must be unique and sorted: "
                        + Shard.quote(shards[i - 1].id()) + ", " + Shard.quote(shards[i].id()));
            }
        }
        int[] owned = new int[shards.length];
        for (int slot = 0; slot < table.length; slot++) {
            if (table[slot] >= shards.length) {
                throw new IllegalArgumentException("slot " + slot + " names shard index "
                        + (int) table[slot] + ", but there are " + shards.length + " shards");
            }
            owned[table[slot]]++;
        }
        this.epoch = epoch;
        this.mask = table.length - 1;
        this.shards = shards;
        this.table = table;
        this.slotsOwned = owned;
        this.shardList = List.of(shards);
    }

    /**
     * Creates the first ring, epoch 1, with {@code slotCount} slots shared among the active shards
     * by weight.
     *
     * @param slotCount a power of two in [{@value #MIN_SLOT_COUNT}, {@value #MAX_SLOT_COUNT}]
     * @param shards 1 to {@value #MAX_SHARDS} shards with unique ids, at least one active; order
     *     does not matter
     */
    public static Ring create(int slotCount, Collection<Shard> shards) {
        requireSlotCount(slotCount);
        Shard[] sorted = sortedUnique(shards);
        return new Ring(1, sorted, Rebalancer.assign(slotCount, null, new Shard[0], sorted));
    }

    /**
     * Returns the ring for a new set of shards, with the epoch one higher and the fewest slot moves
     * that give each active shard {@code floor} or {@code ceil} of its weighted share: slots of
     * removed and draining shards go to active ones, shards above their new share give to shards
     * below it, and no other slot moves. Shards are matched by id; a changed url or state is taken
     * from {@code shards}. The same set in any order gives the same ring.
     *
     * @param shards the complete new directory: 1 to {@value #MAX_SHARDS} shards with unique ids,
     *     at least one active
     */
    public Ring rebalance(Collection<Shard> shards) {
        Shard[] sorted = sortedUnique(shards);
        return new Ring(Math.addExact(epoch, 1), sorted,
                Rebalancer.assign(table.length, table, this.shards, sorted));
    }

    /**
     * Returns this ring, slot for slot and shard for shard, at a higher epoch: for writing a ring
     * again above whatever epoch the store holds now (restoring the last trusted ring over a forged
     * one), where {@link #rebalance} would only add one.
     *
     * @throws IllegalArgumentException unless {@code epoch} is higher than this ring's
     */
    public Ring withEpoch(long epoch) {
        if (epoch <= this.epoch) {
            throw new IllegalArgumentException("the new epoch must be higher than " + this.epoch + ": " + epoch);
        }
        return new Ring(epoch, shards, table);
    }

    /**
     * Returns the shard that owns the user's slot.
     *
     * @throws InvalidUserIdException if the ID does not match {@link UserIds#PATTERN}
     */
    public Shard ownerOf(String userId) {
        return shards[table[slotOf(userId)]];
    }

    /**
     * Returns the user's slot, {@code XXH64(userId) mod slotCount()} as {@link SlotHash} defines.
     *
     * @throws InvalidUserIdException if the ID does not match {@link UserIds#PATTERN}
     */
    public int slotOf(String userId) {
        // SlotHash.slotOf without re-checking the slot count, which this ring validated when it was made.
        return (int) (SlotHash.hash(userId) & mask);
    }

    /** Returns the owner of {@code slot}, which must be in {@code [0, slotCount())}. */
    public Shard ownerOfSlot(int slot) {
        Objects.checkIndex(slot, table.length);
        return shards[table[slot]];
    }

    public long epoch() {
        return epoch;
    }

    public int slotCount() {
        return table.length;
    }

    /** The directory, sorted by id. */
    public List<Shard> shards() {
        return shardList;
    }

    public Optional<Shard> shard(String id) {
        int i = indexOf(id);
        return i < 0 ? Optional.empty() : Optional.of(shards[i]);
    }

    /** How many slots the shard owns; 0 for an id that is not in the ring. */
    public int slotsOwnedBy(String id) {
        int i = indexOf(id);
        return i < 0 ? 0 : slotsOwned[i];
    }

    /** The slots the shard owns, ascending; empty for an id that is not in the ring. */
    public int[] slotsOf(String id) {
        int i = indexOf(id);
        if (i < 0) {
            return new int[0];
        }
        int[] slots = new int[slotsOwned[i]];
        for (int slot = 0, k = 0; k < slots.length; slot++) {
            if (table[slot] == i) {
                slots[k++] = slot;
            }
        }
        return slots;
    }

    /**
     * How many slots have a different owner (by shard id) in {@code other}: the number of slots a
     * change from this ring to {@code other} moves.
     *
     * @throws IllegalArgumentException if the rings have different slot counts
     */
    public int slotsMovedTo(Ring other) {
        if (other.table.length != table.length) {
            throw new IllegalArgumentException("rings with different slot counts: "
                    + table.length + " and " + other.table.length);
        }
        int[] remap = new int[shards.length];
        for (int i = 0; i < shards.length; i++) {
            remap[i] = other.indexOf(shards[i].id());
        }
        int moved = 0;
        for (int slot = 0; slot < table.length; slot++) {
            if (remap[table[slot]] != other.table[slot]) {
                moved++;
            }
        }
        return moved;
    }

    /** The ring in its wire format (see {@code RingCodec}); equal rings give equal bytes. */
    public byte[] toBytes() {
        return RingCodec.encode(epoch, shards, table);
    }

    /**
     * Parses {@link #toBytes()} output.
     *
     * @throws RingFormatException if the bytes are truncated, corrupt, of an unknown format version,
     *     or describe an invalid ring; never returns a ring that differs from the one written
     */
    public static Ring fromBytes(byte[] bytes) {
        return RingCodec.decode(bytes);
    }

    /** Validates a slot count: a power of two in [{@value #MIN_SLOT_COUNT}, {@value #MAX_SLOT_COUNT}]. */
    public static int requireSlotCount(int slotCount) {
        if (slotCount < MIN_SLOT_COUNT || slotCount > MAX_SLOT_COUNT || Integer.bitCount(slotCount) != 1) {
            throw new IllegalArgumentException("slots must be a power of two in [" + MIN_SLOT_COUNT
                    + ", " + MAX_SLOT_COUNT + "]: " + slotCount);
        }
        return slotCount;
    }

    char[] table() {
        return table;
    }

    Shard[] shardArray() {
        return shards;
    }

    private int indexOf(String id) {
        int lo = 0;
        int hi = shards.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = shards[mid].id().compareTo(id);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    private static Shard[] sortedUnique(Collection<Shard> shards) {
        Shard[] sorted = shards.toArray(new Shard[0]);
        Arrays.sort(sorted, BY_ID);
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i - 1].id().equals(sorted[i].id())) {
                throw new IllegalArgumentException("duplicate shard id: " + Shard.quote(sorted[i].id()));
            }
        }
        if (sorted.length < 1 || sorted.length > MAX_SHARDS) {
            throw new IllegalArgumentException(
                    "a ring has between 1 and " + MAX_SHARDS + " shards: " + sorted.length);
        }
        return sorted;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ring other && epoch == other.epoch && Arrays.equals(shards, other.shards)
                && Arrays.equals(table, other.table);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, Arrays.hashCode(shards), Arrays.hashCode(table));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Ring[epoch=").append(epoch).append(", slots=")
                .append(table.length).append(", shards=");
        for (int i = 0; i < shards.length && i < 8; i++) {
            b.append(i == 0 ? "" : ", ").append(shards[i].id()).append('=').append(slotsOwned[i]);
        }
        return b.append(shards.length > 8 ? ", ...]" : "]").toString();
    }
}
