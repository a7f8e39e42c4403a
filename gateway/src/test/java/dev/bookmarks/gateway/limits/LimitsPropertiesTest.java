package dev.bookmarks.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class LimitsPropertiesTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final Duration SYNC = Duration.ofMillis(250);

    @Test
    void refusesABurstOrRateOutsideItsRangeAndSaysTheRange() {
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 49, TIMEOUT, SYNC, 100_000))
                .hasMessage("bookmarks.gateway.limits.rate-limit.burst-capacity must be in"
                        + " [replenish-rate (50), 1000000000]: 49");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 1_000_000_001L, TIMEOUT, SYNC, 100_000))
                .hasMessageContaining("burst-capacity must be in [replenish-rate (50), 1000000000]: 1000000001");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 0, 10, TIMEOUT, SYNC, 100_000))
                .hasMessage("bookmarks.gateway.limits.rate-limit.replenish-rate must be in [1, 1000000]: 0");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 1_000_001, 2_000_000, TIMEOUT, SYNC, 100_000))
                .hasMessageContaining("replenish-rate must be in [1, 1000000]: 1000001");
    }

    @Test
    void acceptsTheEdgesOfEveryRateLimitRange() {
        assertThat(new LimitsProperties.RateLimit(true, 1, 1, Duration.ofMillis(10), Duration.ofMillis(50), 100))
                .extracting(LimitsProperties.RateLimit::syncInterval).isEqualTo(Duration.ofMillis(50));
        assertThat(new LimitsProperties.RateLimit(true, 1_000_000, 1_000_000_000L, Duration.ofSeconds(2),
                Duration.ofSeconds(5), 10_000_000)).extracting(LimitsProperties.RateLimit::maxUsers)
                .isEqualTo(10_000_000);
    }

    @Test
    void refusesASyncIntervalOrUserCapOutsideItsRangeAndSaysTheRange() {
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, Duration.ofMillis(49), 100_000))
                .hasMessage("bookmarks.gateway.limits.rate-limit.sync-interval must be in [50ms, 5s]: PT0.049S");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, Duration.ofMillis(5001), 100_000))
                .hasMessageContaining("sync-interval must be in [50ms, 5s]: PT5.001S");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, null, 100_000))
                .hasMessageContaining("sync-interval must be in [50ms, 5s]: null");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, SYNC, 99))
                .hasMessage("bookmarks.gateway.limits.rate-limit.max-users must be in [100, 10000000]: 99");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, SYNC, 10_000_001))
                .hasMessageContaining("max-users must be in [100, 10000000]: 10000001");
    }

    @Test
    void refusesARedisTimeoutOrBodyLimitOutsideItsRange() {
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, Duration.ofSeconds(5), SYNC, 100_000))
                .hasMessage("bookmarks.gateway.limits.rate-limit.redis-timeout must be in [10ms, 2s]: PT5S");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, Duration.ofMillis(9), SYNC, 100_000))
                .hasMessageContaining("redis-timeout must be in [10ms, 2s]: PT0.009S");
        LimitsProperties.RateLimit rate = new LimitsProperties.RateLimit(true, 50, 100, TIMEOUT, SYNC, 100_000);
        assertThatThrownBy(() -> new LimitsProperties(DataSize.ofBytes(10), rate,
                new LimitsProperties.Connections(10_000, 100, 100, 200))).hasMessageContaining("max-body-size");
    }

    @Test
    void refusesConnectionLimitsOutsideTheirRangesAndSaysTheRange() {
        assertThatThrownBy(() -> new LimitsProperties.Connections(0, 100, 100, 200))
                .hasMessage("bookmarks.gateway.limits.connections.max-connections must be in [1, 1000000]: 0");
        assertThatThrownBy(() -> new LimitsProperties.Connections(10, 10_001, 100, 200))
                .hasMessage("bookmarks.gateway.limits.connections.max-concurrent-streams must be in [1, 10000]: 10001");
        assertThatThrownBy(() -> new LimitsProperties.Connections(10, 100, 0, 200))
                .hasMessageContaining("per-address-rate must be at least 1");
        assertThatThrownBy(() -> new LimitsProperties.Connections(10, 100, 100, 99))
                .hasMessageContaining("per-address-burst (99) must be at least per-address-rate (100)");
    }
}
