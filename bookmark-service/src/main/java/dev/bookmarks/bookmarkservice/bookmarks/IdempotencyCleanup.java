package dev.bookmarks.bookmarkservice.bookmarks;

import dev.bookmarks.bookmarkservice.migration.NoRingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Deletes Idempotency-Key records older than {@code bookmarks.shard.idempotency.retention}, every
 * {@code bookmarks.shard.idempotency.cleanup-interval}, on the application's task scheduler
 * (scheduling is enabled by the application class). A failed run is logged and the next one tries
 * again: a record kept longer than the retention does no harm. Before the first ring is loaded, completed
 * records stay (their deletion must be logged under the user's slot); records in progress go all the same.
 */
final class IdempotencyCleanup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyCleanup.class);

    private final IdempotencyRecords records;
    private final IdempotencyProperties properties;

    IdempotencyCleanup(IdempotencyRecords records, IdempotencyProperties properties) {
        this.records = records;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::run, properties.cleanupInterval());
    }

    /** One cleanup run; returns how many records it deleted, or -1 if it failed. */
    int run() {
        try {
            int deleted = records.deleteExpired();
            if (deleted > 0) {
                log.info("deleted {} Idempotency-Key records older than {}", deleted, properties.retention());
            }
            return deleted;
        } catch (NoRingException e) {
            // Not a failure worth a stack trace: the shard serves nothing either until the ring arrives.
            log.info("completed Idempotency-Key records are kept until a ring is loaded");
            return -1;
        } catch (RuntimeException e) {
            log.warn("Idempotency-Key cleanup failed; the next run retries", e);
            return -1;
        }
    }
}
