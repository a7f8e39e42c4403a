package dev.bookmarks.bookmarkservice.bookmarks;

/** The API contracts against the default database, H2 in file mode. */
class H2BookmarkApiIT extends H2Shard implements BookmarkApiContract, RefusedWritesContract, IdempotencyContract {
}
