package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShardCircuitBreakersTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ShardCircuitBreakers breakers = new ShardCircuitBreakers(new ResilienceProperties.CircuitBreaker(
            50, 100, Duration.ofSeconds(5), 20, 10, Duration.ofSeconds(10), 3, true, Duration.ofSeconds(1)), nanos::get);

    private void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    private String retryAfter(String shardId) {
        return breakers.open(shardId).getHeaders().getFirst("Retry-After");
    }

    @Test
    void anOpenBreakersRetryAfterCountsDownWhatIsLeftOfItsWaitRoundedUp() {
        breakers.forShard("shard-1").transitionToOpenState();
        assertThat(retryAfter("shard-1")).isEqualTo("10");

        advance(Duration.ofMillis(4200));
        assertThat(retryAfter("shard-1")).isEqualTo("6");

        advance(Duration.ofMillis(4800));
        assertThat(retryAfter("shard-1")).isEqualTo("1");
    }

    @Test
    void saysOneSecondOnceTheWaitIsOverOrTheBreakerIsHalfOpen() {
        breakers.forShard("shard-1").transitionToOpenState();
        advance(Duration.ofSeconds(12));
        assertThat(retryAfter("shard-1")).as("wait over, no call has moved it on yet").isEqualTo("1");

        breakers.forShard("shard-1").transitionToHalfOpenState();
        assertThat(retryAfter("shard-1")).as("half-open, probes all out").isEqualTo("1");
    }

    @Test
    void startsTheCountdownAgainEachTimeTheBreakerOpens() {
        breakers.forShard("shard-1").transitionToOpenState();
        advance(Duration.ofSeconds(10));
        breakers.forShard("shard-1").transitionToHalfOpenState();
        breakers.forShard("shard-1").transitionToOpenState(); // the probes failed
        advance(Duration.ofMillis(1));
        assertThat(retryAfter("shard-1")).isEqualTo("10");
    }

    @Test
    void keepsEachShardsCountdownApart() {
        breakers.forShard("shard-1").transitionToOpenState();
        advance(Duration.ofSeconds(7));
        breakers.forShard("shard-2").transitionToOpenState();
        assertThat(retryAfter("shard-1")).isEqualTo("3");
        assertThat(retryAfter("shard-2")).isEqualTo("10");
    }
}
