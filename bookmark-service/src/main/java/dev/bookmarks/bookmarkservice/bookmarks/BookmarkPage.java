package dev.bookmarks.bookmarkservice.bookmarks;

import java.util.List;

/**
 * One page of a user's list.
 *
 * @param items the bookmarks, newest first
 * @param nextCursor the cursor for the next page, or null when this is the last one
 */
record BookmarkPage(List<BookmarkView> items, String nextCursor) {
}
