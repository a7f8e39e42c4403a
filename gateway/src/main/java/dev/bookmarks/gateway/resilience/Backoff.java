package dev.bookmarks.gateway.resilience;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * before retry {@code n} (1-based) wait a uniformly random time in
 * {@code [0, min(max, base * 2^(n-1))]}. Full jitter spreads the retries of many clients that failed
 * together, so that they do not hit a recovering shard in waves.
 */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    /**
     * @param base the upper bound of the first wait, in [1ms, max]
     * @param max the upper bound of any wait, at most 1 minute
     * @param random the source of jitter; a seeded one in tests
     */
    public Backoff(Duration base, Duration max, RandomGenerator random) {
        if (base == null || max == null || base.compareTo(Duration.ofMillis(1)) < 0 || base.compareTo(max) > 0
                || max.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("backoff needs 1ms <= base <= max <= 1m: base " + base + ", max " + max);
        }
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The upper bound of the wait before retry {@code retry} (1-based). */
    public Duration ceiling(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based: " + retry);
        }
        int shift = Math.min(retry - 1, 62);
        long ceiling = baseNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, baseNanos << shift);
        return Duration.ofNanos(ceiling);
    }

    /** A random wait in {@code [0, ceiling(retry)]}. */
    public Duration delay(int retry) {
        long ceiling = ceiling(retry).toNanos();
        return Duration.ofNanos(random.nextLong(ceiling + 1));
    }
}
