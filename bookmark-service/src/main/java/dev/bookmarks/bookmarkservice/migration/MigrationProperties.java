package dev.bookmarks.bookmarkservice.migration;

import dev.bookmarks.config.Ranges;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Slot migration on this shard ({@code bookmarks.shard.migration.*}): the change log's upkeep, the copy's pace,
 * and the sweep of rows of slots the shard no longer holds.
 *
 * @param logRetention how long a change-log entry is kept, in [1h, 30d] (default 24h). A migration target that
 *     falls further behind than this is told its entries are gone (410) and must copy its slots again
 * @param logCleanupInterval how often entries older than the retention are deleted, in [1m, 1d] (default 15m)
 * @param copyRowsPerSecond the most rows a target copies or replays per second from one source, in
 *     [10, 1000000] (default 2000): the throttle that keeps the source's live traffic fast
 * @param copyPageSize rows per request to the source, in [1, 1000] (default 500)
 * @param importTick how long the target waits between steps of a copy, in [10ms, 1m] (default 200ms)
 * @param reportTtl how long a target's report in Redis lives unless written again, in [5s, 1h] (default 30s)
 * @param orphanGrace how long the rows of a slot the shard no longer holds are kept, in [1s, 7d] (default 10m)
 * @param orphanSweepInterval how often such rows are looked for, in [1s, 1h] (default 1m)
 * @param slotRowsInterval how often the shard counts its rows per slot for the registry's resharding plans, in
 *     [1s, 1h] (default 1m); each count lives in Redis three times as long
 */
@ConfigurationProperties("bookmarks.shard.migration")
record MigrationProperties(@DefaultValue("24h") Duration logRetention,
        @DefaultValue("15m") Duration logCleanupInterval, @DefaultValue("2000") int copyRowsPerSecond,
        @DefaultValue("500") int copyPageSize, @DefaultValue("200ms") Duration importTick,
        @DefaultValue("30s") Duration reportTtl, @DefaultValue("10m") Duration orphanGrace,
        @DefaultValue("1m") Duration orphanSweepInterval, @DefaultValue("1m") Duration slotRowsInterval) {

    MigrationProperties {
        Ranges.require("bookmarks.shard.migration.log-retention", logRetention, Duration.ofHours(1),
                Duration.ofDays(30));
        Ranges.require("bookmarks.shard.migration.log-cleanup-interval", logCleanupInterval, Duration.ofMinutes(1),
                Duration.ofDays(1));
        if (copyRowsPerSecond < 10 || copyRowsPerSecond > 1_000_000) {
            throw new IllegalArgumentException(
                    "bookmarks.shard.migration.copy-rows-per-second must be in [10, 1000000]: " + copyRowsPerSecond);
        }
        if (copyPageSize < 1 || copyPageSize > MigrationController.MAX_LIMIT) {
            throw new IllegalArgumentException("bookmarks.shard.migration.copy-page-size must be in [1, "
                    + MigrationController.MAX_LIMIT + "]: " + copyPageSize);
        }
        Ranges.require("bookmarks.shard.migration.import-tick", importTick, Duration.ofMillis(10),
                Duration.ofMinutes(1));
        Ranges.require("bookmarks.shard.migration.report-ttl", reportTtl, Duration.ofSeconds(5), Duration.ofHours(1));
        Ranges.require("bookmarks.shard.migration.orphan-grace", orphanGrace, Duration.ofSeconds(1),
                Duration.ofDays(7));
        Ranges.require("bookmarks.shard.migration.orphan-sweep-interval", orphanSweepInterval, Duration.ofSeconds(1),
                Duration.ofHours(1));
        Ranges.require("bookmarks.shard.migration.slot-rows-interval", slotRowsInterval, Duration.ofSeconds(1),
                Duration.ofHours(1));
    }
}
