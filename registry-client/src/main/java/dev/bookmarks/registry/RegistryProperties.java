package dev.bookmarks.registry;

import dev.bookmarks.config.Ranges;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How a registry client finds the ring in Redis and how closely it follows it. Bound from
 * {@code bookmarks.registry.*}; the Redis connection itself is Spring Boot's
 * {@code spring.data.redis.*}.
 *
 * @param keyPrefix prefix of every key and channel ({@link RedisKeys}), {@value #KEY_PREFIX_PATTERN}
 * @param pollInterval how often the ring is re-read from Redis, in [100ms, 60s]; with pub/sub
 *     lost or disabled, a change arrives at most this late
 * @param pubsub whether to also follow the change channel, for sub-second propagation
 * @param heartbeatTtl how long a heartbeat keeps a shard alive, in [1s, 5m]
 */
@ConfigurationProperties("bookmarks.registry")
public record RegistryProperties(
        @DefaultValue("bookmarks") String keyPrefix,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("true") boolean pubsub,
        @DefaultValue("10s") Duration heartbeatTtl) {

    public static final String KEY_PREFIX_PATTERN = "[a-z0-9][a-z0-9_-]{0,31}";
    private static final Pattern PREFIX = Pattern.compile(KEY_PREFIX_PATTERN);

    public RegistryProperties {
        if (keyPrefix == null || !PREFIX.matcher(keyPrefix).matches()) {
            throw new IllegalArgumentException(
                    "bookmarks.registry.key-prefix must match " + KEY_PREFIX_PATTERN + ": " + keyPrefix);
        }
        Ranges.require("bookmarks.registry.poll-interval", pollInterval, Duration.ofMillis(100), Duration.ofSeconds(60));
        Ranges.require("bookmarks.registry.heartbeat-ttl", heartbeatTtl, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /** The defaults, for code that builds a client without Spring's binder. */
    public static RegistryProperties defaults() {
        return new RegistryProperties("bookmarks", Duration.ofSeconds(2), true, Duration.ofSeconds(10));
    }

}
