package dev.bookmarks.bookmarkservice.migration;

/**
 * A write reached the point of committing for a slot this shard may not change at the ring it holds: the slot
 * is frozen for its cutover ({@link #frozen()}: answered 503 with {@code Retry-After}, the write is retried and
 * lands on whichever shard owns the slot then) or another shard owns it ({@link #owner()}: answered 421 with
 * the epoch, like the ownership filter's refusal). Thrown inside the write's transaction, which rolls back, so
 * nothing of the write remains.
 */
public final class WriteFencedException extends RuntimeException {

    private final int slot;
    private final long epoch;
    private final String owner;
    private final boolean frozen;

    private WriteFencedException(int slot, long epoch, String owner, boolean frozen, String message) {
        super(message);
        this.slot = slot;
        this.epoch = epoch;
        this.owner = owner;
        this.frozen = frozen;
    }

    static WriteFencedException frozen(int slot, long epoch, String target) {
        return new WriteFencedException(slot, epoch, null, true, "at epoch " + epoch + " slot " + slot
                + " is frozen while it moves to " + target + "; writes resume in a moment");
    }

    static WriteFencedException movedTo(int slot, long epoch, String owner) {
        return new WriteFencedException(slot, epoch, owner, false,
                "at epoch " + epoch + " this user's slot " + slot + " belongs to " + owner);
    }

    public int slot() {
        return slot;
    }

    /** The epoch of the ring that refused the write. */
    public long epoch() {
        return epoch;
    }

    /** Whether the slot is frozen here for its cutover (503), rather than owned by another shard (421). */
    public boolean frozen() {
        return frozen;
    }

    /** The slot's owner at {@link #epoch()} when it is not this shard; null when {@link #frozen()}. */
    public String owner() {
        return owner;
    }
}
