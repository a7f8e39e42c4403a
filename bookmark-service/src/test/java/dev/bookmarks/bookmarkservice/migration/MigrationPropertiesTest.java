package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The migration settings refuse to start outside their ranges, naming the property and the range. */
class MigrationPropertiesTest {

    @Test
    void aRetentionOutsideOneHourToThirtyDaysIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofMinutes(59), Duration.ofMinutes(15), 2000, 500))
                .hasMessage("bookmarks.shard.migration.log-retention must be in [PT1H, PT720H]: PT59M");
        assertThatThrownBy(() -> with(Duration.ofDays(31), Duration.ofMinutes(15), 2000, 500))
                .hasMessageStartingWith("bookmarks.shard.migration.log-retention must be in");
    }

    @Test
    void aCleanupIntervalOutsideOneMinuteToOneDayIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofSeconds(59), 2000, 500))
                .hasMessage("bookmarks.shard.migration.log-cleanup-interval must be in [PT1M, PT24H]: PT59S");
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofDays(2), 2000, 500))
                .hasMessageStartingWith("bookmarks.shard.migration.log-cleanup-interval must be in");
    }

    @Test
    void aCopyRateOutsideTenToAMillionRowsPerSecondIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofMinutes(15), 9, 500))
                .hasMessage("bookmarks.shard.migration.copy-rows-per-second must be in [10, 1000000]: 9");
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofMinutes(15), 1_000_001, 500))
                .hasMessageStartingWith("bookmarks.shard.migration.copy-rows-per-second must be in");
    }

    @Test
    void aCopyPageOutsideOneToAThousandRowsIsRefused() {
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofMinutes(15), 2000, 0))
                .hasMessage("bookmarks.shard.migration.copy-page-size must be in [1, 1000]: 0");
        assertThatThrownBy(() -> with(Duration.ofHours(24), Duration.ofMinutes(15), 2000, 1001))
                .hasMessage("bookmarks.shard.migration.copy-page-size must be in [1, 1000]: 1001");
    }

    @Test
    void anOrphanGraceUnderASecondIsRefused() {
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofHours(24), Duration.ofMinutes(15), 2000, 500,
                Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(1),
                Duration.ofMinutes(1)))
                .hasMessage("bookmarks.shard.migration.orphan-grace must be in [PT1S, PT168H]: PT0S");
    }

    @Test
    void aSlotRowsIntervalOutsideOneSecondToAnHourIsRefused() {
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofHours(24), Duration.ofMinutes(15), 2000, 500,
                Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofMillis(999)))
                .hasMessage("bookmarks.shard.migration.slot-rows-interval must be in [PT1S, PT1H]: PT0.999S");
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofHours(24), Duration.ofMinutes(15), 2000, 500,
                Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1),
                Duration.ofMinutes(61)))
                .hasMessageStartingWith("bookmarks.shard.migration.slot-rows-interval must be in");
    }

    private static MigrationProperties with(Duration retention, Duration cleanup, int rowsPerSecond, int pageSize) {
        return new MigrationProperties(retention, cleanup, rowsPerSecond, pageSize, Duration.ofMillis(200),
                Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(1));
    }
}
