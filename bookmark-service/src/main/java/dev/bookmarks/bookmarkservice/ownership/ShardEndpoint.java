package dev.bookmarks.bookmarkservice.ownership;

import dev.bookmarks.registry.RingWatcher;
import dev.bookmarks.ring.Ring;
import dev.bookmarks.bookmarkservice.ShardProperties;
import dev.bookmarks.bookmarkservice.ownership.ShardCounts.Counts;
import dev.bookmarks.bookmarkservice.ownership.ShardCounts.Totals;
import java.time.Clock;
import java.time.Instant;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code GET /actuator/shard}: this shard's id and address, the epoch of the ring it holds, the
 * slots that ring gives it, and how many users and bookmarks its database holds, as counted at
 * {@code countedAt}: at most {@code bookmarks.shard.counts-max-age} ago ({@link ShardCounts}).
 */
@Component
@Endpoint(id = "shard")
final class ShardEndpoint {

    private final ShardProperties shard;
    private final RingWatcher watcher;
    private final ShardCounts counts;

    ShardEndpoint(ShardProperties shard, RingWatcher watcher, JdbcTemplate jdbc) {
        this.shard = shard;
        this.watcher = watcher;
        this.counts = new ShardCounts(() -> jdbc.queryForObject(
                "select count(distinct user_id), count(*) from bookmarks",
                (row, n) -> new Totals(row.getLong(1), row.getLong(2))), shard.countsMaxAge(), Clock.systemUTC());
    }

    @ReadOperation
    ShardView shard() {
        Ring ring = watcher.current().orElse(null);
        Counts counted = counts.get();
        return new ShardView(shard.id(), shard.url().toString(), ring == null ? null : ring.epoch(),
                ring == null ? 0 : ring.slotsOwnedBy(shard.id()), ring == null ? 0 : ring.slotCount(),
                counted.users(), counted.bookmarks(), counted.countedAt());
    }

    /** The shard as JSON; epoch is null before the first ring arrives. */
    record ShardView(String shardId, String url, Long epoch, int slotsOwned, int slotCount, long users,
            long bookmarks, Instant countedAt) {
    }
}
