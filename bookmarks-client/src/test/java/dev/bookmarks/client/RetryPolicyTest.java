package dev.bookmarks.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Retry arithmetic, without a network. */
class RetryPolicyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static RetryPolicy policy() {
        return new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5), new Random(1),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void readsRetryAfterSecondsAndDatesWithinTheBound() {
        RetryPolicy policy = policy();
        assertThat(policy.parseRetryAfter("2")).contains(Duration.ofSeconds(2));
        assertThat(policy.parseRetryAfter(" 0 ")).contains(Duration.ZERO);
        assertThat(policy.parseRetryAfter("3600")).contains(Duration.ofSeconds(5));
        assertThat(policy.parseRetryAfter("Sun, 01 Jun 2025 12:00:03 GMT")).contains(Duration.ofSeconds(3));
        assertThat(policy.parseRetryAfter("Sun, 01 Jun 2025 11:00:00 GMT")).contains(Duration.ZERO);
        assertThat(policy.parseRetryAfter("Mon, 02 Jun 2025 12:00:00 GMT")).contains(Duration.ofSeconds(5));
        assertThat(policy.parseRetryAfter("soon")).isEqualTo(Optional.empty());
    }

    @Test
    void backoffIsFullJitterUnderAGrowingCap() {
        RetryPolicy policy = policy();
        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoff(1)).isBetween(Duration.ZERO, Duration.ofMillis(100));
            assertThat(policy.backoff(3)).isBetween(Duration.ZERO, Duration.ofMillis(400));
            assertThat(policy.backoff(30)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
