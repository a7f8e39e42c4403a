package dev.bookmarks.bookmarkservice.bookmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bookmark operations of the API, each in one transaction: a create with an Idempotency-Key
 * commits the bookmark and the key's stored response together, so either both exist or neither.
 * Callers have validated the user id and the input.
 */
final class BookmarkService {

    private static final Logger log = LoggerFactory.getLogger(BookmarkService.class);

    private final BookmarkStore store;
    private final IdempotencyRecords keys;
    private final TransactionTemplate transaction;
    private final JsonMapper json;
    private final Clock clock;
    private final PageCursors cursors;

    BookmarkService(BookmarkStore store, IdempotencyRecords keys, PlatformTransactionManager transactions,
            JsonMapper json, Clock clock, PageCursors cursors) {
        this.store = store;
        this.keys = keys;
        this.transaction = new TransactionTemplate(transactions);
        this.json = json;
        this.clock = clock;
        this.cursors = cursors;
    }

    /**
     * Creates a bookmark, or with a key answers as the draft says: the stored response again for
     * a retry of the same request, 422 for another request, 409 while the first one runs.
     *
     * @return the response to send, byte for byte the one stored with the key
     */
    StoredResponse create(String userId, BookmarkInput input, Optional<IdempotencyKey> key, String path) {
        if (key.isEmpty()) {
            return transaction.execute(status -> insert(userId, input));
        }
        IdempotencyKey k = key.get();
        IdempotencyRecords.Claim claim = keys.claim(userId, k, input.fingerprint("POST", path));
        if (claim instanceof IdempotencyRecords.Replay replay) {
            return replay.response();
        }
        if (claim instanceof IdempotencyRecords.Mismatch) {
            throw BookmarkProblems.keyReused();
        }
        if (claim instanceof IdempotencyRecords.Owned owned) {
            return createOwned(userId, input, k, owned.token());
        }
        throw BookmarkProblems.keyInFlight();
    }

    private StoredResponse createOwned(String userId, BookmarkInput input, IdempotencyKey key, UUID token) {
        StoredResponse response;
        try {
            response = transaction.execute(status -> {
                StoredResponse created = insert(userId, input);
                if (!keys.complete(userId, key, token, created)) {
                    // The lease ran out and a retry took the key over: its bookmark counts, not this one.
                    status.setRollbackOnly();
                    return null;
                }
                return created;
            });
        } catch (RuntimeException e) {
            try {
                keys.release(userId, key, token);
            } catch (RuntimeException releaseFailed) {
                // The lease will free the key; the create's own failure is what the client must see.
                log.warn("could not release an Idempotency-Key after a failed create", releaseFailed);
                e.addSuppressed(releaseFailed);
            }
            throw e;
        }
        if (response == null) {
            throw BookmarkProblems.keyInFlight();
        }
        return response;
    }

    private StoredResponse insert(String userId, BookmarkInput input) {
        OffsetDateTime now = now();
        UUID id = BookmarkIds.next(now.toInstant());
        Bookmark bookmark = new Bookmark(id, userId, input.url(), input.title(), input.notes(),
                tags(userId, input, now), now, now);
        store.insert(bookmark);
        String body = json.writeValueAsString(BookmarkView.of(bookmark));
        return new StoredResponse(201, "/api/users/" + userId + "/bookmarks/" + id, body, false);
    }

    /** The user's bookmark with this id, or a 404. */
    BookmarkView get(String userId, UUID id) {
        return store.find(userId, id).map(BookmarkView::of).orElseThrow(BookmarkProblems::notFound);
    }

    /** Replaces every client-settable field of the user's bookmark; its id and creation time stay. */
    BookmarkView replace(String userId, UUID id, BookmarkInput input) {
        return transaction.execute(status -> {
            OffsetDateTime createdAt = store.lockCreatedAt(userId, id).orElseThrow(BookmarkProblems::notFound);
            // A clock that stepped back must not make a bookmark updated before it was created.
            OffsetDateTime now = now();
            OffsetDateTime updatedAt = now.isBefore(createdAt) ? createdAt : now;
            Bookmark bookmark = new Bookmark(id, userId, input.url(), input.title(), input.notes(),
                    tags(userId, input, createdAt), createdAt, updatedAt);
            store.update(bookmark);
            return BookmarkView.of(bookmark);
        });
    }

    /** Deletes the user's bookmark with this id if there is one; deleting twice is not an error. */
    void delete(String userId, UUID id) {
        transaction.executeWithoutResult(status -> store.delete(userId, id));
    }

    /** One page of the user's list, newest first, with the cursor of the next page if there is one. */
    BookmarkPage list(String userId, ListQuery query) {
        // One row more than the page tells whether a next page exists without a count.
        List<Bookmark> rows = store.page(userId, query, query.limit() + 1);
        boolean more = rows.size() > query.limit();
        List<Bookmark> page = more ? rows.subList(0, query.limit()) : rows;
        String next = null;
        if (more) {
            Bookmark last = page.get(page.size() - 1);
            next = cursors.encode(new PageCursor(last.createdAt().toInstant(), last.id()), userId, query.tag(), query.q());
        }
        return new BookmarkPage(page.stream().map(BookmarkView::of).toList(), next);
    }

    /** The user's tags with their counts, most used first. */
    List<TagCount> tags(String userId) {
        return store.tagCounts(userId);
    }

    private static Set<BookmarkTag> tags(String userId, BookmarkInput input, OffsetDateTime createdAt) {
        return input.tags().stream().map(tag -> new BookmarkTag(tag, userId, createdAt)).collect(Collectors.toSet());
    }

    /** Now, in UTC, truncated to the microseconds both databases store, so cursors compare exactly. */
    private OffsetDateTime now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }
}
