package dev.bookmarks.client;

/**
 * How many of a user's bookmarks carry a tag.
 *
 * @param tag the tag
 * @param count how many bookmarks carry it
 */
public record TagCount(String tag, long count) {
}
