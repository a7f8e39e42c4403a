package dev.bookmarks.bookmarkservice.migration;

/**
 * This shard holds no ring yet, so it cannot tell a user's slot: a change cannot be logged (and so is not made)
 * and a slot cannot be checked. Answered 503 with {@code Retry-After}, as the ownership filter answers every
 * user request before the first ring arrives.
 */
public final class NoRingException extends IllegalStateException {

    NoRingException() {
        super("this shard has not loaded the ring, so it cannot tell which slot a user is in");
    }
}
