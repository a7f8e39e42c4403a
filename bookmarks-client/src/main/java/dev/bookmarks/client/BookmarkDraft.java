package dev.bookmarks.client;

import java.util.List;
import java.util.Objects;

/**
 * What a create or a full replace sends.
 *
 * @param url the URL (http or https, at most 2048 characters)
 * @param title the title, or null
 * @param tags the tags, never null (empty when none)
 * @param notes the notes, or null
 */
public record BookmarkDraft(String url, String title, List<String> tags, String notes) {

    public BookmarkDraft {
        Objects.requireNonNull(url, "url");
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A draft with only a URL. */
    public static BookmarkDraft of(String url) {
        return new BookmarkDraft(url, null, List.of(), null);
    }
}
