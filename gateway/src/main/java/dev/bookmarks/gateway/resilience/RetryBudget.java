package dev.bookmarks.gateway.resilience;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Caps retries at a fraction of requests, in the manner of Finagle's {@code RetryBudget} and Envoy's
 * retry budgets: every request deposits {@code ratio} tokens (0.2 by default) into a bucket that
 * holds at most {@code maxTokens}, and every retry withdraws one. So that a gateway with little
 * traffic can still retry, a second bucket refills at {@code minRetriesPerSecond} (holding at most
 * one second's worth) and is drawn first. Under a sustained failure, extra attempts are therefore at
 * most {@code ratio * requests + minRetriesPerSecond * seconds + maxTokens}.
 *
 * <p>Thread-safe; each call takes one short lock and does no allocation.
 */
public final class RetryBudget {

    private final double ratio;
    private final double maxTokens;
    private final double minPerNano;
    private final double minCap;
    private final LongSupplier nanoTime;

    private double tokens;
    private double reserve;
    private long lastRefill;

    private RetryBudget(Builder builder) {
        this.ratio = builder.ratio;
        this.maxTokens = builder.maxTokens;
        this.minCap = builder.minRetriesPerSecond;
        this.minPerNano = builder.minRetriesPerSecond / (double) TimeUnit.SECONDS.toNanos(1);
        this.nanoTime = builder.nanoTime;
        this.reserve = minCap;
        this.lastRefill = nanoTime.getAsLong();
    }

    public static Builder newBuilder() {
        return new Builder();
    }

    /** Records a request: deposits {@code ratio} tokens. */
    public synchronized void onRequest() {
        tokens = Math.min(maxTokens, tokens + ratio);
    }

    /** Takes one token for a retry; false (and nothing taken) when the budget is spent. */
    public synchronized boolean tryWithdraw() {
        refillReserve();
        if (reserve >= 1) {
            reserve -= 1;
            return true;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Retries available now (both buckets), for the gauge and the actuator view. */
    public synchronized double available() {
        refillReserve();
        return tokens + reserve;
    }

    public double ratio() {
        return ratio;
    }

    public double minRetriesPerSecond() {
        return minCap;
    }

    private void refillReserve() {
        long now = nanoTime.getAsLong();
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            reserve = Math.min(minCap, reserve + elapsed * minPerNano);
            lastRefill = now;
        }
    }

    @Override
    public String toString() {
        return "RetryBudget[ratio=" + ratio + ", minRetriesPerSecond=" + minCap + ", maxTokens=" + maxTokens + "]";
    }

    /** Settings, validated on {@link #build()}. */
    public static final class Builder {

        private double ratio = 0.2;
        private double minRetriesPerSecond = 5;
        private double maxTokens = 100;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder() {
        }

        /** Tokens each request deposits, in (0, 1]: 0.2 allows extra attempts of about 20% of requests. */
        public Builder ratio(double ratio) {
            this.ratio = ratio;
            return this;
        }

        /** Retries allowed per second however few requests there are, in [0, 1000]. */
        public Builder minRetriesPerSecond(double minRetriesPerSecond) {
            this.minRetriesPerSecond = minRetriesPerSecond;
            return this;
        }

        /** The most deposited tokens the bucket holds (a burst of retries after a quiet time), in [1, 100000]. */
        public Builder maxTokens(double maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** The clock, in nanoseconds; for tests. */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        public RetryBudget build() {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("ratio must be in (0, 1]: " + ratio);
            }
            if (!(minRetriesPerSecond >= 0 && minRetriesPerSecond <= 1000)) {
                throw new IllegalArgumentException("minRetriesPerSecond must be in [0, 1000]: " + minRetriesPerSecond);
            }
            if (!(maxTokens >= 1 && maxTokens <= 100_000)) {
                throw new IllegalArgumentException("maxTokens must be in [1, 100000]: " + maxTokens);
            }
            if (nanoTime == null) {
                throw new IllegalArgumentException("nanoTime is required");
            }
            return new RetryBudget(this);
        }
    }
}
