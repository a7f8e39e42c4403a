package dev.bookmarks.ring;

/**
 * XXH64, the 64-bit xxHash by Yann Collet (https://github.com/Cyan4973/xxHash, algorithm as in
 * {@code doc/xxhash_spec.md}), over a string whose every char is one byte (0..255).
 *
 * <p>Reading bytes straight out of the string keeps the ring's hot path free of allocation: a valid
 * user ID is ASCII, so its chars are exactly its UTF-8 bytes. Any byte sequence can still be hashed
 * by passing it as an ISO-8859-1 string, which is how the reference test vectors are checked.
 */
final class XxHash64 {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    /**
     * Returns XXH64 of the bytes {@code (byte) s.charAt(0) .. (byte) s.charAt(len - 1)}.
     * The caller guarantees that every char is at most 0xFF.
     */
    static long hash(CharSequence s, long seed) {
        int len = s.length();
        int i = 0;
        long h;
        if (len >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            do {
                v1 = round(v1, long64(s, i));
                v2 = round(v2, long64(s, i + 8));
                v3 = round(v3, long64(s, i + 16));
                v4 = round(v4, long64(s, i + 24));
                i += 32;
            } while (i <= len - 32);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
                    + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += len;
        for (; i + 8 <= len; i += 8) {
            h ^= round(0, long64(s, i));
            h = Long.rotateLeft(h, 27) * P1 + P4;
        }
        if (i + 4 <= len) {
            h ^= int32(s, i) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            i += 4;
        }
        for (; i < len; i++) {
            h ^= (s.charAt(i) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long mergeRound(long acc, long val) {
        acc ^= round(0, val);
        return acc * P1 + P4;
    }

    /** Little-endian, as the specification reads its lanes. */
    private static long long64(CharSequence s, int i) {
        return int32(s, i) | int32(s, i + 4) << 32;
    }

    private static long int32(CharSequence s, int i) {
        return (s.charAt(i) & 0xFFL)
                | (s.charAt(i + 1) & 0xFFL) << 8
                | (s.charAt(i + 2) & 0xFFL) << 16
                | (s.charAt(i + 3) & 0xFFL) << 24;
    }
}
