package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.List;
import java.util.Optional;

/**
 * The product's placement, {@link Ring}, through the benchmark interface: every shard active with
 * weight 1, a change of membership is {@link Ring#rebalance} of the current ring, and a shard's
 * share of the hash space is its slots over the slot count.
 */
final class SlotRingRouter implements Router {

    private final Ring ring;
    private final List<String> shardIds;

    private SlotRingRouter(Ring ring, List<String> shardIds) {
        this.ring = ring;
        this.shardIds = List.copyOf(shardIds);
    }

    static SlotRingRouter create(int slotCount, List<String> shardIds) {
        return new SlotRingRouter(Ring.create(slotCount, shards(shardIds)), shardIds);
    }

    @Override
    public String route(String userId) {
        return ring.ownerOf(userId).id();
    }

    @Override
    public List<String> shardIds() {
        return shardIds;
    }

    @Override
    public Optional<double[]> hashSpaceShares() {
        double[] shares = new double[shardIds.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = (double) ring.slotsOwnedBy(shardIds.get(i)) / ring.slotCount();
        }
        return Optional.of(shares);
    }

    @Override
    public Router withShards(List<String> newShardIds) {
        return new SlotRingRouter(ring.rebalance(shards(newShardIds)), newShardIds);
    }

    /** How many slots have another owner in {@code other}; sampling-free movement, in slots. */
    int slotsMovedTo(SlotRingRouter other) {
        return ring.slotsMovedTo(other.ring);
    }

    int slotCount() {
        return ring.slotCount();
    }

    private static List<Shard> shards(List<String> ids) {
        // The ring places by id only; the URL just has to be valid.
        return ids.stream().map(id -> Shard.active(id, "http://" + id + ":8080", 1)).toList();
    }
}
