package dev.bookmarks.gateway.limits;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class LimitsPropertiesTest {

    @Test
    void refusesABurstSmallerThanTheRateAndANonPositiveRate() {
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 10, Duration.ofMillis(200)))
                .hasMessageContaining("burst-capacity");
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 0, 10, Duration.ofMillis(200)))
                .hasMessageContaining("replenish-rate");
    }

    @Test
    void refusesARedisTimeoutOrBodyLimitOutsideItsRange() {
        assertThatThrownBy(() -> new LimitsProperties.RateLimit(true, 50, 100, Duration.ofSeconds(5)))
                .hasMessageContaining("redis-timeout");
        LimitsProperties.RateLimit rate = new LimitsProperties.RateLimit(true, 50, 100, Duration.ofMillis(200));
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
