package dev.bookmarks.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateScheduleTest {

    private final RateSchedule schedule = new RateSchedule(1000, TimeUnit.SECONDS.toNanos(2),
            TimeUnit.SECONDS.toNanos(10));

    @Test
    void theRampSendsHalfWhatTheFullRateWouldInTheSameTime() {
        assertThat(schedule.rampRequests()).isEqualTo(1000);
        assertThat(schedule.totalRequests()).isEqualTo(11_000);
        assertThat(schedule.measured(999)).isFalse();
        assertThat(schedule.measured(1000)).isTrue();
    }

    @Test
    void duringTheRampRequestsComeCloserTogetherAndAfterItOneEveryPeriod() {
        assertThat(schedule.intendedNanos(0)).isZero();
        // n(t) = 1000 t² / 4 by time t: request 250 is due at 1 s.
        assertThat(schedule.intendedNanos(250)).isEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(schedule.intendedNanos(1000)).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(schedule.intendedNanos(1001) - schedule.intendedNanos(1000)).isEqualTo(1_000_000);
        assertThat(schedule.intendedNanos(10_999)).isEqualTo(TimeUnit.SECONDS.toNanos(12) - 1_000_000);
    }

    @Test
    void theScheduleNeverGoesBackInTime() {
        for (long i = 1; i < schedule.totalRequests(); i++) {
            assertThat(schedule.intendedNanos(i)).isGreaterThanOrEqualTo(schedule.intendedNanos(i - 1));
        }
    }
}
