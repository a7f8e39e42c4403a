package dev.bookmarks.ring;

/** What the ring asks of a shard. Liveness is not a state: a dead shard keeps its slots. */
public enum ShardState {

    /** Takes its weighted share of the slots. */
    ACTIVE,

    /**
     * Stays in the directory, so its address stays known, but its target share is zero: the next
     * rebalance moves all of its slots to the active shards, exactly as a removal would.
     */
    DRAINING
}
