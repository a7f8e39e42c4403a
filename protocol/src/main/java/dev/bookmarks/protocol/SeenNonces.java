package dev.bookmarks.protocol;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

/**
 * The nonces of the signatures a shard accepted, so that it accepts none twice, in bounded memory.
 *
 * <p>Two generations: nonces go into the current one; every {@code 2 x window} (by this host's clock) the
 * current becomes the previous and the previous is forgotten, and so it is, early, when the current holds
 * half the capacity. Whenever nonces are forgotten, the newest signature time among them becomes the
 * <em>floor</em>: a signature timestamped at or before it is refused as {@link Admission#FORGOTTEN}. So
 * every signature this memory ever accepted is either still remembered or below the floor: a replay is
 * refused whatever the rotations did, and the capacity bounds memory, not safety.
 *
 * <p>What the bounds cost: rotating by time never refuses a signature the window would accept (the
 * forgotten generation's signatures are all more than a window old by then). Rotating at the capacity
 * refuses signatures delivered later than the time it took to fill half the capacity, which only matters
 * when a shard accepts more than about {@code capacity / (2 x window)} requests a second. The floor starts
 * just before the time the memory was made: after a restart, when nothing is remembered, signatures made
 * before it are refused rather than accepted a second time. (Not closed: a signature dated after the restart
 * by a gateway whose clock is ahead of this host's, accepted by the previous process just before it stopped,
 * can be accepted once more; the gap is the clocks' difference, milliseconds under NTP.)
 *
 * <p>Thread-safe: one lock, held for a few hash-set operations.
 */
final class SeenNonces {

    /** How a signature's nonce was received. */
    enum Admission {
        /** Not seen before: now remembered. */
        FRESH,
        /** Seen before, within memory: a replay. */
        REPLAYED,
        /** Signed at or before the floor: it might have been seen and forgotten. */
        FORGOTTEN
    }

    /** Nonce bytes, as two longs: half the memory of the string. */
    private record Nonce(long high, long low) {
    }

    private final long periodMillis;
    private final int generationCapacity;
    private Set<Nonce> current = new HashSet<>();
    private Set<Nonce> previous = new HashSet<>();
    private long currentNewest = Long.MIN_VALUE;
    private long previousNewest = Long.MIN_VALUE;
    private long currentStarted;
    private long floor;

    /**
     * @param window the signature window; nonces are kept for at least twice that
     * @param capacity the most nonces held, in [2, 100,000,000]
     * @param nowMillis this host's clock now: signatures timestamped before it are refused
     */
    SeenNonces(Duration window, int capacity, long nowMillis) {
        if (capacity < 2 || capacity > 100_000_000) {
            throw new IllegalArgumentException("the replay memory's capacity must be in [2, 100000000]: " + capacity);
        }
        this.periodMillis = 2 * window.toMillis();
        this.generationCapacity = capacity / 2;
        this.currentStarted = nowMillis;
        this.floor = nowMillis - 1;
    }

    /**
     * Whether {@code nonce}, well-formed ({@link #isWellFormed}), of a signature made at {@code timestampMillis}
     * and verified at {@code nowMillis}, is new; remembers it if so.
     */
    synchronized Admission admit(String nonce, long timestampMillis, long nowMillis) {
        if (nowMillis - currentStarted >= periodMillis || current.size() >= generationCapacity) {
            rotate(nowMillis);
        }
        if (timestampMillis <= floor) {
            return Admission.FORGOTTEN;
        }
        Nonce key = key(nonce);
        if (current.contains(key) || previous.contains(key)) {
            return Admission.REPLAYED;
        }
        current.add(key);
        currentNewest = Math.max(currentNewest, timestampMillis);
        return Admission.FRESH;
    }

    /** The floor: signatures made at or before it are refused. */
    synchronized long floor() {
        return floor;
    }

    /** How many nonces are held. */
    synchronized int size() {
        return current.size() + previous.size();
    }

    private void rotate(long started) {
        floor = Math.max(floor, previousNewest);
        previous = current;
        previousNewest = currentNewest;
        current = new HashSet<>();
        currentNewest = Long.MIN_VALUE;
        currentStarted = started;
    }

    /** 22 base64url characters: 128 bits, the form {@link RequestSigner} makes. */
    static boolean isWellFormed(String nonce) {
        if (nonce == null || nonce.length() != 22) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    private static Nonce key(String nonce) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(nonce));
        return new Nonce(bytes.getLong(), bytes.getLong());
    }
}
