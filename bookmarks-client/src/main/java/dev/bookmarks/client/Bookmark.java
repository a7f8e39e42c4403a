package dev.bookmarks.client;

import java.time.Instant;
import java.util.List;

/**
 * A bookmark as the API returns it.
 *
 * @param id the id (a UUID)
 * @param url the URL
 * @param title the title, possibly empty
 * @param tags the normalised tags, sorted
 * @param notes the notes, possibly empty
 * @param createdAt when it was created
 * @param updatedAt when it was last created or replaced
 */
public record Bookmark(String id, String url, String title, List<String> tags, String notes, Instant createdAt,
        Instant updatedAt) {

    public Bookmark {
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
