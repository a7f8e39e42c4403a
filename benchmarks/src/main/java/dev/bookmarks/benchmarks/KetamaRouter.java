package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.SlotHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Ketama consistent hashing as libmemcached builds its continuum for unweighted servers: each shard
 * gets {@value #POINTS_PER_SHARD} points on a 32-bit circle, four from each of the MD5 digests of
 * {@code "<shardId>-0"} .. {@code "<shardId>-39"}, a digest read as four little-endian 32-bit
 * integers. A user goes to the first point at or after its key hash, wrapping from 2^32 - 1 to the
 * first point. NGINX's {@code hash $key consistent} also places 160 points per unit of weight (it
 * derives them with CRC32), so this one ring stands in for both.
 *
 * <p>The key hash is the low 32 bits of {@link SlotHash#hash}, not libmemcached's MD5 of the key,
 * so that every algorithm in the comparison keys on the same hash. Points that collide keep both
 * entries; the one of the shard whose id sorts first wins, which keeps the ring deterministic.
 */
final class KetamaRouter implements Router {

    static final int POINTS_PER_SHARD = 160;
    private static final int POINTS_PER_DIGEST = 4;
    private static final int INDEX_BITS = 20;

    private final List<String> shardIds;
    /** Points in unsigned order, each stored with its sign bit flipped so that int order is unsigned order. */
    private final int[] points;
    private final String[] owners;
    private final int[] ownerIndex;

    KetamaRouter(List<String> shardIds) {
        this.shardIds = List.copyOf(shardIds);
        String[] sortedIds = this.shardIds.stream().sorted().toArray(String[]::new);
        if (sortedIds.length == 0 || sortedIds.length >= 1 << INDEX_BITS) {
            throw new IllegalArgumentException("shard count out of range: " + sortedIds.length);
        }
        // The point above the index of its sorted id, both non-negative in a long: one sort orders
        // by point and breaks ties by id.
        long[] packed = new long[sortedIds.length * POINTS_PER_SHARD];
        int k = 0;
        for (int s = 0; s < sortedIds.length; s++) {
            for (int digest = 0; digest < POINTS_PER_SHARD / POINTS_PER_DIGEST; digest++) {
                byte[] d = md5(sortedIds[s] + "-" + digest);
                for (int p = 0; p < POINTS_PER_DIGEST; p++) {
                    long point = (d[4 * p] & 0xFFL) | (d[4 * p + 1] & 0xFFL) << 8
                            | (d[4 * p + 2] & 0xFFL) << 16 | (d[4 * p + 3] & 0xFFL) << 24;
                    packed[k++] = point << INDEX_BITS | s;
                }
            }
        }
        Arrays.sort(packed);
        points = new int[packed.length];
        owners = new String[packed.length];
        ownerIndex = new int[packed.length];
        for (int i = 0; i < packed.length; i++) {
            points[i] = (int) (packed[i] >>> INDEX_BITS) ^ Integer.MIN_VALUE;
            owners[i] = sortedIds[(int) (packed[i] & ((1 << INDEX_BITS) - 1))];
            ownerIndex[i] = this.shardIds.indexOf(owners[i]);
        }
    }

    @Override
    public String route(String userId) {
        return owners[pointFor((int) SlotHash.hash(userId))];
    }

    /** Index of the first point at or after the unsigned 32-bit {@code keyHash}, wrapping to 0. */
    int pointFor(int keyHash) {
        int key = keyHash ^ Integer.MIN_VALUE;
        int lo = 0;
        int hi = points.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (points[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo == points.length ? 0 : lo;
    }

    /** The unsigned value of point {@code i}, in ascending order. */
    long point(int i) {
        return Integer.toUnsignedLong(points[i] ^ Integer.MIN_VALUE);
    }

    String ownerOfPoint(int i) {
        return owners[i];
    }

    int pointCount() {
        return points.length;
    }

    @Override
    public List<String> shardIds() {
        return shardIds;
    }

    /** Each point owns the arc from the previous point (exclusive) to itself (inclusive). */
    @Override
    public Optional<double[]> hashSpaceShares() {
        double circle = 0x1p32;
        double[] shares = new double[shardIds.size()];
        int last = points.length - 1;
        shares[ownerIndex[0]] += (point(0) + (1L << 32) - point(last)) / circle;
        for (int i = 1; i < points.length; i++) {
            shares[ownerIndex[i]] += (point(i) - point(i - 1)) / circle;
        }
        return Optional.of(shares);
    }

    @Override
    public Router withShards(List<String> newShardIds) {
        return new KetamaRouter(newShardIds);
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }
}
