package dev.bookmarks.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bookmarks.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(3, clock);

    @Test
    void blocksAnAddressForTheRestOfTheMinuteOnceItFailedTheLimit() {
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfterSeconds("10.0.0.1")).isEmpty();

        clock.advance(Duration.ofSeconds(20));
        throttle.failed("10.0.0.1");

        assertThat(throttle.retryAfterSeconds("10.0.0.1")).hasValue(40);
        clock.advance(Duration.ofMillis(39_500));
        assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("rounded up").hasValue(1);
        clock.advance(Duration.ofMillis(500));
        assertThat(throttle.retryAfterSeconds("10.0.0.1")).isEmpty();
    }

    @Test
    void countsEachAddressOnItsOwn() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1");
        }

        assertThat(throttle.retryAfterSeconds("10.0.0.1")).isPresent();
        assertThat(throttle.retryAfterSeconds("10.0.0.2")).isEmpty();
    }

    @Test
    void startsANewWindowAfterAMinute() {
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        clock.advance(Duration.ofMinutes(1));

        throttle.failed("10.0.0.1");

        assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("one failure in the new window").isEmpty();
    }
}
