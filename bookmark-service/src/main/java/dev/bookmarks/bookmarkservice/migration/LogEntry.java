package dev.bookmarks.bookmarkservice.migration;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the change log, as {@code GET /internal/migration/log} shows it: what changed, not how. Exactly
 * one of {@code bookmarkId} and {@code idemKey} is set; the target asks {@code /state} for its current value.
 *
 * @param seq the entry's position in the log
 * @param slot the user's slot
 * @param userId the user whose data changed
 * @param bookmarkId the bookmark created, replaced or deleted, or null
 * @param idemKey the Idempotency-Key whose record was completed or deleted, or null
 * @param changedAt when the change was made, by this shard's clock
 */
record LogEntry(long seq, int slot, String userId, UUID bookmarkId, String idemKey, Instant changedAt) {
}
