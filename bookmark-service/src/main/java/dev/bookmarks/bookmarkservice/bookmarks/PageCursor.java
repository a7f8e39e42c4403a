package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A position in a user's list: the last bookmark of a page, by the list's order (created_at
 * descending, then id descending). The next page is every bookmark strictly after it in that
 * order (keyset pagination), so bookmarks inserted while a client pages (which are newer, hence
 * before the position) neither shift nor repeat later pages, as they would with an offset. On the
 * wire it is an opaque, authenticated cursor ({@link PageCursors}).
 *
 * @param createdAt the position's creation time, in microseconds
 * @param id the position's bookmark id
 */
record PageCursor(Instant createdAt, UUID id) {

    PageCursor {
        createdAt = createdAt.truncatedTo(ChronoUnit.MICROS);
    }
}
