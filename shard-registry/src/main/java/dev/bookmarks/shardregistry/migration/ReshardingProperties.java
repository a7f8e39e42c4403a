package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.config.Ranges;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The resharding driver ({@code bookmarks.registry.resharding.*}); a resharding's own request may override the
 * last three.
 *
 * @param tick how long the driver waits between steps, in [10ms, 10s] (default 200ms)
 * @param batchSlots slots per batch, in [1, 4096] (default 64)
 * @param maxLag the most log entries a target may be behind for its slots to be frozen, in [0, 1000000]
 *     (default 1000): the entries it then replays while writes wait
 * @param freezeTimeout how long slots may stay frozen before their batch is undone and tried again, in [1s, 10m]
 *     (default 10s)
 */
@ConfigurationProperties("bookmarks.registry.resharding")
record ReshardingProperties(@DefaultValue("200ms") Duration tick, @DefaultValue("64") int batchSlots,
        @DefaultValue("1000") long maxLag, @DefaultValue("10s") Duration freezeTimeout) {

    ReshardingProperties {
        Ranges.require("bookmarks.registry.resharding.tick", tick, Duration.ofMillis(10), Duration.ofSeconds(10));
        Ranges.require("bookmarks.registry.resharding.freeze-timeout", freezeTimeout, Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        if (batchSlots < 1 || batchSlots > 4096) {
            throw new IllegalArgumentException("bookmarks.registry.resharding.batch-slots must be in [1, 4096]: "
                    + batchSlots);
        }
        if (maxLag < 0 || maxLag > 1_000_000) {
            throw new IllegalArgumentException("bookmarks.registry.resharding.max-lag must be in [0, 1000000]: "
                    + maxLag);
        }
    }
}
