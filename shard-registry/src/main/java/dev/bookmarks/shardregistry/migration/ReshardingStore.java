package dev.bookmarks.shardregistry.migration;

import dev.bookmarks.registry.RedisKeys;
import java.util.Optional;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The resharding's state in Redis, beside the ring, so that a registry that restarts goes on where it
 * stopped: {@code P:migration:plan} (the {@link Resharding}, JSON), {@code P:migration:control} (the operator's
 * {@link Resharding.Control}) and {@code P:migration:progress} ({@link Resharding.Progress}, JSON, written by the
 * driver). The operator and the driver write different keys, so neither overwrites the other's word.
 */
public final class ReshardingStore {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final StringRedisTemplate redis;
    private final String plan;
    private final String control;
    private final String progress;

    ReshardingStore(RedisConnectionFactory connections, RedisKeys keys) {
        this.redis = new StringRedisTemplate(connections);
        this.plan = keys.prefix() + ":migration:plan";
        this.control = keys.prefix() + ":migration:control";
        this.progress = keys.prefix() + ":migration:progress";
    }

    /** Whether a resharding is running (paused counts): the directory is then the resharding's to change. */
    public boolean running() {
        return progress().map(p -> !p.finished()).orElse(false);
    }

    Optional<Resharding> plan() {
        return Optional.ofNullable(redis.opsForValue().get(plan)).map(text -> JSON.readValue(text, Resharding.class));
    }

    Resharding.Control control() {
        String value = redis.opsForValue().get(control);
        return value == null ? Resharding.Control.RUNNING : Resharding.Control.valueOf(value);
    }

    Optional<Resharding.Progress> progress() {
        return Optional.ofNullable(redis.opsForValue().get(progress))
                .map(text -> JSON.readValue(text, Resharding.Progress.class));
    }

    /** Starts {@code next}, replacing a finished resharding's state. */
    void start(Resharding next, long now) {
        redis.opsForValue().set(plan, JSON.writeValueAsString(next));
        redis.opsForValue().set(control, Resharding.Control.RUNNING.name());
        write(Resharding.Progress.started(now));
    }

    void control(Resharding.Control value) {
        redis.opsForValue().set(control, value.name());
    }

    void write(Resharding.Progress value) {
        redis.opsForValue().set(progress, JSON.writeValueAsString(value));
    }
}
