package dev.bookmarks.ring;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Ring#rebalance} would change, computed by {@link Ring#plan} without changing anything:
 * the slots whose owner changes, from which shard to which, and the directory after the change. A
 * plan is the input of {@link Ring#startMigration}, which moves its slots in batches rather than at
 * once. Immutable.
 *
 * <p>Shards are named by id: a plan's moves compare owners by id, as {@link Ring#slotsMovedTo} does,
 * so a shard whose url, weight or state changes is the same shard.
 */
public final class MovePlan {

    /**
     * One slot whose owner changes.
     *
     * @param slot the slot, {@code >= 0}
     * @param from the id of the shard that owns it when the plan is made
     * @param to the id of the shard that owns it after the change; never {@code from}
     */
    public record Move(int slot, String from, String to) {

        public Move {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (slot < 0) {
                throw new IllegalArgumentException("a slot must be >= 0: " + slot);
            }
            if (from.equals(to)) {
                throw new IllegalArgumentException("slot " + slot + " cannot move from shard "
                        + Shard.quote(from) + " to itself");
            }
        }
    }

    /**
     * How many slots go from one shard to another.
     *
     * @param from the id of the giving shard
     * @param to the id of the receiving shard
     * @param slots how many slots, {@code >= 1}
     */
    public record Transfer(String from, String to, int slots) {

        public Transfer {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (slots < 1) {
                throw new IllegalArgumentException("a transfer moves at least 1 slot: " + slots);
            }
        }
    }

    private final long baseEpoch;
    private final int slotCount;
    private final Shard[] before;
    private final Shard[] after;
    /** The moving slots, ascending; {@code from[i]} indexes {@code before}, {@code to[i]} indexes {@code after}. */
    private final int[] slots;
    private final char[] from;
    private final char[] to;
    private final List<Shard> afterList;
    private final List<Move> moves;
    private final List<Transfer> transfers;

    /**
     * Compares two tables owner by owner, by shard id. Keeps both directories without copying them:
     * {@code before} is an immutable ring's and {@code after} is made for this plan.
     */
    MovePlan(long baseEpoch, Shard[] before, char[] beforeTable, Shard[] after, char[] table) {
        int[] remap = new int[before.length];
        for (int i = 0; i < before.length; i++) {
            remap[i] = Ring.indexOf(after, before[i].id());
        }
        int count = 0;
        for (int slot = 0; slot < table.length; slot++) {
            if (remap[beforeTable[slot]] != table[slot]) {
                count++;
            }
        }
        this.slots = new int[count];
        this.from = new char[count];
        this.to = new char[count];
        // Each move's (from, to) packed in a long, counted later by sorting: no boxed key per moving slot.
        long[] pairs = new long[count];
        for (int slot = 0, k = 0; slot < table.length; slot++) {
            if (remap[beforeTable[slot]] != table[slot]) {
                slots[k] = slot;
                from[k] = beforeTable[slot];
                to[k] = table[slot];
                pairs[k] = (long) from[k] << 16 | to[k];
                k++;
            }
        }
        this.baseEpoch = baseEpoch;
        this.slotCount = table.length;
        this.before = before;
        this.after = after;
        this.afterList = List.of(after);
        // A view, so that a plan that moves most of a million slots does not hold a million records.
        this.moves = new AbstractList<>() {
            @Override
            public Move get(int i) {
                return move(Objects.checkIndex(i, slots.length));
            }

            @Override
            public int size() {
                return slots.length;
            }
        };
        this.transfers = transfers(pairs, before, after);
    }

    /** Counts equal pairs; both directories are sorted by id, so sorting the indices sorts by ids. */
    private static List<Transfer> transfers(long[] pairs, Shard[] before, Shard[] after) {
        Arrays.sort(pairs);
        List<Transfer> transfers = new ArrayList<>();
        for (int i = 0; i < pairs.length; ) {
            int j = i;
            while (j < pairs.length && pairs[j] == pairs[i]) {
                j++;
            }
            transfers.add(new Transfer(before[(int) (pairs[i] >>> 16)].id(), after[(int) (pairs[i] & 0xFFFF)].id(),
                    j - i));
            i = j;
        }
        return List.copyOf(transfers);
    }

    /** The epoch of the ring the plan was made from. */
    public long baseEpoch() {
        return baseEpoch;
    }

    public int slotCount() {
        return slotCount;
    }

    /** The directory after the change, sorted by id: the one {@link Ring#rebalance} would give. */
    public List<Shard> shards() {
        return afterList;
    }

    /** Every slot whose owner changes, ascending by slot. */
    public List<Move> moves() {
        return moves;
    }

    /** The slots whose owner changes, ascending. */
    public int[] slots() {
        return slots.clone();
    }

    /** How many slots move. */
    public int moveCount() {
        return slots.length;
    }

    public boolean isEmpty() {
        return slots.length == 0;
    }

    /** The slot's move, or empty if the plan leaves it with its owner (or it is out of range). */
    public Optional<Move> moveOf(int slot) {
        int i = Arrays.binarySearch(slots, slot);
        return i < 0 ? Optional.empty() : Optional.of(move(i));
    }

    /** How many slots go from each shard to each other, one entry per pair that moves any, sorted by from, then to. */
    public List<Transfer> transfers() {
        return transfers;
    }

    /** The directory of the ring the plan was made from, sorted by id. */
    Shard[] before() {
        return before;
    }

    Shard[] after() {
        return after;
    }

    /** The index of the slot's move, or a negative number if it does not move. */
    int indexOfSlot(int slot) {
        return Arrays.binarySearch(slots, slot);
    }

    /** The id of the shard that owns the {@code i}-th moving slot when the plan is made. */
    String fromId(int i) {
        return before[from[i]].id();
    }

    /** The index in {@link #shards()} of the {@code i}-th moving slot's new owner. */
    char toIndex(int i) {
        return to[i];
    }

    private Move move(int i) {
        return new Move(slots[i], before[from[i]].id(), after[to[i]].id());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MovePlan other && baseEpoch == other.baseEpoch && slotCount == other.slotCount
                && Arrays.equals(before, other.before) && Arrays.equals(after, other.after)
                && Arrays.equals(slots, other.slots) && Arrays.equals(from, other.from) && Arrays.equals(to, other.to);
    }

    @Override
    public int hashCode() {
        return Objects.hash(baseEpoch, slotCount, Arrays.hashCode(before), Arrays.hashCode(after),
                Arrays.hashCode(slots), Arrays.hashCode(from), Arrays.hashCode(to));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("MovePlan[from epoch ").append(baseEpoch).append(", ")
                .append(slots.length).append(" of ").append(slotCount).append(" slots move");
        for (int i = 0; i < transfers.size() && i < 8; i++) {
            Transfer t = transfers.get(i);
            b.append(i == 0 ? ": " : ", ").append(t.from()).append("->").append(t.to()).append('=').append(t.slots());
        }
        return b.append(transfers.size() > 8 ? ", ...]" : "]").toString();
    }
}
