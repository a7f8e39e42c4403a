package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.registry.Heartbeats;
import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RestartedShardProbeTest {

    private static final Instant FIRST_START = Instant.parse("2026-11-27T08:00:00Z");
    private static final Instant SECOND_START = Instant.parse("2026-11-27T08:00:07Z");

    private final ShardCircuitBreakers breakers = new ShardCircuitBreakers(new ResilienceProperties.CircuitBreaker(
            50, 100, Duration.ofSeconds(5), 20, 10, Duration.ofSeconds(60), 3, true, Duration.ofSeconds(1)));
    /** What Redis holds: shard id to its heartbeat's start time; absent = no live heartbeat. */
    private final Map<String, Instant> heartbeats = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private boolean redisDown;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RestartedShardProbe probe = new RestartedShardProbe(breakers, this::liveness, Duration.ofSeconds(1),
            true, meters);

    private Map<String, Heartbeats.Liveness> liveness(List<String> shardIds) {
        reads.incrementAndGet();
        if (redisDown) {
            throw new IllegalStateException("Redis is unreachable");
        }
        Map<String, Heartbeats.Liveness> result = new HashMap<>();
        for (String id : shardIds) {
            Instant started = heartbeats.get(id);
            result.put(id, started == null ? new Heartbeats.Liveness(id, false, null, null, null)
                    : new Heartbeats.Liveness(id, true, URI.create("http://127.0.0.1:1"), started, Duration.ofMillis(100)));
        }
        return result;
    }

    private State state(String shardId) {
        return breakers.forShard(shardId).getState();
    }

    private double probes(String shardId) {
        var counter = meters.find(RestartedShardProbe.METRIC).tag("shard", shardId).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void letsProbesThroughAnOpenBreakerWhenItsShardAnnouncesANewStartTime() {
        heartbeats.put("shard-1", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.OPEN);

        heartbeats.put("shard-1", SECOND_START);
        probe.check();

        assertThat(state("shard-1")).isEqualTo(State.HALF_OPEN);
        assertThat(probes("shard-1")).isEqualTo(1);
    }

    @Test
    void keepsTheBreakerOpenWhileTheShardAnnouncesTheStartTimeItHadWhenTheBreakerOpened() {
        heartbeats.put("shard-1", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        for (int i = 0; i < 5; i++) {
            probe.check();
        }
        assertThat(state("shard-1")).isEqualTo(State.OPEN);
        assertThat(probes("shard-1")).isZero();
    }

    @Test
    void probesAShardThatHadNoLiveHeartbeatWhenItsBreakerOpenedOnceItHasOne() {
        breakers.forShard("shard-1").transitionToOpenState();
        probe.check();
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.OPEN);

        heartbeats.put("shard-1", FIRST_START);
        probe.check();

        assertThat(state("shard-1")).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void keepsTheBreakerOpenWhileTheShardsHeartbeatIsGone() {
        heartbeats.put("shard-1", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        probe.check();
        heartbeats.remove("shard-1");
        probe.check();
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.OPEN);
    }

    @Test
    void aBreakerThatOpensAgainAfterFailedProbesWaitsForTheNextRestart() {
        heartbeats.put("shard-1", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        probe.check();
        heartbeats.put("shard-1", SECOND_START);
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.HALF_OPEN);

        breakers.forShard("shard-1").transitionToOpenState(); // the probes failed: the new process is not serving yet
        probe.check();
        probe.check();

        assertThat(state("shard-1")).isEqualTo(State.OPEN);
        assertThat(probes("shard-1")).isEqualTo(1);
    }

    @Test
    void touchesOnlyTheBreakerOfTheShardThatRestarted() {
        heartbeats.put("shard-1", FIRST_START);
        heartbeats.put("shard-2", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        breakers.forShard("shard-2").transitionToOpenState();
        breakers.forShard("shard-3");
        probe.check();

        heartbeats.put("shard-2", SECOND_START);
        heartbeats.put("shard-3", SECOND_START);
        probe.check();

        assertThat(state("shard-1")).isEqualTo(State.OPEN);
        assertThat(state("shard-2")).isEqualTo(State.HALF_OPEN);
        assertThat(state("shard-3")).isEqualTo(State.CLOSED);
    }

    @Test
    void readsNoHeartbeatWhileNoBreakerIsOpen() {
        breakers.forShard("shard-1");
        breakers.forShard("shard-2").transitionToOpenState();
        breakers.forShard("shard-2").transitionToHalfOpenState();
        probe.check();
        probe.check();
        assertThat(reads).hasValue(0);
    }

    @Test
    void changesNothingWhileRedisCannotBeRead() {
        heartbeats.put("shard-1", FIRST_START);
        breakers.forShard("shard-1").transitionToOpenState();
        probe.check();
        redisDown = true;
        heartbeats.put("shard-1", SECOND_START);
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.OPEN);

        redisDown = false;
        probe.check();
        assertThat(state("shard-1")).isEqualTo(State.HALF_OPEN);
    }
}
