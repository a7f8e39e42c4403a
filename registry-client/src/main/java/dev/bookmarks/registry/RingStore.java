package dev.bookmarks.registry;

import dev.bookmarks.ring.Ring;
import dev.bookmarks.ring.RingFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Reads the ring from Redis and writes it by compare-and-set on the epoch. Redis is the source of
 * truth: every gateway, shard and the registry go through this class, so the layout in
 * {@link RedisKeys} has one implementation.
 *
 * <p>Calls go to Redis each time and throw Spring's {@code DataAccessException}s when it is
 * unreachable; callers on a request path read a {@link RingWatcher}'s snapshot instead.
 */
public final class RingStore {

    /**
     * KEYS: ring, epoch, changed-at. ARGV: expected epoch, new epoch, ring bytes, channel.
     * Returns {1, new epoch} when written, {0, current epoch} when the expectation failed.
     */
    private static final RedisScript<List> COMPARE_AND_SET = new DefaultRedisScript<>("""
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            if current ~= tonumber(ARGV[1]) then
              return {0, current}
            end
            local now = redis.call('TIME')
            redis.call('SET', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[2], ARGV[2])
            redis.call('SET', KEYS[3], string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000)))
            redis.call('PUBLISH', ARGV[4], ARGV[2])
            return {1, tonumber(ARGV[2])}
            """, List.class);

    private final RedisTemplate<String, byte[]> redis;
    private final RedisKeys keys;

    public RingStore(RedisConnectionFactory connections, RedisKeys keys) {
        this.keys = keys;
        this.redis = new RedisTemplate<>();
        redis.setConnectionFactory(connections);
        redis.setKeySerializer(RedisSerializer.string());
        redis.setValueSerializer(RedisSerializer.byteArray());
        redis.afterPropertiesSet();
    }

    public RedisKeys keys() {
        return keys;
    }

    /**
     * The ring in Redis, or empty if none was ever written.
     *
     * @throws RingFormatException if the stored bytes are not a valid ring
     */
    public Optional<Ring> read() {
        byte[] bytes = redis.opsForValue().get(keys.ring());
        return bytes == null ? Optional.empty() : Optional.of(Ring.fromBytes(bytes));
    }

    /** The raw stored ring, for watchers that skip parsing when nothing changed. */
    byte[] readBytes() {
        return redis.opsForValue().get(keys.ring());
    }

    /** The stored epoch; 0 when there is no ring yet. */
    public long readEpoch() {
        byte[] bytes = redis.opsForValue().get(keys.epoch());
        return bytes == null ? 0 : Long.parseLong(new String(bytes, StandardCharsets.US_ASCII));
    }

    /** When the ring last changed, by Redis's clock; empty when there is no ring yet. */
    public Optional<Instant> readChangedAt() {
        byte[] bytes = redis.opsForValue().get(keys.changedAt());
        return bytes == null ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(Long.parseLong(new String(bytes, StandardCharsets.US_ASCII))));
    }

    /**
     * Stores {@code next} if, and only if, the stored epoch is still {@code expectedEpoch}, and
     * announces it on the change channel; all in one atomic step. {@code expectedEpoch} 0 means
     * "no ring yet", which is how the first ring is created without overwriting one.
     *
     * @throws IllegalArgumentException unless {@code next.epoch() == expectedEpoch + 1}
     */
    public WriteResult compareAndSet(long expectedEpoch, Ring next) {
        if (next.epoch() != expectedEpoch + 1) {
            throw new IllegalArgumentException("the next ring's epoch must be " + (expectedEpoch + 1)
                    + " after " + expectedEpoch + ": " + next.epoch());
        }
        List<?> result = redis.execute(COMPARE_AND_SET,
                List.of(keys.ring(), keys.epoch(), keys.changedAt()),
                ascii(expectedEpoch), ascii(next.epoch()), next.toBytes(), RedisKeys.bytes(keys.channel()));
        long epoch = ((Number) result.get(1)).longValue();
        return ((Number) result.get(0)).longValue() == 1 ? new WriteResult.Written(epoch)
                : new WriteResult.Conflict(epoch);
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** What a {@link #compareAndSet} did. */
    public sealed interface WriteResult {

        /** The ring was stored; {@code epoch} is its epoch. */
        record Written(long epoch) implements WriteResult {
        }

        /** Another writer got there first; {@code currentEpoch} is what Redis holds now. */
        record Conflict(long currentEpoch) implements WriteResult {
        }
    }
}
