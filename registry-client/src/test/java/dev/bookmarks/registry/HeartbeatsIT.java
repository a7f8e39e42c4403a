package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bookmarks.testing.redis.RealRedisExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HeartbeatsIT {

    @RegisterExtension
    static final RealRedisExtension redis = new RealRedisExtension();

    private static final RegistryClients clients = new RegistryClients();
    private static Heartbeats shard;
    private static Heartbeats observer;

    @BeforeAll
    static void connect() {
        shard = clients.start(redis.get().url(), "bookmarks.registry.heartbeat-ttl=1s",
                "bookmarks.registry.key-prefix=hb").getBean(Heartbeats.class);
        observer = clients.start(redis.get().url(), "bookmarks.registry.key-prefix=hb").getBean(Heartbeats.class);
    }

    @AfterAll
    static void disconnect() {
        clients.close();
    }

    @Test
    void aShardIsAliveAtItsAnnouncedUrlSinceItsStartUntilItsTtlRunsOut() {
        Instant started = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);

        shard.beat("s-1", URI.create("http://127.0.0.1:9001"), started);

        Heartbeats.Liveness live = observer.liveness(List.of("s-1")).get("s-1");
        assertThat(live.alive()).isTrue();
        assertThat(live.url()).isEqualTo(URI.create("http://127.0.0.1:9001"));
        assertThat(live.startedAt()).isEqualTo(started);
        assertThat(live.heartbeatAge()).isBetween(Duration.ZERO, Duration.ofMillis(1000));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !observer.liveness(List.of("s-1")).get("s-1").alive());
    }

    @Test
    void aNewBeatTakesTheNewUrl() {
        shard.beat("s-2", URI.create("http://127.0.0.1:9002"), Instant.now());
        shard.beat("s-2", URI.create("http://127.0.0.2:9002"), Instant.now());

        assertThat(observer.liveness(List.of("s-2")).get("s-2").url()).isEqualTo(URI.create("http://127.0.0.2:9002"));
    }

    @Test
    void aShardThatNeverBeatIsNotAliveAndOrderIsKept() {
        shard.beat("s-3", URI.create("http://127.0.0.1:9003"), Instant.now());

        assertThat(observer.liveness(List.of("never", "s-3")))
                .containsOnlyKeys("never", "s-3")
                .satisfies(map -> {
                    assertThat(map.get("never").alive()).isFalse();
                    assertThat(map.get("s-3").alive()).isTrue();
                    assertThat(map.keySet()).containsExactly("never", "s-3");
                });
    }
}
