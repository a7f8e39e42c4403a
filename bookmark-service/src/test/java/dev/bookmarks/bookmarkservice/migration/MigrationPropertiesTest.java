package dev.bookmarks.bookmarkservice.migration;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The change log's settings refuse to start outside their ranges, naming the property and the range. */
class MigrationPropertiesTest {

    @Test
    void aRetentionOutsideOneHourToThirtyDaysIsRefused() {
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofMinutes(59), Duration.ofMinutes(15)))
                .hasMessage("bookmarks.shard.migration.log-retention must be in [PT1H, PT720H]: PT59M");
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofDays(31), Duration.ofMinutes(15)))
                .hasMessageStartingWith("bookmarks.shard.migration.log-retention must be in");
    }

    @Test
    void aCleanupIntervalOutsideOneMinuteToOneDayIsRefused() {
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofHours(24), Duration.ofSeconds(59)))
                .hasMessage("bookmarks.shard.migration.log-cleanup-interval must be in [PT1M, PT24H]: PT59S");
        assertThatThrownBy(() -> new MigrationProperties(Duration.ofHours(24), Duration.ofDays(2)))
                .hasMessageStartingWith("bookmarks.shard.migration.log-cleanup-interval must be in");
    }
}
