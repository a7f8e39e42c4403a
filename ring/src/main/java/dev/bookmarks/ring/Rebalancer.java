package dev.bookmarks.ring;

import java.util.Arrays;

/**
 * Computes slot assignments. The idea is Dynamo's "equal-sized partitions" strategy and Redis
 * Cluster's fixed slots: slots never change, only their owners do, and an owner change moves the
 * fewest slots that reach the new weighted shares.
 *
 * <p>Contract, for the active shards with weights {@code w} summing to {@code W} over {@code S}
 * slots, where a shard's exact share is {@code q = S * w / W}:
 * <ol>
 *   <li>every active shard ends with {@code floor(q)} or {@code ceil(q)} slots, a draining or
 *       removed shard with none;</li>
 *   <li>among all such targets, the one chosen moves the fewest slots, and then changes the
 *       fewest shards; no shard both gives and receives;</li>
 *   <li>so an added (or up-weighted) shard is the only receiver, and a removed, draining (or
 *       down-weighted) shard the only giver, whenever some target within (1) allows it. With equal
 *       weights one always does. With unequal weights a ring can hold its extra slots on shards
 *       that all fall below {@code ceil(q)} at once, more than the newcomer may take; (1) then
 *       forces the excess, typically one slot, between two staying shards, and (1) wins
 *       ({@code RebalancerTest.aWeightedJoinCanForceOneSlotBetweenStayingShards});</li>
 *   <li>the result depends only on the previous table and the set of shards (sorted by id), never
 *       on the order they were given in.</li>
 * </ol>
 */
final class Rebalancer {

    static final char UNOWNED = Character.MAX_VALUE;

    private Rebalancer() {
    }

    /**
     * @param previous the previous table (slot to index into {@code previousShards}), or
     *     {@code null} for a new ring
     * @param previousShards the previous directory, sorted by id
     * @param shards the new directory, sorted by id, ids unique, at least one active
     * @return the new table, slot to index into {@code shards}
     */
    static char[] assign(int slotCount, char[] previous, Shard[] previousShards, Shard[] shards) {
        int[] remap = remap(previousShards, shards);
        char[] table = new char[slotCount];
        int[] count = new int[shards.length];
        for (int slot = 0; slot < slotCount; slot++) {
            int owner = previous == null ? -1 : remap[previous[slot]];
            table[slot] = owner < 0 ? UNOWNED : (char) owner;
            if (owner >= 0) {
                count[owner]++;
            }
        }
        int[] target = targets(slotCount, shards, count);
        // Over-target shards give up their highest slots; receivers, in id order, take the freed
        // slots lowest first. Both orders are arbitrary but fixed, which makes the result
        // deterministic.
        for (int slot = slotCount - 1; slot >= 0; slot--) {
            char owner = table[slot];
            if (owner != UNOWNED && count[owner] > target[owner]) {
                table[slot] = UNOWNED;
                count[owner]--;
            }
        }
        int receiver = 0;
        for (int slot = 0; slot < slotCount; slot++) {
            if (table[slot] == UNOWNED) {
                while (count[receiver] >= target[receiver]) {
                    receiver++;
                }
                table[slot] = (char) receiver;
                count[receiver]++;
            }
        }
        return table;
    }

    /**
     * Largest-remainder apportionment whose rounding favours the status quo: of the shards whose
     * share is fractional, {@code k} get {@code ceil(q)} instead of {@code floor(q)}. Giving the
     * extra slot to a shard that holds more than {@code floor(q)} saves one move, so those come
     * first, and among them the ones it leaves untouched (they hold exactly {@code ceil(q)}); then
     * shards that receive anyway (they hold less than {@code floor(q)}); last, shards that the
     * extra slot turns into receivers. So the fewest slots move, and then the fewest shards change.
     * Ties go to the larger remainder, then to the smaller id.
     */
    static int[] targets(int slotCount, Shard[] shards, int[] count) {
        int n = shards.length;
        long totalWeight = 0;
        for (Shard shard : shards) {
            totalWeight += shard.state() == ShardState.ACTIVE ? shard.weight() : 0;
        }
        if (totalWeight == 0) {
            throw new IllegalArgumentException("a ring needs at least one ACTIVE shard");
        }
        int[] target = new int[n];
        long[] candidates = new long[n];
        int candidateCount = 0;
        int assigned = 0;
        for (int i = 0; i < n; i++) {
            if (shards[i].state() != ShardState.ACTIVE) {
                continue;
            }
            long exact = (long) slotCount * shards[i].weight();
            target[i] = (int) (exact / totalWeight);
            assigned += target[i];
            long remainder = exact % totalWeight;
            if (remainder > 0) {
                int floor = target[i];
                long preference = count[i] == floor + 1 ? 0 : count[i] > floor ? 1 : count[i] < floor ? 2 : 3;
                // preference (2 bits) | totalWeight - remainder (< 2^30) | index (< 2^16)
                candidates[candidateCount++] = preference << 48 | (totalWeight - remainder) << 16 | i;
            }
        }
        Arrays.sort(candidates, 0, candidateCount);
        for (int j = 0; j < slotCount - assigned; j++) {
            target[(int) (candidates[j] & 0xFFFF)]++;
        }
        return target;
    }

    /** For each previous index, the index of the same shard id in {@code shards}, or -1. */
    private static int[] remap(Shard[] previousShards, Shard[] shards) {
        int[] remap = new int[previousShards.length];
        for (int i = 0, j = 0; i < previousShards.length; i++) {
            int cmp = -1;
            while (j < shards.length && (cmp = shards[j].id().compareTo(previousShards[i].id())) < 0) {
                j++;
            }
            remap[i] = j < shards.length && cmp == 0 ? j : -1;
        }
        return remap;
    }
}
