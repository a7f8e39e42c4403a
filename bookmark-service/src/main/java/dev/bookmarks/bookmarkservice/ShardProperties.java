package dev.bookmarks.bookmarkservice;

import dev.bookmarks.config.Ranges;
import dev.bookmarks.ring.Shard;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who this shard is ({@code bookmarks.shard.*}).
 *
 * @param id this shard's id in the ring, an RFC 1123 label; it owns the slots the ring gives it
 * @param url the address gateways should use, announced in heartbeats (the ring's directory entry
 *     is what gateways route by; the heartbeat shows operators where the process really is)
 * @param dataDir where the shard keeps its database
 * @param countsMaxAge how old the user and bookmark counts of {@code /actuator/shard} may be, in [1s, 1h]
 *     (default 30s): counting is a scan of the shard's table, so a scraper polling the endpoint must not
 *     trigger one per call
 * @param ownership how the shard decides that a user is its own
 */
@ConfigurationProperties("bookmarks.shard")
public record ShardProperties(String id, URI url, String dataDir, @DefaultValue("30s") Duration countsMaxAge,
        @DefaultValue Ownership ownership) {

    public ShardProperties {
        if (id == null || !id.matches(Shard.ID_PATTERN)) {
            throw new IllegalArgumentException("bookmarks.shard.id must be set to this shard's id in the ring, matching "
                    + Shard.ID_PATTERN + ": " + id);
        }
        if (url == null) {
            throw new IllegalArgumentException("bookmarks.shard.url must be set to the address gateways reach this"
                    + " shard at, for example http://10.0.0.5:8080");
        }
        Shard.parseUrl(url.toString());
        Ranges.require("bookmarks.shard.counts-max-age", countsMaxAge, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    /**
     * The slot-ownership check ({@code bookmarks.shard.ownership.*}).
     *
     * @param enabled whether a request for a user whose slot is another shard's is answered 421; switching it
     *     off is allowed only under the {@code test} profile
     * @param refreshWait how long a request routed by a newer epoch than this shard holds waits for the shard to
     *     read the ring from Redis before it is decided on the ring held, in [10ms, 5s]
     * @param noRingRetryAfter the {@code Retry-After} of the 503 answered before any ring is loaded, in [1s, 60s]
     * @param frozenRetryAfter the {@code Retry-After} of the 503 answered to a write to a slot frozen for its
     *     cutover, in [1s, 60s] (default 1s, the least the header can say: a cutover takes well under a second)
     */
    public record Ownership(@DefaultValue("true") boolean enabled, @DefaultValue("500ms") Duration refreshWait,
            @DefaultValue("1s") Duration noRingRetryAfter, @DefaultValue("1s") Duration frozenRetryAfter) {

        public Ownership {
            Ranges.require("bookmarks.shard.ownership.refresh-wait", refreshWait, Duration.ofMillis(10),
                    Duration.ofSeconds(5));
            Ranges.require("bookmarks.shard.ownership.no-ring-retry-after", noRingRetryAfter, Duration.ofSeconds(1),
                    Duration.ofSeconds(60));
            Ranges.require("bookmarks.shard.ownership.frozen-retry-after", frozenRetryAfter, Duration.ofSeconds(1),
                    Duration.ofSeconds(60));
        }
    }
}
