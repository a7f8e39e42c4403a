package dev.bookmarks.gateway.limits;

import dev.bookmarks.gateway.GatewayFilterOrder;
import dev.bookmarks.gateway.Problems;
import dev.bookmarks.gateway.exchange.ShardExchange;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ratelimit.RateLimiter;
import org.springframework.cloud.gateway.filter.ratelimit.RedisRateLimiter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The per-user rate limit: Spring Cloud Gateway's {@link RedisRateLimiter} (a token bucket kept in
 * Redis by an atomic Lua script, so every gateway draws on the same bucket), keyed by the
 * authenticated user, the token's subject ({@link ShardExchange#user}). A user
 * whose bucket is empty gets a 429 problem+json with {@code Retry-After}, in whole seconds, and
 * nothing is forwarded; other users are not affected.
 *
 * <p><b>Rate limiting is fail-open while Redis is unreachable.</b> {@code RedisRateLimiter} itself
 * answers "allowed" when the Redis script fails, and Lettuce rejects commands at once while it is
 * disconnected (the registry client configures it so); a Redis that accepts the connection but does
 * not answer within {@code redisTimeout} is treated the same way. The API therefore stays up, unlimited,
 * while Redis is down, as it keeps routing by the last ring (Redis down is degraded, not down:
 * docs/architecture.md, "When Redis is unreachable"). Each fail-open period is logged, at most once
 * per {@value #FAIL_OPEN_LOG_INTERVAL_SECONDS} s.
 *
 * <p>Runs before the retry filters hold the body, so that a refused request's body is never read.
 * Requests that name no authenticated user (none reach the shard route) are not limited here.
 */
public final class UserRateLimitFilter implements GlobalFilter, Ordered {

    /** After {@code InternalHeadersFilter}, long before the body is cached for a 421 retry. */
    public static final int ORDER = GatewayFilterOrder.USER_RATE_LIMIT;

    static final int FAIL_OPEN_LOG_INTERVAL_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(UserRateLimitFilter.class);
    private static final String FAIL_OPEN_REMAINING = "-1";

    private final RateLimiter<?> limiter;
    private final String routeId;
    private final int replenishRate;
    private final Duration redisTimeout;
    private final AtomicLong lastFailOpenLog = new AtomicLong();

    /**
     * @param limiter the token buckets, configured for {@code routeId}
     * @param routeId the route whose buckets are used (part of the Redis key)
     * @param replenishRate tokens per second, to tell a refused client when to come back
     * @param redisTimeout how long to wait for Redis before letting the request through
     */
    public UserRateLimitFilter(RateLimiter<?> limiter, String routeId, int replenishRate, Duration redisTimeout) {
        this.limiter = limiter;
        this.routeId = routeId;
        this.replenishRate = replenishRate;
        this.redisTimeout = redisTimeout;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String user = ShardExchange.user(exchange);
        if (user == null) {
            return chain.filter(exchange);
        }
        return Mono.defer(() -> limiter.isAllowed(routeId, user))
                .timeout(redisTimeout)
                .onErrorResume(e -> Mono.just(new RateLimiter.Response(true,
                        Map.of(RedisRateLimiter.REMAINING_HEADER, FAIL_OPEN_REMAINING, "cause", e.toString()))))
                .flatMap(verdict -> {
                    String remaining = verdict.getHeaders().get(RedisRateLimiter.REMAINING_HEADER);
                    if (FAIL_OPEN_REMAINING.equals(remaining)) {
                        logFailOpen(verdict.getHeaders().get("cause"));
                        return chain.filter(exchange);
                    }
                    if (verdict.isAllowed()) {
                        if (remaining != null) {
                            exchange.getResponse().getHeaders().set(RedisRateLimiter.REMAINING_HEADER, remaining);
                        }
                        return chain.filter(exchange);
                    }
                    return Mono.error(tooManyRequests(remaining));
                });
    }

    private ErrorResponseException tooManyRequests(String remaining) {
        long left;
        try {
            left = remaining == null ? 0 : Long.parseLong(remaining);
        } catch (NumberFormatException e) {
            left = 0;
        }
        // One request needs one token; the bucket gains replenishRate tokens each second.
        long seconds = Math.max(1, (long) Math.ceil((1.0 - Math.max(0, left)) / replenishRate));
        ErrorResponseException problem = Problems.of(HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                "this user sent more requests than its rate limit allows; try again in " + seconds + " s");
        problem.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
        problem.getHeaders().set(RedisRateLimiter.REMAINING_HEADER, "0");
        return problem;
    }

    private void logFailOpen(String cause) {
        long now = System.nanoTime();
        long last = lastFailOpenLog.get();
        if ((last == 0 || now - last > Duration.ofSeconds(FAIL_OPEN_LOG_INTERVAL_SECONDS).toNanos())
                && lastFailOpenLog.compareAndSet(last, now)) {
            log.warn("Rate limiting is off (fail-open): Redis did not answer the rate limiter{}; requests are"
                    + " not limited until it does", cause == null ? "" : " (" + cause + ")");
        }
    }
}
