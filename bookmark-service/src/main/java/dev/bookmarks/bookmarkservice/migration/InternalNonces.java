package dev.bookmarks.bookmarkservice.migration;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces of the shard-to-shard signatures this shard accepted, so that it accepts none twice, in bounded
 * memory. Shard-to-shard traffic is one migration target paging at a time, far below the gateways', so this is
 * simpler than the gateway verifier's memory: nonces in arrival order with their signature times, forgotten
 * once their signature is past the window (the window alone refuses them then), or, when {@code capacity} is
 * reached, oldest first, raising a <em>floor</em>: a signature timestamped at or before it is refused, since it
 * might have been accepted and forgotten. The floor starts just before this memory was made, so that after a
 * restart a signature the previous process may have accepted is refused too. Thread-safe: one lock, held for a
 * few map operations.
 */
final class InternalNonces {

    /** How a signature's nonce was received. */
    enum Admission {
        FRESH,
        REPLAYED,
        FORGOTTEN
    }

    private final long windowMillis;
    private final int capacity;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private long floor;

    InternalNonces(long windowMillis, int capacity, long nowMillis) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the nonce memory needs room for at least one nonce: " + capacity);
        }
        this.windowMillis = windowMillis;
        this.capacity = capacity;
        this.floor = nowMillis - 1;
    }

    /** Admits the nonce of a signature made at {@code signedMillis} that is within the window of {@code nowMillis}. */
    synchronized Admission admit(String nonce, long signedMillis, long nowMillis) {
        for (Iterator<Map.Entry<String, Long>> oldest = seen.entrySet().iterator(); oldest.hasNext(); ) {
            if (oldest.next().getValue() >= nowMillis - windowMillis) {
                break;
            }
            oldest.remove();
        }
        if (signedMillis <= floor) {
            return Admission.FORGOTTEN;
        }
        if (seen.containsKey(nonce)) {
            return Admission.REPLAYED;
        }
        if (seen.size() >= capacity) {
            Iterator<Map.Entry<String, Long>> oldest = seen.entrySet().iterator();
            floor = Math.max(floor, oldest.next().getValue());
            oldest.remove();
            if (signedMillis <= floor) {
                return Admission.FORGOTTEN;
            }
        }
        seen.put(nonce, signedMillis);
        return Admission.FRESH;
    }
}
