package dev.bookmarks.gateway.limits;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per client address, in this gateway's memory: {@code rate} tokens a second, at most
 * {@code burst}. Local on purpose: it guards this gateway's own capacity before authentication, needs no
 * round trip, and an attacker spreading over N gateways gets N times one address's share, which the bound
 * is sized for. At most {@value #MAX_ADDRESSES} addresses are tracked; past that, buckets that have refilled
 * (hold nothing a new bucket would not) are dropped first, then all.
 */
final class AddressBuckets {

    static final int MAX_ADDRESSES = 100_000;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Tokens are counted in nanos-of-refill: one token = NANOS_PER_SECOND / rate. */
    private record Bucket(long tokens, long at) {
    }

    private final long rate;
    private final long burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    AddressBuckets(int rate, int burst, LongSupplier nanoTime) {
        this.rate = rate;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one token for {@code address}: empty when it had one, else the whole seconds (at least 1) until it
     * will.
     */
    OptionalLong take(String address) {
        long now = nanoTime.getAsLong();
        if (buckets.size() >= MAX_ADDRESSES) {
            buckets.values().removeIf(b -> level(b, now) >= burst * NANOS_PER_SECOND);
            if (buckets.size() >= MAX_ADDRESSES) {
                buckets.clear();
            }
        }
        long[] wait = {0};
        buckets.compute(address, (a, bucket) -> {
            long level = bucket == null ? burst * NANOS_PER_SECOND : level(bucket, now);
            if (level >= NANOS_PER_SECOND) {
                return new Bucket(level - NANOS_PER_SECOND, now);
            }
            wait[0] = (NANOS_PER_SECOND - level + rate - 1) / rate;
            return new Bucket(level, now);
        });
        return wait[0] == 0 ? OptionalLong.empty()
                : OptionalLong.of(Math.max(1, (wait[0] + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND));
    }

    /** The bucket's tokens now, times NANOS_PER_SECOND, refilled at {@code rate} per second up to the burst. */
    private long level(Bucket bucket, long now) {
        long elapsed = Math.max(0, now - bucket.at());
        long refill = elapsed > Long.MAX_VALUE / rate ? Long.MAX_VALUE : elapsed * rate;
        return Math.min(burst * NANOS_PER_SECOND, bucket.tokens() + Math.min(refill, burst * NANOS_PER_SECOND));
    }
}
