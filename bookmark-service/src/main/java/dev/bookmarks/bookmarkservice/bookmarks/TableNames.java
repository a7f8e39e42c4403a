package dev.bookmarks.bookmarkservice.bookmarks;

import org.springframework.data.relational.core.mapping.NamingStrategy;
import org.springframework.data.relational.core.mapping.RelationalPersistentEntity;
import org.springframework.data.relational.core.mapping.RelationalPersistentProperty;

/**
 * Spring Data JDBC's names for this package's tables: {@code bookmarks} for {@link Bookmark},
 * {@code bookmark_tags} for {@link BookmarkTag} with its back-reference column
 * {@code bookmark_id}; every other name (columns, other entities) is the default.
 *
 * <p>A naming strategy rather than names in {@code @Table} annotations because Spring Data JDBC
 * quotes names given in annotations, which makes them case-sensitive: H2 folds the unquoted names
 * of the migration to upper case and PostgreSQL to lower case, so no one quoted spelling matches
 * both. Names from a naming strategy follow each database's folding.
 */
final class TableNames implements NamingStrategy {

    @Override
    public String getTableName(Class<?> type) {
        if (type == Bookmark.class) {
            return "bookmarks";
        }
        if (type == BookmarkTag.class) {
            return "bookmark_tags";
        }
        return NamingStrategy.super.getTableName(type);
    }

    @Override
    public String getReverseColumnName(RelationalPersistentProperty property) {
        return getReverseColumnName(property.getOwner());
    }

    @Override
    public String getReverseColumnName(RelationalPersistentEntity<?> owner) {
        return owner.getType() == Bookmark.class ? "bookmark_id" : NamingStrategy.super.getReverseColumnName(owner);
    }
}
