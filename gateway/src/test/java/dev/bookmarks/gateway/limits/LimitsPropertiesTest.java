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
        assertThatThrownBy(() -> new LimitsProperties(DataSize.ofBytes(10), rate)).hasMessageContaining("max-body-size");
    }
}
