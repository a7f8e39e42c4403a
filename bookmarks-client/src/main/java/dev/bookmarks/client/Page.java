package dev.bookmarks.client;

import java.util.List;

/**
 * One page of a user's list, newest first.
 *
 * @param items the bookmarks
 * @param nextCursor the cursor for the next page, or null on the last one
 */
public record Page(List<Bookmark> items, String nextCursor) {

    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
