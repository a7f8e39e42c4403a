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
 *     413. 64 KiB by default (docs/architecture.md, "Limits"), in [1 KiB, 16 MiB]: the body is held in memory so that a
 *     421 can be retried
 * @param rateLimit the per-user token bucket
 * @param connections limits that hold before authentication: per client address and per gateway
 */
@ConfigurationProperties("bookmarks.gateway.limits")
public record LimitsProperties(
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue RateLimit rateLimit,
        @DefaultValue Connections connections) {

    public LimitsProperties {
        if (maxBodySize == null || maxBodySize.toBytes() < 1024 || maxBodySize.toBytes() > 16L * 1024 * 1024) {
            throw new IllegalArgumentException(
                    "bookmarks.gateway.limits.max-body-size must be in [1KB, 16MB]: " + maxBodySize);
        }
    }

    /**
     * Limits that hold before any token is looked at ({@code bookmarks.gateway.limits.connections.*}), so that
     * nobody can spend a gateway's connections or CPU without credentials. How long a connection may take to
     * deliver a request head (a slowloris client trickling header lines) is Reactor Netty's idle timeout,
     * {@code server.netty.idle-timeout} (20 s in application.yml), which also closes idle keep-alive
     * connections.
     *
     * @param maxConnections open connections one gateway accepts; one more is closed at once. In [1, 1000000],
     *     10000 by default
     * @param maxConcurrentStreams HTTP/2 streams one connection may have open at once, in [1, 10000], 100 by
     *     default
     * @param perAddressRate requests per second one client address may send to one gateway (a token bucket per
     *     address, in this gateway's memory); more is a 429 before authentication. At least 1; 1000 by default,
     *     room for many users behind one NAT address
     * @param perAddressBurst the most requests an address may send at once, at least {@code perAddressRate};
     *     2000 by default
     */
    public record Connections(
            @DefaultValue("10000") int maxConnections,
            @DefaultValue("100") int maxConcurrentStreams,
            @DefaultValue("1000") int perAddressRate,
            @DefaultValue("2000") int perAddressBurst) {

        public Connections {
            if (maxConnections < 1 || maxConnections > 1_000_000) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.connections.max-connections must be in [1, 1000000]: " + maxConnections);
            }
            if (maxConcurrentStreams < 1 || maxConcurrentStreams > 10_000) {
                throw new IllegalArgumentException("bookmarks.gateway.limits.connections.max-concurrent-streams"
                        + " must be in [1, 10000]: " + maxConcurrentStreams);
            }
            if (perAddressRate < 1) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.connections.per-address-rate must be at least 1: " + perAddressRate);
            }
            if (perAddressBurst < perAddressRate) {
                throw new IllegalArgumentException("bookmarks.gateway.limits.connections.per-address-burst ("
                        + perAddressBurst + ") must be at least per-address-rate (" + perAddressRate + ")");
            }
        }
    }

    /**
     * The per-user rate limit ({@code bookmarks.gateway.limits.rate-limit.*}): a token bucket per authenticated
     * user (the token's subject), global across the gateways, kept by each gateway in its memory and reconciled
     * with Redis every {@code syncInterval} (see {@link UserRateLimitFilter} for the contract and its error
     * bound). It never fails open: while Redis is unreachable or slower than {@code redisTimeout}, each gateway
     * enforces the whole limit on its own.
     *
     * @param enabled whether requests are limited at all
     * @param replenishRate tokens (requests) added to a user's bucket per second, in [1, 1000000]
     * @param burstCapacity the most tokens a bucket holds: the longest burst a user can send at once; in
     *     [{@code replenishRate}, 1000000000]
     * @param redisTimeout how long one reconcile waits for Redis before the gateway counts Redis as away and
     *     limits on its own, in [10ms, 2s]
     * @param syncInterval how often each gateway reconciles its users' buckets with Redis (one round trip), in
     *     [50ms, 5s]; 250 ms by default. Shorter is more exact (the error bound grows with it) and costs more
     *     round trips
     * @param maxUsers the most users one gateway tracks at once, in [100, 10000000]; 100000 by default. Users
     *     whose bucket is full are forgotten at every reconcile; a user not tracked while the gateway tracks this
     *     many is refused (429) until one is forgotten
     */
    public record RateLimit(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("50") int replenishRate,
            @DefaultValue("100") long burstCapacity,
            @DefaultValue("200ms") Duration redisTimeout,
            @DefaultValue("250ms") Duration syncInterval,
            @DefaultValue("100000") int maxUsers) {

        public RateLimit {
            if (replenishRate < 1 || replenishRate > 1_000_000) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.replenish-rate must be in [1, 1000000]: " + replenishRate);
            }
            // The upper bound keeps a bucket's time tolerance (burst / rate seconds, in nanoseconds) in a long.
            if (burstCapacity < replenishRate || burstCapacity > 1_000_000_000L) {
                throw new IllegalArgumentException("bookmarks.gateway.limits.rate-limit.burst-capacity must be in"
                        + " [replenish-rate (" + replenishRate + "), 1000000000]: " + burstCapacity);
            }
            if (redisTimeout == null || redisTimeout.compareTo(Duration.ofMillis(10)) < 0
                    || redisTimeout.compareTo(Duration.ofSeconds(2)) > 0) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.redis-timeout must be in [10ms, 2s]: " + redisTimeout);
            }
            if (syncInterval == null || syncInterval.compareTo(Duration.ofMillis(50)) < 0
                    || syncInterval.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.sync-interval must be in [50ms, 5s]: " + syncInterval);
            }
            if (maxUsers < 100 || maxUsers > 10_000_000) {
                throw new IllegalArgumentException(
                        "bookmarks.gateway.limits.rate-limit.max-users must be in [100, 10000000]: " + maxUsers);
            }
        }
    }
}
