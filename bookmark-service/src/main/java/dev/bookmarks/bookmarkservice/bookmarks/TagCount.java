package dev.bookmarks.bookmarkservice.bookmarks;

/**
 * How many of a user's bookmarks carry a tag.
 *
 * @param tag the normalised tag
 * @param count the number of bookmarks, at least 1
 */
record TagCount(String tag, long count) {
}
