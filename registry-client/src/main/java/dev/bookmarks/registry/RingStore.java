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
 * <p>Every ring is stored with its signature ({@link RingSignatures}), written by the same script, and
 * read back with it in one {@code MGET}; {@link #read()} returns only a ring signed by one of the
 * {@link TrustedRingKeys}. Writing takes the registry's {@link RingSigner}: a process that only
 * reads never holds a private key.
 *
 * <p>Calls go to Redis each time and throw Spring's {@code DataAccessException}s when it is
 * unreachable; callers on a request path read a {@link RingWatcher}'s snapshot instead.
 */
public final class RingStore {

    /**
     * KEYS: ring, epoch, changed-at, signature. ARGV: expected epoch, new epoch, ring bytes, channel,
     * signature.
     * Returns {1, new epoch} when written, {0, current epoch} when the expectation failed.
     */
    private static final RedisScript<List> COMPARE_AND_SET = new DefaultRedisScript<>("""
            local current = tonumber(redis.call('GET', KEYS[2]) or '0')
            if current ~= tonumber(ARGV[1]) then
              return {0, current}
            end
            local now = redis.call('TIME')
            redis.call('SET', KEYS[1], ARGV[3])
            redis.call('SET', KEYS[4], ARGV[5])
            redis.call('SET', KEYS[2], ARGV[2])
            redis.call('SET', KEYS[3], string.format('%d', now[1] * 1000 + math.floor(now[2] / 1000)))
            redis.call('PUBLISH', ARGV[4], ARGV[2])
            return {1, tonumber(ARGV[2])}
            """, List.class);

    private final RedisTemplate<String, byte[]> redis;
    private final RedisKeys keys;
    private final TrustedRingKeys trusted;

    public RingStore(RedisConnectionFactory connections, RedisKeys keys, TrustedRingKeys trusted) {
        this.keys = keys;
        this.trusted = trusted;
        this.redis = new RedisTemplate<>();
        redis.setConnectionFactory(connections);
        redis.setKeySerializer(RedisSerializer.string());
        redis.setValueSerializer(RedisSerializer.byteArray());
        redis.afterPropertiesSet();
    }

    public RedisKeys keys() {
        return keys;
    }

    /** The trusted keys that {@link #read()} checks signatures against. */
    public TrustedRingKeys trusted() {
        return trusted;
    }

    /**
     * The ring in Redis, or empty if none was ever written.
     *
     * @throws UntrustedRingException if its signature is missing, malformed, by an untrusted key or
     *     does not match it: code that builds the next ring must never build on such a ring
     * @throws RingFormatException if the stored bytes are signed but not a valid ring
     */
    public Optional<Ring> read() {
        return readTrusted().map(TrustedRing::ring);
    }

    /**
     * Like {@link #read()}, with the id of the trusted key that signed the ring.
     *
     * @throws UntrustedRingException as {@link #read()}
     * @throws RingFormatException as {@link #read()}
     */
    public Optional<TrustedRing> readTrusted() {
        Stored stored = readStored();
        if (stored.ring() == null) {
            return Optional.empty();
        }
        String keyId = verify(stored);
        return Optional.of(new TrustedRing(Ring.fromBytes(stored.ring()), keyId));
    }

    /** The raw ring and signature from one {@code MGET}, so that they belong together. */
    Stored readStored() {
        List<byte[]> values = redis.opsForValue().multiGet(List.of(keys.ring(), keys.signature()));
        return values == null ? new Stored(null, null) : new Stored(values.get(0), values.get(1));
    }

    /**
     * The id of the trusted key that signed {@code stored}.
     *
     * @throws UntrustedRingException if none did
     */
    String verify(Stored stored) {
        return trusted.verify(keys.prefix(), stored.ring(), stored.signature());
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
     * The ring is stored with {@code signer}'s signature over its bytes and this store's key prefix.
     *
     * @throws IllegalArgumentException unless {@code next.epoch() == expectedEpoch + 1}
     */
    public WriteResult compareAndSet(long expectedEpoch, Ring next, RingSigner signer) {
        if (next.epoch() != expectedEpoch + 1) {
            throw new IllegalArgumentException("the next ring's epoch must be " + (expectedEpoch + 1)
                    + " after " + expectedEpoch + ": " + next.epoch());
        }
        byte[] ring = next.toBytes();
        List<?> result = redis.execute(COMPARE_AND_SET,
                List.of(keys.ring(), keys.epoch(), keys.changedAt(), keys.signature()),
                ascii(expectedEpoch), ascii(next.epoch()), ring, RedisKeys.bytes(keys.channel()),
                signer.sign(keys.prefix(), ring));
        long epoch = ((Number) result.get(1)).longValue();
        return ((Number) result.get(0)).longValue() == 1 ? new WriteResult.Written(epoch)
                : new WriteResult.Conflict(epoch);
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** A ring from Redis whose signature checked out, and the id of the key that made it. */
    public record TrustedRing(Ring ring, String keyId) {
    }

    /** {@code P:ring} and {@code P:ring:signature} as read together; either may be null (absent). */
    record Stored(byte[] ring, byte[] signature) {
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
