package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.UUID;
import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A stored bookmark: the Spring Data JDBC aggregate root of table {@code bookmarks}, with its
 * tags (table {@code bookmark_tags}) as part of the aggregate, so a replace rewrites both at once.
 * Table names come from {@link TableNames}, column names are derived from the components.
 *
 * <p>Times are {@link OffsetDateTime} in UTC because Spring Data JDBC hands that type to the JDBC
 * driver unchanged as TIMESTAMP WITH TIME ZONE (an {@link java.time.Instant} would go through
 * {@link java.sql.Timestamp} and the JVM's time zone).
 *
 * @param id the bookmark's id ({@link BookmarkIds})
 * @param userId its owner
 * @param url the URL
 * @param title the title, possibly empty
 * @param notes the notes, possibly empty
 * @param tags its tags
 * @param createdAt when it was created, in microseconds; never changes
 * @param updatedAt when it was last created or replaced, in microseconds
 */
@Table
record Bookmark(@Id UUID id, String userId, String url, String title, String notes, Set<BookmarkTag> tags,
        OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    Bookmark {
        tags = Set.copyOf(tags);
    }
}
