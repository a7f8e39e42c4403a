package dev.bookmarks.bookmarkservice.migration;

/** The source side of a migration against the default database, H2 in file mode. */
class H2MigrationSourceIT extends MigrationSourceContract {
}
