package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.OffsetDateTime;
import org.springframework.data.relational.core.mapping.Table;

/**
 * One tag of a {@link Bookmark}, a row of {@code bookmark_tags} (whose {@code bookmark_id} column,
 * the back-reference, Spring Data JDBC fills in). The owner and creation time are copies of the
 * bookmark's, so that the tag filter and the tag counts are served by the index
 * {@code (user_id, tag, created_at, bookmark_id)} alone.
 *
 * @param tag the normalised tag ({@link Tags})
 * @param userId the bookmark's owner
 * @param createdAt the bookmark's creation time
 */
@Table
record BookmarkTag(String tag, String userId, OffsetDateTime createdAt) {
}
