package dev.bookmarks.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.util.context.Context;

class AttemptDeadlineTest {

    private static final Duration CONFIGURED = Duration.ofSeconds(10);
    private static final long NOW = 1_000_000_000L;

    @Test
    void keepsTheConfiguredTimeoutWithoutADeadline() {
        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, Context.empty(), NOW)).isEqualTo(CONFIGURED);
    }

    @Test
    void keepsTheConfiguredTimeoutWhenTheDeadlineIsFurtherAway() {
        Context context = AttemptDeadline.put(Context.empty(), NOW + Duration.ofSeconds(15).toNanos());

        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, NOW)).isEqualTo(CONFIGURED);
    }

    @Test
    void keepsTheConfiguredTimeoutWhenTheDeadlineIsExactlyThatFarAway() {
        Context context = AttemptDeadline.put(Context.empty(), NOW + CONFIGURED.toNanos());

        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, NOW)).isEqualTo(CONFIGURED);
    }

    @Test
    void cutsTheTimeoutToWhatIsLeftOfANearerDeadline() {
        Context context = AttemptDeadline.put(Context.empty(), NOW + Duration.ofMillis(2_500).toNanos());

        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, NOW)).isEqualTo(Duration.ofMillis(2_500));
        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, NOW + Duration.ofMillis(2_000).toNanos()))
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void givesOneMillisecondAtTheDeadlineAndPastIt() {
        long deadline = NOW + Duration.ofSeconds(1).toNanos();
        Context context = AttemptDeadline.put(Context.empty(), deadline);

        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, deadline - 1)).isEqualTo(Duration.ofMillis(1));
        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, deadline)).isEqualTo(Duration.ofMillis(1));
        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, deadline + Duration.ofSeconds(5).toNanos()))
                .isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void readsTheDeadlineAcrossTheNanoTimeOverflow() {
        // System.nanoTime() may be near Long.MAX_VALUE: only differences are meaningful.
        long now = Long.MAX_VALUE - Duration.ofSeconds(1).toNanos();
        Context context = AttemptDeadline.put(Context.empty(), now + Duration.ofSeconds(3).toNanos());

        assertThat(AttemptDeadline.responseTimeout(CONFIGURED, context, now)).isEqualTo(Duration.ofSeconds(3));
    }
}
