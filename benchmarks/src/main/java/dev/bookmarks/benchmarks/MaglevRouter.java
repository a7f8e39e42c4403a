package dev.bookmarks.benchmarks;

import dev.bookmarks.ring.SlotHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
 * NSDI 2016, section 3.4) with a lookup table of M = {@value #TABLE_SIZE} entries, Envoy's default;
 * M is prime, as the paper requires, so every skip yields a full permutation of the entries.
 *
 * <p>Shard i's permutation is {@code (offset + j * skip) mod M} with {@code offset = h1 mod M} and
 * {@code skip = h2 mod (M - 1) + 1}, where h1 and h2 are the first and second little-endian 64-bit
 * halves of MD5(shard id), read unsigned. The paper leaves the two hash functions open (Envoy uses
 * xxHash with seeds 0 and 1); any two independent ones give the same statistics. The table is filled
 * by the paper's populate loop (Pseudocode 1): shards take turns, in id order, each claiming the next
 * free entry of its own permutation until the table is full, so entry counts differ by at most one.
 * A user goes to {@code table[XXH64(userId) mod M]}, the hash read unsigned.
 */
final class MaglevRouter implements Router {

    static final int TABLE_SIZE = 65537;

    private final List<String> shardIds;
    private final String[] table;
    private final int[] entriesOwned;

    MaglevRouter(List<String> shardIds) {
        this.shardIds = List.copyOf(shardIds);
        String[] sortedIds = this.shardIds.stream().sorted().toArray(String[]::new);
        int[] owner = populate(sortedIds);
        table = new String[TABLE_SIZE];
        entriesOwned = new int[this.shardIds.size()];
        int[] listIndex = new int[sortedIds.length];
        for (int s = 0; s < sortedIds.length; s++) {
            listIndex[s] = this.shardIds.indexOf(sortedIds[s]);
        }
        for (int e = 0; e < TABLE_SIZE; e++) {
            table[e] = sortedIds[owner[e]];
            entriesOwned[listIndex[owner[e]]]++;
        }
    }

    private static int[] populate(String[] ids) {
        int n = ids.length;
        int[] skip = new int[n];
        // next[i] of the paper is kept as the entry it points at, advanced by skip mod M, which
        // never overflows an int.
        int[] candidate = new int[n];
        for (int i = 0; i < n; i++) {
            byte[] d = md5(ids[i]);
            candidate[i] = (int) Long.remainderUnsigned(littleEndianLong(d, 0), TABLE_SIZE);
            skip[i] = (int) Long.remainderUnsigned(littleEndianLong(d, 8), TABLE_SIZE - 1) + 1;
        }
        int[] entry = new int[TABLE_SIZE];
        Arrays.fill(entry, -1);
        int filled = 0;
        while (true) {
            for (int i = 0; i < n; i++) {
                int c = candidate[i];
                while (entry[c] >= 0) {
                    c = advance(c, skip[i]);
                }
                entry[c] = i;
                candidate[i] = advance(c, skip[i]);
                if (++filled == TABLE_SIZE) {
                    return entry;
                }
            }
        }
    }

    private static int advance(int c, int skip) {
        int next = c + skip;
        return next >= TABLE_SIZE ? next - TABLE_SIZE : next;
    }

    @Override
    public String route(String userId) {
        return table[(int) Long.remainderUnsigned(SlotHash.hash(userId), TABLE_SIZE)];
    }

    String ownerOfEntry(int entry) {
        return table[entry];
    }

    @Override
    public List<String> shardIds() {
        return shardIds;
    }

    @Override
    public Optional<double[]> hashSpaceShares() {
        double[] shares = new double[entriesOwned.length];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = (double) entriesOwned[i] / TABLE_SIZE;
        }
        return Optional.of(shares);
    }

    @Override
    public Router withShards(List<String> newShardIds) {
        return new MaglevRouter(newShardIds);
    }

    private static long littleEndianLong(byte[] b, int from) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[from + i] & 0xFFL);
        }
        return v;
    }

    private static byte[] md5(String s) {
        try {
            return MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide MD5", e);
        }
    }
}
