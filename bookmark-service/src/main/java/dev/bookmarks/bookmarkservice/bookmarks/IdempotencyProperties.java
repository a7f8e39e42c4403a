package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long Idempotency-Key records live ({@code bookmarks.shard.idempotency.*}).
 *
 * @param retention how long a key's record is kept after it was last written (the response
 *     stored); at least 24 hours, as docs/architecture.md ("Idempotency-Key") promises clients
 * @param cleanupInterval how often records older than the retention are deleted
 * @param lease how long a request may hold a key in progress before a retry may take the key over;
 *     it only matters when the first request's process died between claiming the key and
 *     answering, and must exceed the longest a create can take (1 second to 10 minutes)
 */
@ConfigurationProperties("bookmarks.shard.idempotency")
record IdempotencyProperties(@DefaultValue("24h") Duration retention, @DefaultValue("15m") Duration cleanupInterval,
        @DefaultValue("30s") Duration lease) {

    private static final Duration MIN_RETENTION = Duration.ofHours(24);

    IdempotencyProperties {
        if (retention.compareTo(MIN_RETENTION) < 0) {
            throw new IllegalArgumentException("bookmarks.shard.idempotency.retention must be at least 24h"
                    + " (clients are promised a replay for at least 24 h), is " + retention);
        }
        if (cleanupInterval.isNegative() || cleanupInterval.isZero()) {
            throw new IllegalArgumentException(
                    "bookmarks.shard.idempotency.cleanup-interval must be positive, is " + cleanupInterval);
        }
        if (lease.compareTo(Duration.ofSeconds(1)) < 0 || lease.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException(
                    "bookmarks.shard.idempotency.lease must be from 1s to 10m, is " + lease);
        }
    }
}
