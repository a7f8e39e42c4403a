package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.SlotHash;
import java.util.List;
import java.util.Optional;

/**
 * A placement of users on shards, as the benchmarks compare them. Every implementation keys on the
 * same hash, {@link SlotHash#hash} (XXH64, seed 0, of the user ID), so only the placement differs
 * between algorithms, never the quality or cost of the key hash.
 */
public interface Router {

    /** Returns the id of the shard that owns the user; the ID must be valid. */
    String route(String userId);

    /** The shards this router places users on, in the order {@link #hashSpaceShares()} uses. */
    List<String> shardIds();

    /**
     * Each shard's fraction of the key hash space, in {@link #shardIds()} order, summing to 1; empty
     * for a placement that does not partition the hash space into ranges or entries (jump).
     */
    Optional<double[]> hashSpaceShares();

    /**
     * The router after membership changes to {@code shardIds}, made the way the algorithm handles
     * such a change (a rebuild for the anchors, a rebalance for the slot ring), so comparing the two
     * routers shows which users a real deployment would move.
     */
    Router withShards(List<String> shardIds);
}
