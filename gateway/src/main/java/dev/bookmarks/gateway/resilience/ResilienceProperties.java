package dev.bookmarks.gateway.resilience;

import dev.bookmarks.config.Ranges;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Circuit breakers and retries towards the shards ({@code bookmarks.gateway.resilience.*}).
 *
 * @param circuitBreaker one breaker per shard
 * @param retry retries of failed shard calls
 * @param responseTimeout how long one attempt waits for the shard between reads of its answer (so for its response
 *     headers, then for each part of its body), in [100ms, 5m], 10 s by default; then the answer is a 504 and the
 *     shard's breaker counts a failure. It is Reactor Netty's {@code responseTimeout}, timed on the connection's
 *     own event loop: Spring Cloud Gateway's {@code httpclient.response-timeout} (unset here) would schedule and
 *     cancel a task on Reactor's shared parallel scheduler for every request, which cost about 15% of a request's
 *     CPU time (docs/benchmarks.md)
 * @param dnsMaxTtl the longest a shard host name's resolved address is reused, whatever TTL the DNS answer carries,
 *     in [1s, 10m], 5 s by default. A shard's container or pod that restarts comes back at a new address under the
 *     same name, and container DNS servers answer with long TTLs (podman's aardvark-dns 86400 s, Docker's 600 s):
 *     without this bound a gateway kept connecting to the dead address. Kubernetes' CoreDNS answers with 5 s.
 */
@ConfigurationProperties("bookmarks.gateway.resilience")
public record ResilienceProperties(@DefaultValue CircuitBreaker circuitBreaker, @DefaultValue Retry retry,
        @DefaultValue("10s") Duration responseTimeout, @DefaultValue("5s") Duration dnsMaxTtl) {

    public ResilienceProperties {
        Ranges.require("bookmarks.gateway.resilience.response-timeout", responseTimeout, Duration.ofMillis(100),
                Duration.ofMinutes(5));
        Ranges.require("bookmarks.gateway.resilience.dns-max-ttl", dnsMaxTtl, Duration.ofSeconds(1),
                Duration.ofMinutes(10));
    }

    /**
     * A Resilience4j count-based circuit breaker per shard id.
     *
     * @param failureRateThreshold percentage of failed calls (connect failures, timeouts, 5xx from the
     *     shard) in the window that opens the breaker, in (0, 100]
     * @param slowCallRateThreshold percentage of slow calls that opens the breaker, in (0, 100]
     * @param slowCallDuration a call slower than this (to the shard's response headers) is slow, in [10ms, 1m]
     * @param slidingWindowSize calls in the window, in [1, 10000]
     * @param minimumNumberOfCalls calls needed before rates are computed, in [1, 100000]
     * @param waitInOpenState how long an open breaker refuses calls before letting probes through;
     *     its 503s' {@code Retry-After} is what is left of it, in whole seconds; in [1s, 10m]
     * @param permittedCallsInHalfOpenState probes let through while half-open, in [1, 1000]
     * @param probeOnRestart whether an open breaker lets probes through as soon as its shard's heartbeat
     *     announces a new start time, before the wait ends ({@code RestartedShardProbe}); default true
     * @param restartCheckInterval how often open breakers' shards are checked for a restart, in [100ms, 1m]
     */
    public record CircuitBreaker(
            @DefaultValue("50") float failureRateThreshold,
            @DefaultValue("100") float slowCallRateThreshold,
            @DefaultValue("5s") Duration slowCallDuration,
            @DefaultValue("20") int slidingWindowSize,
            @DefaultValue("10") int minimumNumberOfCalls,
            @DefaultValue("10s") Duration waitInOpenState,
            @DefaultValue("3") int permittedCallsInHalfOpenState,
            @DefaultValue("true") boolean probeOnRestart,
            @DefaultValue("1s") Duration restartCheckInterval) {

        public CircuitBreaker {
            String p = "bookmarks.gateway.resilience.circuit-breaker.";
            Ranges.require(p + "failure-rate-threshold", failureRateThreshold, 0.001, 100);
            Ranges.require(p + "slow-call-rate-threshold", slowCallRateThreshold, 0.001, 100);
            Ranges.require(p + "slow-call-duration", slowCallDuration, Duration.ofMillis(10), Duration.ofMinutes(1));
            Ranges.require(p + "sliding-window-size", slidingWindowSize, 1, 10_000);
            Ranges.require(p + "minimum-number-of-calls", minimumNumberOfCalls, 1, 100_000);
            Ranges.require(p + "wait-in-open-state", waitInOpenState, Duration.ofSeconds(1), Duration.ofMinutes(10));
            Ranges.require(p + "permitted-calls-in-half-open-state", permittedCallsInHalfOpenState, 1, 1000);
            Ranges.require(p + "restart-check-interval", restartCheckInterval, Duration.ofMillis(100), Duration.ofMinutes(1));
        }
    }

    /**
     * Retries of a call that failed before the shard did anything: connect failure (including the
     * connect timeout) or 503 from the shard; only for GET, HEAD, OPTIONS, PUT, DELETE, or a request
     * with an {@code Idempotency-Key}.
     *
     * @param maxAttempts attempts per request including the first, in [1, 5]; 1 turns retries off
     * @param backoffBase upper bound of the first backoff (full jitter), in [1ms, backoff-max]
     * @param backoffMax upper bound of any backoff, in [1ms, 10s]
     * @param budgetRatio retry tokens each request deposits, in (0, 1]: extra attempts stay under
     *     about this share of requests
     * @param budgetMinPerSecond retries allowed per second however little traffic there is, in [0, 1000]
     * @param budgetMaxTokens the most deposited retry tokens kept, in [1, 100000]
     * @param overallTimeout the most a request may take to get the shard's response headers, all
     *     attempts and backoffs together, in [100ms, 5m]; each attempt also has {@code response-timeout}
     * @param slotMovingWait the most a write to a slot frozen for its cutover (a shard's 503 with
     *     {@code X-Bookmarks-Slot-Moving}) is held and sent again, any method, outside the attempts and the
     *     budget, in [0s, 1m] (default 5s); 0 hands the 503 with its {@code Retry-After} to the client at once
     */
    public record Retry(
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("25ms") Duration backoffBase,
            @DefaultValue("500ms") Duration backoffMax,
            @DefaultValue("0.2") double budgetRatio,
            @DefaultValue("5") double budgetMinPerSecond,
            @DefaultValue("100") double budgetMaxTokens,
            @DefaultValue("15s") Duration overallTimeout,
            @DefaultValue("5s") Duration slotMovingWait) {

        public Retry {
            String p = "bookmarks.gateway.resilience.retry.";
            Ranges.require(p + "max-attempts", maxAttempts, 1, 5);
            Ranges.require(p + "backoff-max", backoffMax, Duration.ofMillis(1), Duration.ofSeconds(10));
            Ranges.require(p + "backoff-base", backoffBase, Duration.ofMillis(1), backoffMax);
            if (!(budgetRatio > 0 && budgetRatio <= 1)) {
                throw new IllegalArgumentException(p + "budget-ratio must be in (0, 1]: " + budgetRatio);
            }
            Ranges.require(p + "budget-min-per-second", budgetMinPerSecond, 0, 1000);
            Ranges.require(p + "budget-max-tokens", budgetMaxTokens, 1, 100_000);
            Ranges.require(p + "overall-timeout", overallTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            Ranges.require(p + "slot-moving-wait", slotMovingWait, Duration.ZERO, Duration.ofMinutes(1));
        }
    }

}
