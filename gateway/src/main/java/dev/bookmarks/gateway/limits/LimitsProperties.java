package dev.bookmarks.gateway.limits;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Request limits ({@code bookmarks.gateway.limits.*}). The header-section limit is Reactor Netty's,
 * set by Spring Boot's {@code server.max-http-request-header-size}.
 *
 * @param maxBodySize the largest request body accepted, declared or streamed (chunked): larger is a
 *     413. 64 KiB by default (DESIGN.md), in [1 KiB, 16 MiB]: the body is held in memory so that a
 *     421 can be retried
 * @param rateLimit the per-user token bucket
 */
@ConfigurationProperties("bookmarks.gateway.limits")
public record LimitsProperties(
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue RateLimit rateLimit) {

    public LimitsProperties {
        if (maxBodySize == null || maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > 16L * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "bookmarks.gateway.limits.max-body-size must be in [1KB, 16MB]: " + maxBodySize);
        }
    }

    /**
     * The per-user rate limit ({@code bookmarks.gateway.limits.rate-limit.*}): a token bucket in Redis
     * per authenticated user (the token's subject), shared by every gateway. It fails open: while
     * Redis is unreachable or slower than {@code redisTimeout}, requests are not limited.
     *
     * @param enabled whether requests are limited at all
     * @param replenishRate tokens (requests) added to a user's bucket per second, at least 1
     * @param burstCapacity the most tokens a bucket holds: the longest burst a user can send at once;
     *     at least {@code replenishRate}
     * @param redisTimeout how long a request waits for Redis's verdict before it goes ahead unlimited,
     *     in [10ms, 2s]
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("50") int replenishRate,
            @DefaultValue("100") long burstCapacity,
            @DefaultValue("200ms") Duration redisTimeout) {

        public RateLimit {
            if (replenishRate < 1) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.replenish-rate must be at least 1: " + replenishRate);
            }
            if (burstCapacity < replenishRate) {
                throw new IllegalArgumentException("bookmarks.gateway.limits.rate-limit.burst-capacity ("
                        + burstCapacity + ") must be at least replenish-rate (" + replenishRate + ")");
            }
            if (redisTimeout == null || redisTimeout.compareTo(Duration.ofMillis(10)) < 0
                    || redisTimeout.compareTo(Duration.ofSeconds(2)) > 0) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.redis-timeout must be in [10ms, 2s]: " + redisTimeout);
            }
        }
    }
}
