package dev.bookmarks.shardregistry;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.Shard;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The ring to create when Redis holds none ({@code bookmarks.registry.bootstrap.*}). Once a ring
 * exists it is never overwritten from here; differences are only logged.
 *
 * @param slotCount a power of two in [1024, 1048576], fixed for the ring's lifetime
 * @param shards the initial shards; none means "wait for an admin to add one"
 */
@ConfigurationProperties("bookmarks.registry.bootstrap")
public record BootstrapProperties(@DefaultValue("16384") int slotCount, @DefaultValue List<ShardSpec> shards) {

    public BootstrapProperties {
        Ring.requireSlotCount(slotCount);
        shards = List.copyOf(shards);
        shards.forEach(ShardSpec::toShard);
    }

    /** Configuration form of a directory entry; validated as {@link Shard} validates. */
    public record ShardSpec(String id, String url, @DefaultValue("1") int weight) {

        public Shard toShard() {
            return Shard.active(id, url, weight);
        }
    }

    List<Shard> toShards() {
        return shards.stream().map(ShardSpec::toShard).toList();
    }
}
