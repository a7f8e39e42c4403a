package dev.bookmarks.bookmarkservice.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.bookmarkservice.ownership.ShardCounts.Counts;
import dev.bookmarks.bookmarkservice.ownership.ShardCounts.Totals;
import dev.bookmarks.protocol.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShardCountsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final AtomicInteger scans = new AtomicInteger();
    private final ShardCounts counts = new ShardCounts(
            () -> new Totals(scans.incrementAndGet(), 10L * scans.get()), Duration.ofSeconds(30), clock);

    @Test
    void countsOnTheFirstCallAndSaysWhen() {
        Counts first = counts.get();

        assertThat(scans).hasValue(1);
        assertThat(first).isEqualTo(new Counts(1, 10, Instant.parse("2026-12-02T10:00:00Z")));
    }

    @Test
    void answersFromTheLastCountUntilItIsAsOldAsTheMaximumAge() {
        Counts first = counts.get();
        clock.advance(Duration.ofSeconds(29));

        for (int i = 0; i < 1000; i++) {
            assertThat(counts.get()).isSameAs(first);
        }
        assertThat(scans).as("a thousand calls, one scan").hasValue(1);
    }

    @Test
    void countsAgainOnceTheLastCountReachesTheMaximumAge() {
        counts.get();
        clock.advance(Duration.ofSeconds(30));

        Counts second = counts.get();

        assertThat(scans).hasValue(2);
        assertThat(second).isEqualTo(new Counts(2, 20, Instant.parse("2026-12-02T10:00:30Z")));
    }

    @Test
    void refusesAMaximumAgeThatIsNotPositive() {
        assertThatThrownBy(() -> new ShardCounts(() -> new Totals(0, 0), Duration.ZERO, clock))
                .hasMessageContaining("positive");
    }
}
