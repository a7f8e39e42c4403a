package dev.bookmarks.registry;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * How many rows each shard holds of each slot, in Redis beside the ring: {@code P:migration:rows:{shard}}, written
 * by the shard from time to time and read by the registry to say, in a resharding's plan, how many rows will be
 * copied. A count lives for {@link #ttl()} unless written again, so a shard that stopped leaves none for long, and
 * says when it was measured: it is an estimate that ages, not a ledger.
 *
 * <p>The value is {@code "v1 slotCount measuredAtMillis base64"}, the Base64 of {@code slotCount} big-endian
 * 32-bit counts, slot 0 first (88 KiB of text for 16384 slots).
 */
public final class SlotRows {

    private final StringRedisTemplate redis;
    private final RedisKeys keys;
    private final Duration ttl;

    public SlotRows(RedisConnectionFactory connections, RedisKeys keys, Duration ttl) {
        this.redis = new StringRedisTemplate(connections);
        this.keys = keys;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public void write(String shardId, Counts counts) {
        redis.opsForValue().set(keys.slotRows(shardId), counts.toText(), ttl.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The latest counts {@code shardId} published, if they are still live and readable. */
    public Optional<Counts> read(String shardId) {
        return Optional.ofNullable(redis.opsForValue().get(keys.slotRows(shardId))).flatMap(Counts::parse);
    }

    /**
     * One shard's rows per slot: its bookmarks and completed Idempotency-Key records, what a migration copies.
     *
     * @param perSlot the count of slot {@code s} at index {@code s}; each at least 0
     * @param measuredAt when they were counted
     */
    public record Counts(int[] perSlot, Instant measuredAt) {

        public Counts {
            perSlot = perSlot.clone();
            for (int count : perSlot) {
                if (count < 0) {
                    throw new IllegalArgumentException("row counts are at least 0: " + count);
                }
            }
        }

        @Override
        public int[] perSlot() {
            return perSlot.clone();
        }

        public int slotCount() {
            return perSlot.length;
        }

        /** The rows of slot {@code slot}, in [0, slotCount). */
        public int of(int slot) {
            return perSlot[slot];
        }

        String toText() {
            ByteBuffer bytes = ByteBuffer.allocate(4 * perSlot.length);
            bytes.asIntBuffer().put(perSlot);
            return "v1 " + perSlot.length + " " + measuredAt.toEpochMilli() + " "
                    + Base64.getEncoder().encodeToString(bytes.array());
        }

        static Optional<Counts> parse(String text) {
            String[] parts = text.split(" ", 4);
            if (parts.length != 4 || !parts[0].equals("v1")) {
                return Optional.empty();
            }
            try {
                int slotCount = Integer.parseInt(parts[1]);
                byte[] bytes = Base64.getDecoder().decode(parts[3]);
                if (slotCount < 1 || bytes.length != 4 * slotCount) {
                    return Optional.empty();
                }
                int[] perSlot = new int[slotCount];
                ByteBuffer.wrap(bytes).asIntBuffer().get(perSlot);
                return Optional.of(new Counts(perSlot, Instant.ofEpochMilli(Long.parseLong(parts[2]))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
    }
}
