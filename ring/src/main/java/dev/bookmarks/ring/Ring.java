package dev.bookmarks.ring;

import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of the ring: an epoch, a fixed number of hash slots, a table from slot to
 * shard, the directory of shards, and the slots migrating between shards. A user belongs to
 * {@code ownerOfSlot(SlotHash.slotOf(userId, slotCount()))}, a lookup that takes no lock and
 * allocates nothing, so gateways call it on every request. A change of membership or weights is a
 * new ring, made by {@link #rebalance}, with the epoch one higher; holders swap the whole snapshot.
 *
 * <p><b>Migrations.</b> A change that moves slots can instead move them in steps, each step a ring one
 * epoch higher: {@link #plan} says what {@link #rebalance} would move; {@link #startMigration} sets a
 * batch of planned slots {@link MigrationPhase#COPYING} to their planned target and gives the ring the
 * plan's directory (so a new target is in it, owning no slots yet); {@link #freeze} makes them
 * {@link MigrationPhase#FROZEN}; {@link #cutover} makes the target their owner and ends their
 * migration; {@link #abort}, from either phase, ends it with the owner unchanged. Until cutover the
 * owner (the migration's source) is what {@link #ownerOf} and {@link #ownerOfSlot} answer and what
 * {@link #slotsOwnedBy} counts: it serves reads and writes while the slot is COPYING, and reads only,
 * refusing writes (503), while it is FROZEN. The target serves nothing for the slot before cutover. Every
 * slot therefore has exactly one owner at every epoch. Migrating all of a plan's slots and cutting them
 * over gives the table {@link #rebalance} would have given; a {@link #rebalance} itself is refused
 * while any slot migrates, because it would hand slots over without their data.
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
    private static final int[] NO_SLOTS = {};
    private static final char[] NO_TARGETS = {};
    private static final MigrationPhase[] NO_PHASES = {};

    private final long epoch;
    private final int mask;
    private final Shard[] shards;
    private final char[] table;
    private final int[] slotsOwned;
    private final List<Shard> shardList;
    /** The migrating slots, ascending; {@code targets[i]} and {@code phases[i]} belong to {@code migrating[i]}. */
    private final int[] migrating;
    private final char[] targets;
    private final MigrationPhase[] phases;

    /** A ring with no slot migrating. Takes ownership of both arrays; {@code shards} must be sorted by id. */
    Ring(long epoch, Shard[] shards, char[] table) {
        this(epoch, shards, table, NO_SLOTS, NO_TARGETS, NO_PHASES);
    }

    /**
     * Takes ownership of every array; {@code shards} must be sorted by id, {@code migrating} ascending,
     * and {@code targets} and {@code phases} as long as {@code migrating}.
     */
    Ring(long epoch, Shard[] shards, char[] table, int[] migrating, char[] targets, MigrationPhase[] phases) {
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
        requireValidMigrations(shards, table, migrating, targets, phases);
        this.epoch = epoch;
        this.mask = table.length - 1;
        this.shards = shards;
        this.table = table;
        this.slotsOwned = owned;
        this.shardList = List.of(shards);
        this.migrating = migrating;
        this.targets = targets;
        this.phases = phases;
    }

    private static void requireValidMigrations(Shard[] shards, char[] table, int[] migrating, char[] targets,
            MigrationPhase[] phases) {
        if (targets.length != migrating.length || phases.length != migrating.length) {
            throw new IllegalArgumentException("migrations need a target and a phase each: " + migrating.length
                    + " slots, " + targets.length + " targets, " + phases.length + " phases");
        }
        for (int i = 0; i < migrating.length; i++) {
            int slot = migrating[i];
            if (slot < 0 || slot >= table.length) {
                throw new IllegalArgumentException(
                        "a migrating slot must be in [0, " + table.length + "): " + slot);
            }
            if (i > 0 && migrating[i - 1] >= slot) {
                throw new IllegalArgumentException(
                        "migrating slots must be unique and ascending: " + migrating[i - 1] + ", " + slot);
            }
            if (targets[i] >= shards.length) {
                throw new IllegalArgumentException("slot " + slot + " migrates to shard index " + (int) targets[i]
                        + ", but there are " + shards.length + " shards");
            }
            if (targets[i] == table[slot]) {
                throw new IllegalArgumentException("slot " + slot + " migrates to its own owner, shard "
                        + Shard.quote(shards[table[slot]].id()));
            }
            Objects.requireNonNull(phases[i], "migration phase");
        }
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
     * @throws IllegalStateException if any slot is migrating
     */
    public Ring rebalance(Collection<Shard> shards) {
        if (migrating.length > 0) {
            int first = migrating[0];
            throw new IllegalStateException("cannot rebalance while " + migrating.length + " slots migrate (slot "
                    + first + " is " + phases[0] + " to " + Shard.quote(this.shards[targets[0]].id())
                    + "): a rebalance would hand them over without their data; cut them over or abort them first");
        }
        Shard[] sorted = sortedUnique(shards);
        return new Ring(Math.addExact(epoch, 1), sorted,
                Rebalancer.assign(table.length, table, this.shards, sorted));
    }

    /**
     * Returns what {@link #rebalance} would move for the same shards, changing nothing: the moves
     * (slot, from, to) and the directory after them, for {@link #startMigration}. The plan counts each
     * slot with its current owner, as {@code rebalance} does, even a slot that is migrating: a plan made
     * while slots migrate does not know they are leaving, so make plans when none is.
     *
     * @param shards as for {@link #rebalance}
     */
    public MovePlan plan(Collection<Shard> shards) {
        Shard[] sorted = sortedUnique(shards);
        return new MovePlan(epoch, this.shards, table, sorted,
                Rebalancer.assign(table.length, table, this.shards, sorted));
    }

    /**
     * Returns the ring, one epoch higher, in which the given slots of {@code plan} are
     * {@link MigrationPhase#COPYING} to their planned owner, and whose directory is the plan's. Other
     * migrations carry on unchanged; every slot keeps its owner.
     *
     * <p>A plan serves all of its batches: it fits this ring while the ring's directory is the one the
     * plan was made from or the plan's own, and each slot started is still owned by the shard the plan
     * moves it from. The plan's directory must hold every shard that owns slots or is a migration's
     * target: to remove a shard that owns slots, plan it {@link ShardState#DRAINING}, migrate its
     * slots, and rebalance it away once it owns none.
     *
     * @param slots one or more distinct slots, in any order, each moved by the plan and not migrating
     * @throws IllegalArgumentException if the plan does not fit this ring or a slot cannot start; the
     *     message says which and why
     */
    public Ring startMigration(MovePlan plan, int[] slots) {
        Objects.requireNonNull(plan, "plan");
        int[] batch = requireSlots(slots, "start migrating");
        if (plan.slotCount() != table.length) {
            throw new IllegalArgumentException("cannot start migrating: the plan is for " + plan.slotCount()
                    + " slots, this ring has " + table.length);
        }
        Shard[] next = plan.after();
        boolean sameDirectory = Arrays.equals(shards, next);
        if (!sameDirectory && !Arrays.equals(shards, plan.before())) {
            throw new IllegalArgumentException("cannot start migrating: this ring's directory is neither the one"
                    + " the plan was made from (at epoch " + plan.baseEpoch() + ") nor the plan's; the plan is"
                    + " stale, make a new one");
        }
        int[] remap = new int[shards.length];
        for (int i = 0; i < shards.length; i++) {
            remap[i] = sameDirectory ? i : indexOf(next, shards[i].id());
            if (remap[i] < 0 && slotsOwned[i] > 0) {
                throw new IllegalArgumentException("cannot start migrating: shard " + Shard.quote(shards[i].id())
                        + " owns " + slotsOwned[i] + " slots and the plan removes it from the directory; plan it"
                        + " DRAINING instead, migrate its slots, and remove it once it owns none");
            }
        }
        for (int m = 0; m < migrating.length; m++) {
            if (remap[targets[m]] < 0) {
                throw new IllegalArgumentException("cannot start migrating: slot " + migrating[m] + " migrates to"
                        + " shard " + Shard.quote(shards[targets[m]].id()) + ", which the plan removes from the"
                        + " directory; abort or cut over its migrations first");
            }
        }
        int[] planned = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            int slot = batch[i];
            int m = Arrays.binarySearch(migrating, slot);
            if (m >= 0) {
                throw new IllegalArgumentException("cannot start migrating slot " + slot + ": it is already "
                        + phases[m] + " to " + Shard.quote(shards[targets[m]].id()));
            }
            planned[i] = plan.indexOfSlot(slot);
            String owner = shards[table[slot]].id();
            if (planned[i] < 0) {
                throw new IllegalArgumentException("cannot start migrating slot " + slot + ": the plan leaves it"
                        + " with " + Shard.quote(owner));
            }
            if (!plan.fromId(planned[i]).equals(owner)) {
                throw new IllegalArgumentException("cannot start migrating slot " + slot + ": the plan moves it"
                        + " from " + Shard.quote(plan.fromId(planned[i])) + ", but " + Shard.quote(owner)
                        + " owns it now; the plan is stale, make a new one");
            }
        }
        char[] nextTable = table;
        if (!sameDirectory) {
            nextTable = new char[table.length];
            for (int slot = 0; slot < table.length; slot++) {
                nextTable[slot] = (char) remap[table[slot]];
            }
        }
        // Merges the batch (ascending) into the migrations (ascending); neither holds a slot of the other.
        int n = migrating.length + batch.length;
        int[] nextSlots = new int[n];
        char[] nextTargets = new char[n];
        MigrationPhase[] nextPhases = new MigrationPhase[n];
        for (int k = 0, m = 0, b = 0; k < n; k++) {
            if (b == batch.length || m < migrating.length && migrating[m] < batch[b]) {
                nextSlots[k] = migrating[m];
                nextTargets[k] = (char) remap[targets[m]];
                nextPhases[k] = phases[m++];
            } else {
                nextSlots[k] = batch[b];
                nextTargets[k] = plan.toIndex(planned[b++]);
                nextPhases[k] = MigrationPhase.COPYING;
            }
        }
        return new Ring(Math.addExact(epoch, 1), next, nextTable, nextSlots, nextTargets, nextPhases);
    }

    /**
     * Returns the ring, one epoch higher, in which the given slots are {@link MigrationPhase#FROZEN}:
     * their owner stops taking writes for them.
     *
     * @param slots one or more distinct slots, in any order, each {@link MigrationPhase#COPYING}
     * @throws IllegalArgumentException if a slot is not migrating or already frozen
     */
    public Ring freeze(int[] slots) {
        int[] batch = requireSlots(slots, "freeze");
        MigrationPhase[] nextPhases = phases.clone();
        for (int slot : batch) {
            int m = requireMigrating(slot, "freeze");
            if (phases[m] != MigrationPhase.COPYING) {
                throw new IllegalArgumentException("cannot freeze slot " + slot + ": it is already FROZEN");
            }
            nextPhases[m] = MigrationPhase.FROZEN;
        }
        return new Ring(Math.addExact(epoch, 1), shards, table, migrating, targets, nextPhases);
    }

    /**
     * Returns the ring, one epoch higher, in which each of the given slots is owned by its
     * migration's target and migrates no more.
     *
     * @param slots one or more distinct slots, in any order, each {@link MigrationPhase#FROZEN}
     * @throws IllegalArgumentException if a slot is not migrating or still copying
     */
    public Ring cutover(int[] slots) {
        int[] batch = requireSlots(slots, "cut over");
        char[] nextTable = table.clone();
        for (int slot : batch) {
            int m = requireMigrating(slot, "cut over");
            if (phases[m] != MigrationPhase.FROZEN) {
                throw new IllegalArgumentException("cannot cut over slot " + slot + ": it is " + phases[m]
                        + "; freeze it first, so that no write reaches its owner after the target's copy");
            }
            nextTable[slot] = targets[m];
        }
        return withoutMigrations(batch, nextTable);
    }

    /**
     * Returns the ring, one epoch higher, in which the given slots migrate no more and keep their
     * owner, which serves reads and writes for them again.
     *
     * @param slots one or more distinct slots, in any order, each migrating (in either phase)
     * @throws IllegalArgumentException if a slot is not migrating
     */
    public Ring abort(int[] slots) {
        int[] batch = requireSlots(slots, "abort");
        for (int slot : batch) {
            requireMigrating(slot, "abort");
        }
        return withoutMigrations(batch, table);
    }

    /** The migration of the slot, which must be in {@code [0, slotCount())}; empty if it is not migrating. */
    public Optional<SlotMigration> migrationOf(int slot) {
        Objects.checkIndex(slot, table.length);
        if (migrating.length == 0) {
            return Optional.empty();
        }
        int m = Arrays.binarySearch(migrating, slot);
        return m < 0 ? Optional.empty()
                : Optional.of(new SlotMigration(slot, shards[table[slot]], shards[targets[m]], phases[m]));
    }

    /** Whether any slot is migrating. */
    public boolean isMigrating() {
        return migrating.length > 0;
    }

    /** The migrating slots, ascending; empty if none is. */
    public int[] migratingSlots() {
        return migrating.clone();
    }

    /**
     * Returns this ring, slot for slot, shard for shard and migration for migration, at a higher epoch:
     * for writing a ring
     * again above whatever epoch the store holds now (restoring the last trusted ring over a forged
     * one), where {@link #rebalance} would only add one.
     *
     * @throws IllegalArgumentException unless {@code epoch} is higher than this ring's
     */
    public Ring withEpoch(long epoch) {
        if (epoch <= this.epoch) {
            throw new IllegalArgumentException("the new epoch must be higher than " + this.epoch + ": " + epoch);
        }
        return new Ring(epoch, shards, table, migrating, targets, phases);
    }

    /**
     * Returns the shard that owns the user's slot; while the slot migrates, its source, until cutover.
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

    /**
     * Returns the owner of {@code slot}, which must be in {@code [0, slotCount())}; while the slot
     * migrates, its source, until cutover.
     */
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

    /** How many slots the shard owns, migrating or not; 0 for an id that is not in the ring. */
    public int slotsOwnedBy(String id) {
        int i = indexOf(id);
        return i < 0 ? 0 : slotsOwned[i];
    }

    /** The slots the shard owns, migrating or not, ascending; empty for an id that is not in the ring. */
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

    /**
     * The ring in its wire format (see {@code RingCodec}): version 1 when no slot migrates, as before
     * migrations existed, else version 2. Equal rings give equal bytes.
     */
    public byte[] toBytes() {
        return RingCodec.encode(epoch, shards, table, migrating, targets, phases);
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

    /** Validates a batch of slots for {@code verb} and returns it sorted. */
    private int[] requireSlots(int[] slots, String verb) {
        Objects.requireNonNull(slots, "slots");
        if (slots.length == 0) {
            throw new IllegalArgumentException("cannot " + verb + ": no slots given");
        }
        int[] sorted = slots.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || sorted[i] >= table.length) {
                throw new IllegalArgumentException("cannot " + verb + " slot " + sorted[i] + ": slots are in [0, "
                        + table.length + ")");
            }
            if (i > 0 && sorted[i - 1] == sorted[i]) {
                throw new IllegalArgumentException("cannot " + verb + " slot " + sorted[i] + ": it is given twice");
            }
        }
        return sorted;
    }

    /** The slot's index in {@link #migrating}. */
    private int requireMigrating(int slot, String verb) {
        int m = Arrays.binarySearch(migrating, slot);
        if (m < 0) {
            throw new IllegalArgumentException("cannot " + verb + " slot " + slot + ": it is not migrating");
        }
        return m;
    }

    /** This ring one epoch higher, with {@code nextTable} and without the migrations of {@code batch} (ascending). */
    private Ring withoutMigrations(int[] batch, char[] nextTable) {
        int n = migrating.length - batch.length;
        int[] nextSlots = new int[n];
        char[] nextTargets = new char[n];
        MigrationPhase[] nextPhases = new MigrationPhase[n];
        for (int m = 0, b = 0, k = 0; m < migrating.length; m++) {
            if (b < batch.length && batch[b] == migrating[m]) {
                b++;
            } else {
                nextSlots[k] = migrating[m];
                nextTargets[k] = targets[m];
                nextPhases[k++] = phases[m];
            }
        }
        return new Ring(Math.addExact(epoch, 1), shards, nextTable, nextSlots, nextTargets, nextPhases);
    }

    private int indexOf(String id) {
        return indexOf(shards, id);
    }

    /** The index of {@code id} in a directory sorted by id, or -1. */
    static int indexOf(Shard[] sorted, String id) {
        int lo = 0;
        int hi = sorted.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = sorted[mid].id().compareTo(id);
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
                && Arrays.equals(table, other.table) && Arrays.equals(migrating, other.migrating)
                && Arrays.equals(targets, other.targets) && Arrays.equals(phases, other.phases);
    }

    @Override
    public int hashCode() {
        return Objects.hash(epoch, Arrays.hashCode(shards), Arrays.hashCode(table), Arrays.hashCode(migrating),
                Arrays.hashCode(targets), Arrays.hashCode(phases));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Ring[epoch=").append(epoch).append(", slots=")
                .append(table.length).append(", shards=");
        for (int i = 0; i < shards.length && i < 8; i++) {
            b.append(i == 0 ? "" : ", ").append(shards[i].id()).append('=').append(slotsOwned[i]);
        }
        b.append(shards.length > 8 ? ", ..." : "");
        if (migrating.length > 0) {
            int frozen = 0;
            for (MigrationPhase phase : phases) {
                frozen += phase == MigrationPhase.FROZEN ? 1 : 0;
            }
            b.append(", migrating=").append(migrating.length).append(" (").append(migrating.length - frozen)
                    .append(" copying, ").append(frozen).append(" frozen)");
        }
        return b.append(']').toString();
    }
}
