package dev.bookmarks.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Balance and movement of one algorithm over one shard count, measured on a fixed set of users.
 * Every figure is a ratio to the ideal, so 1.00 is perfect:
 *
 * <ul>
 *   <li>{@code usersPeakToMean}: the most users on one shard over users / N;
 *   <li>{@code sharePeakToMean}: the largest share of the hash space over 1 / N (empty for jump);
 *   <li>{@code *MovedPerIdeal}: users whose shard changed over the users one shard should hold
 *       after the change (users / (N + 1) when adding, users / N when removing);
 *   <li>{@code *MovedPerNecessary}: users whose shard changed over the users whose shard had to
 *       change: those that sit on the added shard afterwards, or sat on the removed one before.
 * </ul>
 *
 * <p>Adding appends shard N + 1 (for jump, bucket N, the only add it supports). Removing drops the
 * shard at {@code removeIndex}, which is not the last, so jump must renumber; the
 * {@code removeLast*} figures are jump's friendly case, dropping the last shard, for comparison.
 */
record PlacementStats(
        double usersPeakToMean,
        OptionalDouble sharePeakToMean,
        double addMovedPerIdeal,
        double removeMovedPerIdeal,
        double addMovedPerNecessary,
        double removeMovedPerNecessary,
        double removeLastMovedPerIdeal,
        double removeLastMovedPerNecessary) {

    static PlacementStats measure(Algorithm algorithm, int shardCount, int removeIndex, String[] users) {
        if (removeIndex < 0 || removeIndex >= shardCount - 1) {
            throw new IllegalArgumentException("remove index must be in [0, " + (shardCount - 1) + "): " + removeIndex);
        }
        List<String> ids = ShardIds.first(shardCount);
        Router router = algorithm.create(ids);
        String[] before = routeAll(router, users);

        double usersPeak = peakCount(before) / ((double) users.length / shardCount);
        OptionalDouble sharePeak = router.hashSpaceShares()
                .map(shares -> OptionalDouble.of(max(shares) * shardCount))
                .orElse(OptionalDouble.empty());

        String added = ShardIds.id(shardCount + 1);
        List<String> withAdded = new ArrayList<>(ids);
        withAdded.add(added);
        String[] afterAdd = routeAll(router.withShards(withAdded), users);
        double addIdeal = (double) users.length / (shardCount + 1);

        String removed = ids.get(removeIndex);
        String[] afterRemove = routeAll(router.withShards(without(ids, removeIndex)), users);
        double removeIdeal = (double) users.length / shardCount;

        String last = ids.get(shardCount - 1);
        String[] afterRemoveLast = routeAll(router.withShards(without(ids, shardCount - 1)), users);

        return new PlacementStats(
                usersPeak,
                sharePeak,
                moved(before, afterAdd) / addIdeal,
                moved(before, afterRemove) / removeIdeal,
                (double) moved(before, afterAdd) / countOn(afterAdd, added),
                (double) moved(before, afterRemove) / countOn(before, removed),
                moved(before, afterRemoveLast) / removeIdeal,
                (double) moved(before, afterRemoveLast) / countOn(before, last));
    }

    private static String[] routeAll(Router router, String[] users) {
        String[] owners = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            owners[i] = router.route(users[i]);
        }
        return owners;
    }

    private static List<String> without(List<String> ids, int index) {
        List<String> rest = new ArrayList<>(ids);
        rest.remove(index);
        return rest;
    }

    private static int peakCount(String[] owners) {
        Map<String, Integer> counts = new HashMap<>();
        for (String owner : owners) {
            counts.merge(owner, 1, Integer::sum);
        }
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    private static long moved(String[] before, String[] after) {
        long moved = 0;
        for (int i = 0; i < before.length; i++) {
            if (!before[i].equals(after[i])) {
                moved++;
            }
        }
        return moved;
    }

    private static long countOn(String[] owners, String shard) {
        long count = 0;
        for (String owner : owners) {
            if (owner.equals(shard)) {
                count++;
            }
        }
        return count;
    }
}
