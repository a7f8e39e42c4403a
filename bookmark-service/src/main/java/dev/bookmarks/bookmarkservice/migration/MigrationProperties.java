package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.config.Ranges;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The change log's upkeep ({@code bookmarks.shard.migration.*}).
 *
 * @param logRetention how long a change-log entry is kept, in [1h, 30d] (default 24h). A migration target that
 *     falls further behind than this is told its entries are gone (410) and must copy its slots again
 * @param logCleanupInterval how often entries older than the retention are deleted, in [1m, 1d] (default 15m)
 */
@ConfigurationProperties("bookmarks.shard.migration")
record MigrationProperties(@DefaultValue("24h") Duration logRetention,
        @DefaultValue("15m") Duration logCleanupInterval) {

    MigrationProperties {
        Ranges.require("bookmarks.shard.migration.log-retention", logRetention, Duration.ofHours(1),
                Duration.ofDays(30));
        Ranges.require("bookmarks.shard.migration.log-cleanup-interval", logCleanupInterval, Duration.ofMinutes(1),
                Duration.ofDays(1));
    }
}
