package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesTheCeilingPerRetryUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(25), Duration.ofMillis(500), new Random(1));

        assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofMillis(25));
        assertThat(backoff.ceiling(2)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.ceiling(1000)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void drawsFullJitterBetweenZeroAndTheCeiling() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(42));

        long below = 0;
        long above = 0;
        for (int i = 0; i < 2000; i++) {
            Duration delay = backoff.delay(2);
            assertThat(delay).isBetween(Duration.ZERO, Duration.ofMillis(200));
            if (delay.compareTo(Duration.ofMillis(100)) < 0) {
                below++;
            } else {
                above++;
            }
        }
        assertThat(below).as("uniform over [0, 200ms]").isBetween(800L, 1200L);
        assertThat(above).isBetween(800L, 1200L);
    }

    @Test
    void isRepeatableWithASeed() {
        Backoff first = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), new Random(7));
        Backoff second = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), new Random(7));

        for (int retry = 1; retry < 10; retry++) {
            assertThat(first.delay(retry)).isEqualTo(second.delay(retry));
        }
    }

    @Test
    void refusesBadSettings() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1), new Random()).delay(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
