package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class ResiliencePropertiesTest {

    @Test
    void hasDefaults() {
        ResilienceProperties properties = bind(Map.of());

        assertThat(properties.circuitBreaker().failureRateThreshold()).isEqualTo(50f);
        assertThat(properties.circuitBreaker().waitInOpenState()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.circuitBreaker().minimumNumberOfCalls()).isEqualTo(10);
        assertThat(properties.circuitBreaker().probeOnRestart()).isTrue();
        assertThat(properties.circuitBreaker().restartCheckInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.retry().maxAttempts()).isEqualTo(3);
        assertThat(properties.retry().budgetRatio()).isEqualTo(0.2);
        assertThat(properties.retry().overallTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(properties.retry().slotMovingWait()).isEqualTo(Duration.ofSeconds(5));
        assertThat(properties.responseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.dnsMaxTtl()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void acceptsADnsMaxTtlFromOneSecondToTenMinutes() {
        String name = "bookmarks.gateway.resilience.dns-max-ttl";
        assertThat(bind(Map.of(name, "1s")).dnsMaxTtl()).isEqualTo(Duration.ofSeconds(1));
        assertThat(bind(Map.of(name, "10m")).dnsMaxTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> bind(Map.of(name, "999ms"))).hasRootCauseMessage(name + " must be in [PT1S, PT10M]: PT0.999S");
        assertThatThrownBy(() -> bind(Map.of(name, "601s"))).hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsAResponseTimeoutFrom100MillisecondsTo5Minutes() {
        String name = "bookmarks.gateway.resilience.response-timeout";
        assertThat(bind(Map.of(name, "100ms")).responseTimeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(bind(Map.of(name, "5m")).responseTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> bind(Map.of(name, "99ms"))).hasRootCauseMessage(name + " must be in [PT0.1S, PT5M]: PT0.099S");
        assertThatThrownBy(() -> bind(Map.of(name, "301s"))).hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsASlotMovingWaitFromZeroToAMinute() {
        String name = "bookmarks.gateway.resilience.retry.slot-moving-wait";
        assertThat(bind(Map.of(name, "0s")).retry().slotMovingWait()).isZero();
        assertThat(bind(Map.of(name, "1m")).retry().slotMovingWait()).isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> bind(Map.of(name, "61s"))).hasRootCauseMessage(name + " must be in [PT0S, PT1M]: PT1M1S");
        assertThatThrownBy(() -> bind(Map.of(name, "-1s"))).hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesValuesOutOfRange() {
        String p = "bookmarks.gateway.resilience.";
        for (Map<String, String> bad : java.util.List.of(
                Map.of(p + "circuit-breaker.failure-rate-threshold", "0"),
                Map.of(p + "circuit-breaker.failure-rate-threshold", "101"),
                Map.of(p + "circuit-breaker.wait-in-open-state", "500ms"),
                Map.of(p + "circuit-breaker.wait-in-open-state", "11m"),
                Map.of(p + "circuit-breaker.minimum-number-of-calls", "0"),
                Map.of(p + "circuit-breaker.restart-check-interval", "50ms"),
                Map.of(p + "circuit-breaker.restart-check-interval", "2m"),
                Map.of(p + "retry.max-attempts", "0"),
                Map.of(p + "retry.budget-ratio", "2"),
                Map.of(p + "retry.backoff-base", "2s", p + "retry.backoff-max", "1s"))) {
            assertThatThrownBy(() -> bind(bad)).as(bad.toString()).hasRootCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    private static ResilienceProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("bookmarks.gateway.resilience", ResilienceProperties.class);
    }
}
