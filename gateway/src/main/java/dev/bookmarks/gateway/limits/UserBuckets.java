package dev.bookmarks.gateway.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This gateway's share of every user's token bucket, in memory: the request path ({@link #take}) touches nothing
 * else. Each bucket is one timestamp, the theoretical arrival time of the Generic Cell Rate Algorithm (ATM's
 * GCRA, as redis-cell and Envoy's local rate limit use it): a request is allowed if the bucket's time, moved on by
 * one token's worth ({@code emission}), stays within {@code tolerance} of now. That makes a take one
 * compare-and-set on one {@link AtomicLong}, with no lock and no allocation once the user is tracked.
 *
 * <p>The split across gateways: with {@code G} live gateways, a token is worth {@code G} times the nanoseconds
 * of the global limit ({@link #gateways}), while the tolerance stays {@code burst / rate} seconds; so this
 * gateway's bucket holds at most {@code burst / G} tokens and refills at {@code rate / G} a second: its fair
 * share. {@code G = 1} is the whole limit, which a gateway enforces alone while Redis is away. {@link #apply} sets
 * a user's level from the global bucket's remaining tokens, {@code remaining / G} (negative for a debt), less what
 * was taken since the report.
 *
 * <p>Memory: at most about {@code maxUsers} buckets (concurrent first requests may pass the check together). A
 * new user beyond that is refused, never let through untracked, so that neither the cap nor
 * {@link #evictFull eviction} is a way around the limit: only buckets that are full and have nothing to report
 * are dropped, and a full bucket is exactly what a new one is.
 */
final class UserBuckets {

    static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The global bucket's tokens come from Redis in millionths. */
    static final long MICROS_PER_TOKEN = 1_000_000L;
    /** A bucket's time once {@link #evictFull} dropped it: a request that still holds it looks the user up again. */
    private static final long EVICTED = Long.MIN_VALUE;

    /** One user's bucket on this gateway. */
    static final class Bucket {

        /** The GCRA time: the bucket is full when it is not after now, and holds (now + tolerance - it) / emission. */
        private final AtomicLong time;
        /**
         * Tokens taken here since the last report. A take counts itself before it takes and uncounts itself if it
         * was refused, so a reconcile may see one token too many, never too few.
         */
        private final AtomicLong spent = new AtomicLong();

        private Bucket(long time) {
            this.time = new AtomicLong(time);
        }
    }

    /** What one reconcile reports for one user: the tokens taken here since the last report. */
    record Report(String user, Bucket bucket, long spent) {
    }

    private final long rate;
    private final long tolerance;
    private final int maxUsers;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** Nanoseconds one token is worth here: G / rate seconds. */
    private volatile long emission;
    private volatile int gateways;

    /**
     * @param rate the global replenish rate, tokens a second
     * @param burst the global burst capacity
     * @param maxUsers the most users tracked at once
     * @param nanoTime the clock, {@link System#nanoTime} but in tests
     */
    UserBuckets(int rate, long burst, int maxUsers, LongSupplier nanoTime) {
        this.rate = rate;
        // Rounded down, and emission up: rounding only ever makes the limit stricter.
        this.tolerance = burst * NANOS_PER_SECOND / rate;
        this.maxUsers = maxUsers;
        this.nanoTime = nanoTime;
        gateways(1);
    }

    /**
     * Takes one token of {@code user}'s bucket: a result {@code >= 0} means allowed, and is the tokens left in
     * this gateway's share; a negative result means refused, and is minus the whole seconds (at least 1) until a
     * token will be there. A user not tracked yet while {@code maxUsers} are is refused for one second.
     */
    long take(String user) {
        long now = nanoTime.getAsLong();
        while (true) {
            Bucket bucket = buckets.get(user);
            if (bucket == null) {
                if (buckets.size() >= maxUsers) {
                    return -1;
                }
                // A new bucket is full: this gateway's share of a bucket Redis has not seen used.
                bucket = buckets.computeIfAbsent(user, u -> new Bucket(now));
            }
            long verdict = take(bucket, now);
            if (verdict != EVICTED) {
                return verdict;
            }
            buckets.remove(user, bucket);
        }
    }

    private long take(Bucket bucket, long now) {
        long step = emission;
        bucket.spent.incrementAndGet();
        while (true) {
            long time = bucket.time.get();
            if (time == EVICTED) {
                bucket.spent.decrementAndGet();
                return EVICTED;
            }
            long next = Math.max(time, now) + step;
            long ahead = next - now;
            if (ahead > tolerance) {
                bucket.spent.decrementAndGet();
                long wait = ahead - tolerance;
                return -Math.max(1, (wait + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND);
            }
            if (bucket.time.compareAndSet(time, next)) {
                return (tolerance - ahead) / step;
            }
        }
    }

    /** Whether a {@link #take} result allowed the request. */
    static boolean allowed(long verdict) {
        return verdict >= 0;
    }

    /** The {@code Retry-After} seconds of a refused {@link #take} result. */
    static long retryAfterSeconds(long verdict) {
        return -verdict;
    }

    /** Splits the limit {@code count} ways from now on, for every user: each gateway's share (1 = all of it). */
    void gateways(int count) {
        int g = Math.max(1, count);
        gateways = g;
        emission = (g * NANOS_PER_SECOND + rate - 1) / rate;
    }

    /** The share count last set by {@link #gateways}. */
    int gateways() {
        return gateways;
    }

    /**
     * The users that took tokens here since the last report, with how many, and resets their counts; for one
     * reconcile. Only those users: the others have nothing to report.
     */
    List<Report> drain() {
        List<Report> reports = new ArrayList<>();
        buckets.forEach((user, bucket) -> {
            long spent = bucket.spent.get();
            if (spent > 0) {
                // Subtract rather than reset: a take counted meanwhile stays for the next report.
                bucket.spent.addAndGet(-spent);
                reports.add(new Report(user, bucket, spent));
            }
        });
        return reports;
    }

    /**
     * Sets a reported user's bucket from the global bucket's {@code remainingMicros} (millionths of a token; may
     * be negative, a debt, down to minus the burst), after {@link #gateways} was set: this gateway's share is
     * {@code remaining / G}, less the tokens taken here since the report, and refills at {@code rate / G} from now;
     * a negative share is a wait of {@code -remaining / rate} seconds.
     */
    void apply(Report report, long remainingMicros) {
        long now = nanoTime.getAsLong();
        Bucket bucket = report.bucket();
        while (true) {
            long time = bucket.time.get();
            if (time == EVICTED) {
                return;
            }
            long step = emission;
            // A negative remaining is a debt (other gateways overdrew): this gateway's share of it waits too.
            double share = remainingMicros / (double) MICROS_PER_TOKEN / gateways;
            double level = share - Math.max(0, bucket.spent.get());
            // Level in tokens to time: time = now + tolerance - level * emission; never before now (full), and a
            // debt of at most one more tolerance (the global bucket's floor is minus the burst).
            double target = Math.ceil(now + tolerance - level * step);
            long next = target <= now ? now : (long) Math.min(target, now + 2 * (double) tolerance);
            if (bucket.time.compareAndSet(time, next)) {
                return;
            }
        }
    }

    /**
     * Drops the buckets that are full and have nothing to report: they hold nothing a new bucket would not.
     *
     * @return how many were dropped
     */
    int evictFull() {
        long now = nanoTime.getAsLong();
        int[] evicted = {0};
        buckets.forEach((user, bucket) -> {
            long time = bucket.time.get();
            // A negative count is a refused take's uncount after a report: nothing to report either.
            if (time != EVICTED && time - now <= 0 && bucket.spent.get() <= 0
                    && bucket.time.compareAndSet(time, EVICTED)) {
                buckets.remove(user, bucket);
                evicted[0]++;
            }
        });
        return evicted[0];
    }

    /** How many users are tracked now. */
    int size() {
        return buckets.size();
    }
}
