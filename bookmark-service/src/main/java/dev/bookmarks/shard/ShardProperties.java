package dev.bookmarks.shard;

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
 */
@ConfigurationProperties("bookmarks.shard")
public record ShardProperties(String id, URI url, String dataDir, @DefaultValue("30s") Duration countsMaxAge) {

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
        if (countsMaxAge == null || countsMaxAge.compareTo(Duration.ofSeconds(1)) < 0
                || countsMaxAge.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bookmarks.shard.counts-max-age must be in [1s, 1h]: " + countsMaxAge);
        }
    }
}
