package dev.bookmarks.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Shard liveness in Redis. A shard {@link #beat announces} its URL and start time under
 * {@code P:heartbeat:{id}} with a TTL; a shard is alive while that key exists. Ages are computed
 * from the key's remaining TTL, so they come from Redis's clock and no two hosts' clocks are
 * compared. Liveness is never membership: nothing here changes the ring.
 */
public final class Heartbeats {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration ttl;

    public Heartbeats(RedisConnectionFactory connections, RedisKeys keys, Duration ttl) {
        this.redis = new StringRedisTemplate(connections);
        this.keys = keys;
        this.ttl = ttl;
    }

    /** How long one beat keeps a shard alive. */
    public Duration ttl() {
        return ttl;
    }

    /** Announces that {@code shardId} is alive at {@code url}, running since {@code startedAt}. */
    public void beat(String shardId, URI url, Instant startedAt) {
        String value = "v1 " + ttl.toMillis() + " " + startedAt.toEpochMilli() + " " + url;
        redis.opsForValue().set(keys.heartbeat(shardId), value, ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Liveness of each shard, in the order given; shards without a live heartbeat are not alive. */
    public Map<String, Liveness> liveness(List<String> shardIds) {
        List<Object> replies = redis.executePipelined((RedisCallback<Object>) connection -> {
            for (String id : shardIds) {
                byte[] key = keys.heartbeat(id).getBytes(StandardCharsets.UTF_8);
                connection.stringCommands().get(key);
                connection.keyCommands().pTtl(key);
            }
            return null;
        });
        Map<String, Liveness> result = new LinkedHashMap<>();
        for (int i = 0; i < shardIds.size(); i++) {
            result.put(shardIds.get(i), parse(shardIds.get(i), (String) replies.get(2 * i), (Long) replies.get(2 * i + 1)));
        }
        return result;
    }

    private static Liveness parse(String shardId, String value, Long remainingMillis) {
        if (value == null || remainingMillis == null || remainingMillis < 0) {
            return Liveness.dead(shardId);
        }
        String[] parts = value.split(" ", 4);
        if (parts.length != 4 || !parts[0].equals("v1")) {
            return Liveness.dead(shardId);
        }
        try {
            long ttlMillis = Long.parseLong(parts[1]);
            return new Liveness(shardId, true, URI.create(parts[3]),
                    Instant.ofEpochMilli(Long.parseLong(parts[2])),
                    Duration.ofMillis(Math.max(0, ttlMillis - remainingMillis)));
        } catch (IllegalArgumentException e) {
            return Liveness.dead(shardId);
        }
    }

    /**
     * @param alive whether a heartbeat is live now
     * @param url the address the shard announced, if alive
     * @param startedAt when that shard process started, if alive
     * @param heartbeatAge time since its latest beat, if alive
     */
    public record Liveness(String shardId, boolean alive, URI url, Instant startedAt, Duration heartbeatAge) {

        static Liveness dead(String shardId) {
            return new Liveness(shardId, false, null, null, null);
        }
    }
}
