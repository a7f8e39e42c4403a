package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.SlotHash;
import java.util.List;
import java.util.Optional;

/**
 * Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
 * 2014), the paper's 64-bit linear congruential loop over the user's XXH64. Buckets are indices into
 * the shard list as given, so jump can only add or remove the last shard without renumbering; a
 * change anywhere else shifts every later bucket to another shard, and {@link #withShards} models
 * exactly that.
 *
 * <p>Jump has no table: a key's bucket comes from a chain of pseudo-random jumps seeded by the key,
 * not from a range of the hash space, so {@link #hashSpaceShares()} is empty; every bucket's
 * expected share is 1/N by construction, and its balance shows in how many users each shard gets.
 */
final class JumpRouter implements Router {

    private final List<String> shardIds;
    private final String[] buckets;

    JumpRouter(List<String> shardIds) {
        this.shardIds = List.copyOf(shardIds);
        this.buckets = this.shardIds.toArray(String[]::new);
    }

    /** The paper's {@code JumpConsistentHash(key, num_buckets)}, with {@code key} unsigned. */
    static int bucket(long key, int bucketCount) {
        long b = -1;
        long j = 0;
        while (j < bucketCount) {
            b = j;
            key = key * 2862933555777941757L + 1;
            j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
        }
        return (int) b;
    }

    @Override
    public String route(String userId) {
        return buckets[bucket(SlotHash.hash(userId), buckets.length)];
    }

    @Override
    public List<String> shardIds() {
        return shardIds;
    }

    @Override
    public Optional<double[]> hashSpaceShares() {
        return Optional.empty();
    }

    @Override
    public Router withShards(List<String> newShardIds) {
        return new JumpRouter(newShardIds);
    }
}
