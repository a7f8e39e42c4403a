package dev.bookmarks.gateway.resilience;

import java.time.Duration;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The overall deadline of a request's attempts ({@code retry.overall-timeout}), carried in the Reactor context from
 * {@link ShardRetryFilter} to the HTTP client, where it cuts each attempt's response timeout to what is left of it.
 * So one timer per attempt enforces both bounds: Reactor Netty's response timeout, on the connection's own event
 * loop. A {@code Mono.timeout} around the attempts would schedule and cancel a second task per request on Reactor's
 * shared parallel scheduler, which cost about a sixth of a request's CPU time (docs/benchmarks.md).
 *
 * <p>What the deadline bounds is therefore the wait for the shard's answer: an attempt whose connection is still
 * being made when the deadline passes ends with its connect timeout ({@code httpclient.connect-timeout}), so a
 * request's time to the shard's response headers is at most the overall timeout plus one connect timeout.
 */
final class AttemptDeadline {

    /** Where the deadline ({@link System#nanoTime()} scale) travels in the Reactor context. */
    static final String CONTEXT_KEY = AttemptDeadline.class.getName();

    /** The shortest response timeout an attempt gets, even past the deadline: Reactor Netty wants a positive one. */
    static final Duration MINIMUM = Duration.ofMillis(1);

    private AttemptDeadline() {
    }

    /** {@code context} with the deadline {@code deadlineNanos} ({@link System#nanoTime()} scale). */
    static Context put(Context context, long deadlineNanos) {
        return context.put(CONTEXT_KEY, deadlineNanos);
    }

    /**
     * The response timeout of an attempt that starts at {@code nowNanos}: {@code configured} if the context carries
     * no deadline or the deadline is further away; otherwise what is left until the deadline, and at least
     * {@link #MINIMUM} once it has passed (the attempt then times out at once, as a timeout).
     */
    static Duration responseTimeout(Duration configured, ContextView context, long nowNanos) {
        Long deadline = context.getOrDefault(CONTEXT_KEY, null);
        if (deadline == null) {
            return configured;
        }
        long left = deadline - nowNanos;
        if (left >= configured.toNanos()) {
            return configured;
        }
        return left <= MINIMUM.toNanos() ? MINIMUM : Duration.ofNanos(left);
    }
}
