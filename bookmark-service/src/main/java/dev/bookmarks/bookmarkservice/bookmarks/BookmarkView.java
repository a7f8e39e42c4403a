package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.Instant;
import java.util.List;

/**
 * A bookmark as the API shows it (docs/architecture.md, "Public API").
 *
 * @param id the id, a lower-case UUID
 * @param url the URL
 * @param title the title, possibly empty
 * @param tags the normalised tags, sorted
 * @param notes the notes, possibly empty
 * @param createdAt when it was created (ISO-8601, UTC, microseconds)
 * @param updatedAt when it was last created or replaced
 */
record BookmarkView(String id, String url, String title, List<String> tags, String notes, Instant createdAt,
        Instant updatedAt) {

    static BookmarkView of(Bookmark bookmark) {
        return new BookmarkView(bookmark.id().toString(), bookmark.url(), bookmark.title(),
                bookmark.tags().stream().map(BookmarkTag::tag).sorted().toList(), bookmark.notes(),
                bookmark.createdAt().toInstant(), bookmark.updatedAt().toInstant());
    }
}
