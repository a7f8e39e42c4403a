package dev.bookmarks.registry;

import java.nio.charset.StandardCharsets;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/** Writes and reads keys straight in Redis, past {@link RingStore}, as an attacker with Redis access would. */
final class RawRedis {

    private final RedisConnectionFactory connections;

    RawRedis(RedisConnectionFactory connections) {
        this.connections = connections;
    }

    void set(String key, byte[] value) {
        try (RedisConnection connection = connections.getConnection()) {
            connection.stringCommands().set(bytes(key), value);
        }
    }

    void set(String key, String value) {
        set(key, bytes(value));
    }

    byte[] get(String key) {
        try (RedisConnection connection = connections.getConnection()) {
            return connection.stringCommands().get(bytes(key));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
