package dev.bookmarks.bookmarkservice.migration;

import java.time.Instant;

/**
 * A completed Idempotency-Key record: what a target needs to answer a retry as this shard would (the stored
 * response again for the same request, 422 for another: hence the fingerprint) and to expire it when this
 * shard would ({@code storedAt}). Records still in progress are not migrated: their request has not answered.
 */
record MigratedIdempotencyRecord(String userId, String idemKey, String fingerprint, int status, String location,
        String responseBody, Instant storedAt) {
}
