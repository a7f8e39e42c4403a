package dev.bookmarks.bookmarkservice.bookmarks;

/** The API contracts once more, with the shard configured for PostgreSQL. */
class PostgresBookmarkApiIT extends PostgresShard implements BookmarkApiContract, RefusedWritesContract,
        IdempotencyContract {
}
