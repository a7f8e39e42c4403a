package dev.bookmarks.gateway.resilience;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * One Resilience4j {@link CircuitBreaker} per shard id, all with the same configuration, made on a
 * shard's first request. The breaker is named after the shard id, so metrics and the
 * {@code circuitbreakers} endpoint show one entry per shard.
 */
public final class ShardCircuitBreakers {

    private final CircuitBreakerRegistry registry;
    private final Duration waitInOpenState;
    private final LongSupplier nanoTime;
    /** When each shard's breaker last went to OPEN ({@link System#nanoTime()}). */
    private final Map<String, Long> openedAt = new ConcurrentHashMap<>();

    public ShardCircuitBreakers(ResilienceProperties.CircuitBreaker properties) {
        this(properties, System::nanoTime);
    }

    ShardCircuitBreakers(ResilienceProperties.CircuitBreaker properties, LongSupplier nanoTime) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.slidingWindowSize())
                .minimumNumberOfCalls(properties.minimumNumberOfCalls())
                .failureRateThreshold(properties.failureRateThreshold())
                .slowCallRateThreshold(properties.slowCallRateThreshold())
                .slowCallDurationThreshold(properties.slowCallDuration())
                .waitDurationInOpenState(properties.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(properties.permittedCallsInHalfOpenState())
                .build();
        this.registry = CircuitBreakerRegistry.of(config);
        this.waitInOpenState = properties.waitInOpenState();
        this.nanoTime = nanoTime;
        registry.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> {
                    if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                        openedAt.put(event.getCircuitBreakerName(), nanoTime.getAsLong());
                    }
                }));
    }

    public CircuitBreakerRegistry registry() {
        return registry;
    }

    /** The shard's breaker, made on first use. */
    public CircuitBreaker forShard(String shardId) {
        return registry.circuitBreaker(shardId);
    }

    /** Whether calls to the shard are let through without restriction (its breaker is closed or disabled). */
    public boolean isClosed(String shardId) {
        CircuitBreaker.State state = forShard(shardId).getState();
        return state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.DISABLED
                || state == CircuitBreaker.State.METRICS_ONLY;
    }

    /** The 503 for a call the shard's breaker did not permit, with {@link #retryAfterSeconds(String)}. */
    public ErrorResponseException open(String shardId) {
        return new ShardCircuitOpenException(shardId, Long.toString(retryAfterSeconds(shardId)));
    }

    /**
     * The whole seconds until the shard's open breaker lets a probe through: what is left of
     * {@code wait-in-open-state} since it opened, rounded up, at least 1 (a half-open breaker whose probes are
     * all out, or one whose wait is over but that no call has moved on yet, answers 1).
     */
    long retryAfterSeconds(String shardId) {
        Long opened = openedAt.get(shardId);
        if (opened == null || forShard(shardId).getState() != CircuitBreaker.State.OPEN) {
            return 1;
        }
        long leftNanos = waitInOpenState.toNanos() - (nanoTime.getAsLong() - opened);
        return Math.max(1, (leftNanos + 999_999_999L) / 1_000_000_000L);
    }

    /** The answer to a call refused by an open (or half-open and busy) breaker; never retried. */
    public static final class ShardCircuitOpenException extends ErrorResponseException {

        private final String shardId;

        ShardCircuitOpenException(String shardId, String retryAfterSeconds) {
            super(HttpStatus.SERVICE_UNAVAILABLE, problem(), null);
            getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
            this.shardId = shardId;
        }

        private static ProblemDetail problem() {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "the shard that holds this user's data is failing; try again shortly");
            problem.setTitle("Shard unavailable");
            return problem;
        }

        public String shardId() {
            return shardId;
        }
    }
}
