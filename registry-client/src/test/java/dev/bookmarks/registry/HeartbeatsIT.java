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

    /** Allowance for Redis's millisecond clock and wall-clock adjustments. */
    private static final Duration CLOCK_SLACK = Duration.ofMillis(100);

    private static final RegistryClients clients = new RegistryClients();
    /** Beats that outlive any pause of a slow machine between a beat and the look at it. */
    private static Heartbeats shard;
    /** Beats with the shortest TTL allowed, to see one run out. */
    private static Heartbeats briefShard;
    private static Heartbeats observer;

    @BeforeAll
    static void connect() {
        shard = clients.start(redis.get().url(), "bookmarks.registry.heartbeat-ttl=5m",
                "bookmarks.registry.key-prefix=hb").getBean(Heartbeats.class);
        briefShard = clients.start(redis.get().url(), "bookmarks.registry.heartbeat-ttl=1s",
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

        long beforeBeat = System.nanoTime();
        shard.beat("s-1", URI.create("http://127.0.0.1:9001"), started);
        Heartbeats.Liveness live = observer.liveness(List.of("s-1")).get("s-1");
        Duration sinceBeat = Duration.ofNanos(System.nanoTime() - beforeBeat);

        System.out.printf("[HeartbeatsIT] heartbeat age %d ms, read %d ms after the beat began%n",
                live.heartbeatAge().toMillis(), sinceBeat.toMillis());
        assertThat(live.alive()).isTrue();
        assertThat(live.url()).isEqualTo(URI.create("http://127.0.0.1:9001"));
        assertThat(live.startedAt()).isEqualTo(started);
        // The age is the time between the beat and the look, by Redis's clock: no more than the
        // time the test measured around both.
        assertThat(live.heartbeatAge()).isBetween(Duration.ZERO, sinceBeat.plus(CLOCK_SLACK));

        // The same shard's next beat carries a 1 s TTL; once that runs out, the shard is not alive.
        briefShard.beat("s-1", URI.create("http://127.0.0.1:9001"), started);
        await().atMost(Duration.ofSeconds(30))
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
