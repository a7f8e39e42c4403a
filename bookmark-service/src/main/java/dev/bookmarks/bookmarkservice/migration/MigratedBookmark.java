package dev.bookmarks.bookmarkservice.migration;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A bookmark row with its tags, all a target needs to store it as this shard does: the times to the
 * microsecond as stored (they order the list and its cursors), the tags as stored (normalised, sorted).
 */
record MigratedBookmark(UUID id, String userId, String url, String title, String notes, List<String> tags,
        Instant createdAt, Instant updatedAt) {
}
