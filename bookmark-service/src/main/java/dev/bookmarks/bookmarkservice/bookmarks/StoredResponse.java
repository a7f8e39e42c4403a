package dev.bookmarks.bookmarkservice.bookmarks;

/**
 * The answer to a create, as stored with its Idempotency-Key and replayed byte for byte.
 *
 * @param status the HTTP status (201)
 * @param location the {@code Location} header, a path
 * @param body the JSON body
 * @param replayed whether this is a replay of an earlier request's answer
 */
record StoredResponse(int status, String location, String body, boolean replayed) {
}
