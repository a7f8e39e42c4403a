package dev.bookmarks.bookmarkservice.migration;

/** The write fence against the default database, H2 in file mode. */
class H2WriteFenceIT extends WriteFenceContract {
}
