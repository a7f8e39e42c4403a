package dev.bookmarks.bookmarkservice.migration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Deletes change-log entries older than {@code bookmarks.shard.migration.log-retention}, every
 * {@code bookmarks.shard.migration.log-cleanup-interval}, on the application's task scheduler. A failed run is
 * logged and the next one tries again: an entry kept longer does no harm.
 *
 * <p>It deletes by age alone: a migration still catching up from an older position loses the entries it has
 * not read, and is told so ({@code 410} from the log call), not served fewer in silence. See the package
 * documentation for what a migration in progress must do about that.
 */
final class ChangeLogCleanup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(ChangeLogCleanup.class);

    private final ChangeLog changes;
    private final MigrationProperties properties;

    ChangeLogCleanup(ChangeLog changes, MigrationProperties properties) {
        this.changes = changes;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::run, properties.logCleanupInterval());
    }

    /** One cleanup run; returns how many entries it deleted, or -1 if it failed. */
    int run() {
        try {
            int deleted = changes.deleteOlderThan(properties.logRetention());
            if (deleted > 0) {
                log.info("deleted {} change-log entries older than {}", deleted, properties.logRetention());
            }
            return deleted;
        } catch (RuntimeException e) {
            log.warn("change-log cleanup failed; the next run retries", e);
            return -1;
        }
    }
}
